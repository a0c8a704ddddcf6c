/**
 * TP-SCTS (TS 23.040 §9.2.3.11): seven semi-octet pairs yy MM dd hh mm ss tz, nibbles swapped; tz in quarter hours
 * with its sign in bit 3 of the octet. `80` is +08 (UTC+2); UTC-8 is -32 quarters, `2B`. Text mode shows the same
 * moment as "yy/MM/dd,hh:mm:ss±zz" (SIM800 manual V1.09 §3.2.43; 27.005 <scts>).
 */
import { PduError } from './reader.ts';

export interface Timestamp {
  /** The moment, ms since the epoch (UTC). */
  ms: number;
  /** The sender's offset from UTC in quarter hours (-47..+48 in practice; the octet holds -79..79). */
  tz: number;
}

const bcd = (n: number) => ((n % 10) << 4) | Math.floor(n / 10);
const unbcd = (b: number, what: string) => {
  const lo = b & 0xf;
  const hi = b >> 4;
  if (lo > 9 || hi > 9) throw new PduError(`a timestamp ${what} that is not decimal`);
  return lo * 10 + hi;
};

/** The local wall-clock fields of `t` (the moment shifted by its offset). */
function local(t: Timestamp) {
  const d = new Date(t.ms + t.tz * 15 * 60_000);
  return [d.getUTCFullYear() % 100, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
}

export function encodeTimestamp(t: Timestamp): Buffer {
  const tz = Math.abs(t.tz);
  if (tz > 79) throw new PduError('a time zone beyond ±79 quarter hours');
  return Buffer.from([...local(t).map(bcd), bcd(tz) | (t.tz < 0 ? 0x08 : 0)]);
}

export function decodeTimestamp(b: Uint8Array): Timestamp {
  if (b.length !== 7) throw new PduError('a timestamp is 7 octets');
  const [yy, mo, dd, hh, mi, ss] = [...b.subarray(0, 6)].map((x, i) => unbcd(x, ['year', 'month', 'day', 'hour', 'minute', 'second'][i]!));
  const tzOctet = b[6]!;
  const tz = unbcd(tzOctet & ~0x08, 'zone') * (tzOctet & 0x08 ? -1 : 1);
  const year = yy! >= 70 ? 1900 + yy! : 2000 + yy!;
  return { ms: Date.UTC(year, mo! - 1, dd!, hh!, mi!, ss!) - tz * 15 * 60_000, tz };
}

const two = (n: number) => String(n).padStart(2, '0');

/** "yy/MM/dd,hh:mm:ss±zz", as +CMGR and +CMT show it. */
export function formatTimestamp(t: Timestamp): string {
  const [yy, mo, dd, hh, mi, ss] = local(t).map(two);
  return `${yy}/${mo}/${dd},${hh}:${mi}:${ss}${t.tz < 0 ? '-' : '+'}${two(Math.abs(t.tz))}`;
}

/** The inverse of formatTimestamp; undefined when it is not one. */
export function parseTimestamp(s: string): Timestamp | undefined {
  const m = /^(\d\d)\/(\d\d)\/(\d\d),(\d\d):(\d\d):(\d\d)([+-])(\d\d)$/.exec(s);
  if (!m) return undefined;
  const [yy, mo, dd, hh, mi, ss] = m.slice(1, 7).map(Number);
  const tz = Number(m[8]) * (m[7] === '-' ? -1 : 1);
  return { ms: Date.UTC(2000 + yy!, mo! - 1, dd!, hh!, mi!, ss!) - tz * 15 * 60_000, tz };
}
