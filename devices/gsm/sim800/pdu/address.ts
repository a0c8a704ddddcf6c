/**
 * Addresses in a TPDU (TP-DA, TP-OA; TS 23.040 §9.1.2.5) and the SMSC address before it (TS 24.011 RP address, as
 * 27.005 PDU mode carries it). Semi-octets with swapped nibbles, F filling the last; types 0x91 international
 * (shown with "+"), 0x81 unknown, 0xA1 national, 0xC8 subscriber, 0xD0 alphanumeric (GSM 7-bit packed).
 */
import { fromSeptets, toSeptets } from './gsm7.ts';
import { PduError, type PduReader } from './reader.ts';
import { packSeptets, unpackSeptets } from './septets.ts';

export const TOA = { international: 0x91, unknown: 0x81, national: 0xa1, alphanumeric: 0xd0 } as const;

const DIGITS = '0123456789*#abc';

function toSemiOctets(digits: string): Buffer {
  const nibbles = [...digits].map((d) => DIGITS.indexOf(d.toLowerCase()));
  if (nibbles.some((n) => n < 0)) throw new PduError(`not a phone number: ${digits}`);
  if (nibbles.length % 2) nibbles.push(0xf);
  const out = Buffer.alloc(nibbles.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = nibbles[2 * i]! | (nibbles[2 * i + 1]! << 4);
  return out;
}

function fromSemiOctets(bytes: Uint8Array, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const b = bytes[i >> 1] ?? 0xff;
    const n = i & 1 ? b >> 4 : b & 0xf;
    if (n === 0xf) break;
    out += DIGITS[n] ?? '';
  }
  return out;
}

/** The type-of-address a number is written with: "+" international, digits unknown, anything else alphanumeric. */
export function typeOf(address: string): number {
  if (/^\+[0-9*#]+$/.test(address)) return TOA.international;
  if (/^[0-9*#]+$/.test(address)) return TOA.unknown;
  return TOA.alphanumeric;
}

/** The address as shown to a person: with "+" when international. */
export function showAddress(digits: string, type: number): string {
  return (type & 0x70) === 0x10 && !digits.startsWith('+') ? `+${digits}` : digits;
}

/** TP-DA / TP-OA: length in semi-octets (digits), type, value. */
export function encodeAddress(address: string, type = typeOf(address)): Buffer {
  if ((type & 0x70) === 0x50) {
    const septets = toSeptets(address);
    if (!septets || septets.length > 11) throw new PduError(`not an alphanumeric sender: ${address}`);
    const value = packSeptets(septets);
    return Buffer.concat([Buffer.from([Math.ceil((septets.length * 7) / 4), type]), value]);
  }
  const digits = address.replace(/^\+/, '');
  if (digits.length > 20) throw new PduError('an address has at most 20 digits');
  return Buffer.concat([Buffer.from([digits.length, type]), toSemiOctets(digits)]);
}

export function readAddress(r: PduReader): { address: string; type: number } {
  const length = r.octet('address length');
  const type = r.octet('type of address');
  if (length > 20) throw new PduError(`an address of ${length} semi-octets`);
  const value = r.take(Math.ceil(length / 2), 'address');
  if ((type & 0x70) === 0x50) return { address: fromSeptets(unpackSeptets(value, Math.floor((length * 4) / 7))), type };
  return { address: showAddress(fromSemiOctets(value, length), type), type };
}

/** The SMSC part of a PDU-mode PDU: length in octets (type included), or 00 for "use +CSCA". */
export function encodeSmsc(address?: string): Buffer {
  if (!address) return Buffer.from([0]);
  const type = typeOf(address);
  const value = toSemiOctets(address.replace(/^\+/, ''));
  return Buffer.concat([Buffer.from([value.length + 1, type]), value]);
}

export function readSmsc(r: PduReader): { address?: string; type?: number; octets: number } {
  const length = r.octet('SMSC length');
  if (length === 0) return { octets: 1 };
  if (length > 11) throw new PduError(`an SMSC address of ${length} octets`);
  const type = r.octet('SMSC type');
  const value = r.take(length - 1, 'SMSC address');
  return { address: showAddress(fromSemiOctets(value, value.length * 2), type), type, octets: length + 1 };
}
