/**
 * Stored and incoming SMS as +CMGR, +CMGL and +CMT show them (27.005 §3.4, §4.1; SIM800 manual §4.2; exact forms in
 * shared/reference/sim800-sms.md §4), and the TE character sets of +CSCS. Text mode shows a GSM 7-bit message
 * without a header as text in the TE set; 8-bit, UCS2 or a message with a user data header (a concatenated part)
 * as the hex of its user data (27.005 §3.1 <data>).
 */
import {
  decodeDeliver,
  decodeSubmit,
  formatTimestamp,
  fromSeptets,
  toHex,
  toSeptets,
  type DecodedDeliver,
  type DecodedSubmit,
} from './pdu/index.ts';
import { alphabetOf } from './pdu/user-data.ts';
import { encodeUcs2, decodeUcs2 } from './pdu/ucs2.ts';
import { fromHex } from './pdu/reader.ts';
import type { Settings } from './settings.ts';
import { STAT_TEXT, type Stored } from './store.ts';

export type Charset = Settings['charset'];

/** Text as the TE sees it in `charset` (one JS char per byte, except UCS2 which is hex). */
export function toTe(text: string, charset: Charset): string {
  if (charset === 'UCS2') return toHex(encodeUcs2(text));
  if (charset === 'GSM') return String.fromCharCode(...(toSeptets(text) ?? [...text].map((c) => toSeptets(c)?.[0] ?? 0x3f)));
  return [...text].map((c) => (c.charCodeAt(0) < 0x80 ? c : '?')).join('');
}

/** What the TE typed, as text; undefined when it is not valid in `charset` (UCS2 that is not hex). */
export function fromTe(input: string, charset: Charset): string | undefined {
  if (charset === 'UCS2') {
    const bytes = /^([0-9a-fA-F]{4})*$/.test(input) ? fromHex(input) : undefined;
    return bytes && decodeUcs2(bytes);
  }
  if (charset === 'GSM') return fromSeptets([...input].map((c) => c.charCodeAt(0) & 0x7f));
  return [...input].map((c) => (c.charCodeAt(0) < 0x80 ? c : '?')).join('');
}

export type Decoded = ({ kind: 'deliver' } & DecodedDeliver) | ({ kind: 'submit' } & DecodedSubmit);

export function decodeStored(s: Stored): Decoded {
  return s.stat <= 1 ? { kind: 'deliver', ...decodeDeliver(s.pdu) } : { kind: 'submit', ...decodeSubmit(s.pdu) };
}

/** The body line and its <length> in text mode. */
export function textBody(d: Decoded, charset: Charset): { body: string; length: number } {
  const udhi = (d.fo & 0x40) !== 0;
  if (alphabetOf(d.dcs) === 'gsm7' && !udhi) {
    const body = toTe(d.text, charset);
    return { body, length: body.length };
  }
  return { body: toHex(d.ud), length: d.ud.length };
}

const address = (d: Decoded) => (d.kind === 'deliver' ? { a: d.from, t: d.fromType } : { a: d.to, t: d.toType });
const sca = (d: Decoded) => `"${d.smsc ?? ''}",${d.smsc?.startsWith('+') ? 145 : 129}`;

/** +CMGR in text mode: the header line (without "+CMGR: ") and body. */
export function cmgrText(s: Stored, d: Decoded, set: Settings): string[] {
  const { body, length } = textBody(d, set.charset);
  const { a, t } = address(d);
  const stat = `"${STAT_TEXT[s.stat]}"`;
  const head =
    d.kind === 'deliver'
      ? `${stat},"${toTe(a, set.charset)}","","${formatTimestamp(d.scts)}"` +
        (set.csdh ? `,${t},${d.fo},${d.pid},${d.dcs},${sca(d)},${length}` : '')
      : `${stat},"${toTe(a, set.charset)}",""` +
        (set.csdh ? `,${t},${d.fo},${d.pid},${d.dcs},${d.vp && 'relative' in d.vp ? d.vp.relative : ''},${sca(d)},${length}` : '');
  return [`+CMGR: ${head}`, body];
}

/** One +CMGL entry in text mode. */
export function cmglText(index: number, s: Stored, d: Decoded, set: Settings): string[] {
  const { body, length } = textBody(d, set.charset);
  const { a, t } = address(d);
  const scts = d.kind === 'deliver' ? formatTimestamp(d.scts) : '';
  return [`+CMGL: ${index},"${STAT_TEXT[s.stat]}","${toTe(a, set.charset)}","","${scts}"${set.csdh ? `,${t},${length}` : ''}`, body];
}

/** +CMT in text mode. */
export function cmtText(d: Decoded, set: Settings): string[] {
  const { body, length } = textBody(d, set.charset);
  const { a, t } = address(d);
  const scts = d.kind === 'deliver' ? formatTimestamp(d.scts) : '';
  return [`+CMT: "${toTe(a, set.charset)}","","${scts}"${set.csdh ? `,${t},${d.fo},${d.pid},${d.dcs},${sca(d)},${length}` : ''}`, body];
}

export const cmgrPdu = (s: Stored) => [`+CMGR: ${s.stat},"",${s.tpduOctets}`, toHex(s.pdu)];
export const cmglPdu = (index: number, s: Stored) => [`+CMGL: ${index},${s.stat},"",${s.tpduOctets}`, toHex(s.pdu)];
export const cmtPdu = (s: Stored) => [`+CMT: "",${s.tpduOctets}`, toHex(s.pdu)];
