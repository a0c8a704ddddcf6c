/**
 * Reading an SMS the modem shows (+CMGR, +CMT), in either mode (27.005 §3.4.3, §3.1; exact forms in shared/
 * reference/sim800-sms.md §4). PDU mode: `+CMGR: <stat>,[<alpha>],<length>` and the PDU. Text mode:
 * `+CMGR: <stat>,<oa>,[<alpha>],<scts>[,<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>]` and the body, which is
 * hex of the user data when <dcs> is 8-bit/UCS2 or <fo> sets TP-UDHI (that needs AT+CSDH=1 to be known).
 */
import { concatOf, decodeDeliver, decodeUserData, fromHex, PduError, type Concat } from './pdu/index.ts';
import { alphabetOf } from './pdu/user-data.ts';
import { fromTe, type Charset } from './sms-text.ts';

export interface ReadSms {
  from: string;
  text: string;
  concat?: Concat;
}

const TEXT_HEADER = /^\+(?:CMGR|CMT): (?:"[^"]*",)?"([^"]*)",(?:"[^"]*")?,"([^"]*)"(?:,(\d+),(\d+),(\d+),(\d+),"[^"]*",\d+,\d+)?$/;
const PDU_HEADER = /^\+(?:CMGR|CMT): (?:\d,)?(?:"[^"]*")?,(\d+)$/;

/** The message in a +CMGR answer or a +CMT URC (header line and body line); undefined if it is not one. A text
 *  body is in the +CSCS set the host chose (`charset`). */
export function readSms(header: string, body: string, charset: Charset = 'GSM'): ReadSms | undefined {
  try {
    if (PDU_HEADER.test(header)) {
      const pdu = fromHex(body);
      if (!pdu) return undefined;
      const d = decodeDeliver(pdu);
      const concat = concatOf(d.ies);
      return { from: d.from, text: d.text, ...(concat ? { concat } : {}) };
    }
    const m = TEXT_HEADER.exec(header);
    if (!m) return undefined;
    const from = m[1]!;
    const fo = m[4] === undefined ? 0 : Number(m[4]);
    const dcs = m[6] === undefined ? 0 : Number(m[6]);
    const alphabet = alphabetOf(dcs);
    const udhi = (fo & 0x40) !== 0;
    if (alphabet === 'gsm7' && !udhi) return { from, text: fromTe(body, charset) ?? body };
    const ud = fromHex(body);
    if (!ud) return undefined;
    const udl = alphabet === 'gsm7' ? Math.floor((ud.length * 8) / 7) : ud.length;
    const d = decodeUserData(alphabet, udhi, udl, ud);
    const concat = concatOf(d.ies);
    // Hex gives octets, not septets: a last septet that ends exactly on the last octet may be the CR that pads
    // 7 spare bits (TS 23.038 §6.1.2.3.1), which a reader discards.
    const text = alphabet === 'gsm7' && (udl * 7) % 8 === 0 && d.text.endsWith('\r') ? d.text.slice(0, -1) : d.text;
    return { from, text, ...(concat ? { concat } : {}) };
  } catch (err) {
    if (err instanceof PduError) return undefined;
    throw err;
  }
}
