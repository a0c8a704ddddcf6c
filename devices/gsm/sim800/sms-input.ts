/**
 * What the host types after the "> " prompt of AT+CMGS, turned into an SMS-SUBMIT (27.005 §3.5.1, §4.3; SIM800
 * manual §4.2.5). Text mode: the text in the +CSCS set, or hex octets when +CSMP's <dcs> is 8-bit/UCS2 or its <fo>
 * sets TP-UDHI; the PDU takes the +CSMP parameters and the +CSCA centre. PDU mode: hex of the SMSC part and the
 * TPDU, whose octets must number the <length> given (else +CMS ERROR: 304).
 * One text-mode SMS holds one SMS worth of text: a longer one is refused with +CMS ERROR: 513 ("message length
 * exceeds maximum", SIM800 manual §19.2): what a real SIM800 does with it is not in our sources.
 */
import { decodeSubmit, encodeSubmit, fromHex, isGsm7, PduError, textUnits, type DecodedSubmit } from './pdu/index.ts';
import { decodeUcs2 } from './pdu/ucs2.ts';
import { decodeUdh } from './pdu/udh.ts';
import { alphabetOf } from './pdu/user-data.ts';
import type { SmsInput } from './context.ts';
import { cms, CMS, type Failure } from './results.ts';
import type { Nvram, Settings } from './settings.ts';
import { fromTe } from './sms-text.ts';

/** Input beyond this is not kept (a 1,024-character text in UCS2 hex is 4,096). */
export const MAX_INPUT = 4096;

export function submitFromInput(input: SmsInput, typed: string, s: Settings, nv: Nvram, mr: number): DecodedSubmit | Failure {
  try {
    return input.mode === 'pdu' ? fromPdu(typed, input.length, nv) : fromText(input, typed, s, nv, mr);
  } catch (err) {
    if (err instanceof PduError) return cms(input.mode === 'pdu' ? CMS.pduParameter : CMS.textParameter);
    throw err;
  }
}

function fromPdu(typed: string, length: number, nv: Nvram): DecodedSubmit | Failure {
  const bytes = fromHex(typed.replace(/[\s]/g, ''));
  if (!bytes || bytes.length < 1 || bytes.length - 1 - bytes[0]! !== length) return cms(CMS.pduParameter);
  const submit = decodeSubmit(bytes);
  return submit.smsc ? submit : { ...submit, smsc: nv.csca.address };
}

function fromText(input: SmsInput & { mode: 'text' }, typed: string, s: Settings, nv: Nvram, mr: number): DecodedSubmit | Failure {
  const { fo, vp, pid, dcs } = nv.csmp;
  const alphabet = alphabetOf(dcs);
  const udhi = (fo & 0x40) !== 0;
  let text: string;
  let ies: ReturnType<typeof decodeUdh>['ies'] = [];
  if (alphabet !== 'gsm7' || udhi) {
    if (alphabet === 'gsm7') return cms(CMS.textParameter); // packed septets typed in hex: not supported
    const octets = fromHex(typed);
    if (!octets) return cms(CMS.textParameter);
    const header = udhi ? decodeUdh(octets) : { ies: [], octets: 0 };
    ies = header.ies;
    const body = octets.subarray(header.octets);
    text = alphabet === 'ucs2' ? decodeUcs2(body) : body.toString('latin1');
  } else {
    const t = fromTe(typed, s.charset);
    if (t === undefined) return cms(CMS.textParameter);
    text = [...t].map((c) => (isGsm7(c) ? c : '?')).join('');
  }
  const limit = alphabet === 'gsm7' ? 160 : alphabet === 'ucs2' ? 70 : 140;
  if (textUnits(text, alphabet) > limit) return cms(CMS.tooLong);
  const vpf = (fo >> 3) & 3;
  const { pdu } = encodeSubmit({
    smsc: nv.csca.address,
    mr,
    to: input.to,
    toType: input.toType,
    pid,
    dcs,
    ...(vpf === 2 ? { vp: { relative: vp } } : {}),
    srr: (fo & 0x20) !== 0,
    text,
    ies,
  });
  return decodeSubmit(pdu);
}
