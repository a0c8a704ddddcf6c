/**
 * TP-DCS and TP-UD (TS 23.038 §4, TS 23.040 §9.2.3.16 and .24). The alphabet is in DCS bits 3-2 of the general
 * coding groups (00xx xxxx): 00 GSM 7-bit, 01 8-bit, 10 UCS2; group 1111 has bit 2 for 8-bit. TP-UDL counts septets
 * for GSM 7-bit (header and fill bits included) and octets otherwise.
 */
import { fromSeptets, toSeptets } from './gsm7.ts';
import { PduError } from './reader.ts';
import { fillBitsAfter, headerSeptets, packSeptets, unpackSeptets } from './septets.ts';
import { decodeUcs2, encodeUcs2 } from './ucs2.ts';
import { decodeUdh, encodeUdh, type InformationElement } from './udh.ts';

export type Alphabet = 'gsm7' | '8bit' | 'ucs2';

export function alphabetOf(dcs: number): Alphabet {
  if ((dcs & 0xc0) === 0x00 || (dcs & 0xc0) === 0x40) return (['gsm7', '8bit', 'ucs2', 'gsm7'] as const)[(dcs >> 2) & 3]!;
  if ((dcs & 0xf0) === 0xf0) return dcs & 0x04 ? '8bit' : 'gsm7';
  if ((dcs & 0xf0) === 0xe0) return 'ucs2'; // message waiting, UCS2
  return 'gsm7'; // message waiting groups 1100/1101: GSM 7-bit
}

export const dcsFor = (alphabet: Alphabet): number => ({ gsm7: 0x00, '8bit': 0x04, ucs2: 0x08 })[alphabet];

export interface UserData {
  /** The text (GSM 7-bit, UCS2) or, for 8-bit data, the octets as latin1 characters. */
  text: string;
  ies: InformationElement[];
}

/** TP-UDL and TP-UD for a text and header. */
export function encodeUserData(alphabet: Alphabet, ud: UserData): { udl: number; bytes: Buffer } {
  const udh = ud.ies.length ? encodeUdh(ud.ies) : Buffer.alloc(0);
  if (alphabet === 'gsm7') {
    const septets = toSeptets(ud.text);
    if (!septets) throw new PduError('the text has characters outside the GSM 7-bit alphabet');
    const udl = (udh.length ? headerSeptets(udh.length) : 0) + septets.length;
    if (udl > 160) throw new PduError(`${udl} septets do not fit one SMS (160)`);
    const fill = udh.length ? fillBitsAfter(udh.length) : 0;
    const packed = packSeptets(septets, fill);
    // TS 23.038 §6.1.2.3.1: 7 spare bits at the end are a CR, so no reader takes them for an "@".
    if (packed.length * 8 - (fill + 7 * septets.length) === 7) packed[packed.length - 1]! |= 0x0d << 1;
    return { udl, bytes: Buffer.concat([udh, packed]) };
  }
  const body = alphabet === 'ucs2' ? encodeUcs2(ud.text) : Buffer.from(ud.text, 'latin1');
  const bytes = Buffer.concat([udh, body]);
  if (bytes.length > 140) throw new PduError(`${bytes.length} octets do not fit one SMS (140)`);
  return { udl: bytes.length, bytes };
}

export interface DecodedUserData extends UserData {
  /** The user data octets TP-UDL covers, header included (what text mode shows in hex). */
  ud: Buffer;
}

/** The text and header from TP-UDL and the octets after it. */
export function decodeUserData(alphabet: Alphabet, udhi: boolean, udl: number, bytes: Buffer): DecodedUserData {
  if (alphabet === 'gsm7') {
    if (udl > 160) throw new PduError(`a TP-UDL of ${udl} septets`);
    const need = Math.ceil((udl * 7) / 8);
    if (bytes.length < need) throw new PduError('the user data is shorter than TP-UDL');
    const ud = bytes.subarray(0, need);
    const { ies, octets } = udhi ? decodeUdh(ud) : { ies: [], octets: 0 };
    const skip = octets ? headerSeptets(octets) : 0;
    if (skip > udl) throw new PduError('the user data header is longer than TP-UDL');
    const septets = unpackSeptets(ud.subarray(octets), udl - skip, octets ? fillBitsAfter(octets) : 0);
    return { text: fromSeptets(septets), ies, ud: Buffer.from(ud) };
  }
  if (udl > 140) throw new PduError(`a TP-UDL of ${udl} octets`);
  if (bytes.length < udl) throw new PduError('the user data is shorter than TP-UDL');
  const ud = bytes.subarray(0, udl);
  const { ies, octets } = udhi ? decodeUdh(ud) : { ies: [], octets: 0 };
  const body = ud.subarray(octets);
  return { text: alphabet === 'ucs2' ? decodeUcs2(body) : Buffer.from(body).toString('latin1'), ies, ud: Buffer.from(ud) };
}
