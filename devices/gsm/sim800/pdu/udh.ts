/**
 * The user data header (TS 23.040 §9.2.3.24): UDHL, then information elements (IEI, length, data). The ones this
 * codec reads are the concatenation IEs: 0x00 with an 8-bit reference `00 03 <ref> <total> <seq>` and 0x08 with a
 * 16-bit one `08 04 <ref hi> <ref lo> <total> <seq>`; parts count from 1.
 */
import { PduError } from './reader.ts';

export interface InformationElement {
  iei: number;
  data: Buffer;
}

export interface Concat {
  ref: number;
  total: number;
  seq: number;
  /** 16-bit reference (IEI 0x08) rather than 8-bit (IEI 0x00). */
  wide?: boolean;
}

/** The header with its UDHL octet. */
export function encodeUdh(ies: readonly InformationElement[]): Buffer {
  const body = Buffer.concat(ies.map((ie) => Buffer.concat([Buffer.from([ie.iei, ie.data.length]), ie.data])));
  if (body.length > 139) throw new PduError('a user data header longer than the user data');
  return Buffer.concat([Buffer.from([body.length]), body]);
}

/** The header at the start of `ud`, and how many octets it takes (UDHL included). */
export function decodeUdh(ud: Uint8Array): { ies: InformationElement[]; octets: number } {
  if (ud.length === 0) throw new PduError('TP-UDHI is set and the user data is empty');
  const udhl = ud[0]!;
  if (udhl + 1 > ud.length) throw new PduError('the user data header is longer than the user data');
  const ies: InformationElement[] = [];
  for (let i = 1; i < udhl + 1;) {
    const iei = ud[i]!;
    const len = ud[i + 1];
    if (len === undefined || i + 2 + len > udhl + 1) throw new PduError('an information element overruns the header');
    ies.push({ iei, data: Buffer.from(ud.subarray(i + 2, i + 2 + len)) });
    i += 2 + len;
  }
  return { ies, octets: udhl + 1 };
}

export function concatIe(c: Concat): InformationElement {
  return c.wide
    ? { iei: 0x08, data: Buffer.from([c.ref >> 8, c.ref & 0xff, c.total, c.seq]) }
    : { iei: 0x00, data: Buffer.from([c.ref & 0xff, c.total, c.seq]) };
}

/** The concatenation IE among `ies`, if it is well formed (TS 23.040 says to ignore one that is not). */
export function concatOf(ies: readonly InformationElement[]): Concat | undefined {
  for (const { iei, data } of ies) {
    const c =
      iei === 0x00 && data.length === 3
        ? { ref: data[0]!, total: data[1]!, seq: data[2]! }
        : iei === 0x08 && data.length === 4
          ? { ref: (data[0]! << 8) | data[1]!, total: data[2]!, seq: data[3]!, wide: true }
          : undefined;
    if (c && c.total > 0 && c.seq > 0 && c.seq <= c.total) return c;
  }
  return undefined;
}
