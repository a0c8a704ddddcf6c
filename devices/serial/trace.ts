/**
 * The serial trace: every byte each way on a device's port, timed on the rig clock, with the frames the protocol's
 * codec recognises named beside them (`ZFM > GenImg`, `AT < +CMGS: 17`). What a link carries that must not reach a
 * log (a typed PIN, an OTP in an SMS, a fingerprint template) the codec masks: a trace is for reports.
 *
 *   +1.234s atm-1 fingerprint > ef01ffffffff0100030100 05  ZFM GenImg
 */
import type { ByteLink } from './byte-link.ts';
import { RepeatFolder } from './repeats.ts';

export type Direction = '>' | '<';

/** One frame as a trace shows it: its name, and its bytes unless they carry a secret (`bytes: undefined`). */
export interface WireFrame {
  text: string;
  bytes?: Buffer;
}

/** A protocol's reader for the trace: stateful (frames span chunks), one per link. */
export type WireDecoder = (direction: Direction, bytes: Buffer) => WireFrame[];

export interface SerialTracer {
  /** Milliseconds since the trace began, on the rig clock. */
  now(): number;
  line(text: string): void;
}

const HEX_LIMIT = 48;
export const hexOf = (b: Buffer) =>
  b.length > HEX_LIMIT ? `${b.subarray(0, HEX_LIMIT).toString('hex')}…(${b.length} bytes)` : b.toString('hex');

/**
 * Trace what crosses `link`: the module's bytes as they arrive, the host's as they are written. Exchanges that repeat
 * exactly are shown once, then counted (repeats.ts).
 */
export function traceLink(link: ByteLink, label: string, decoder: WireDecoder, tracer: SerialTracer): void {
  const folder = new RepeatFolder((line) => tracer.line(line));
  const at = () => `+${(tracer.now() / 1000).toFixed(3)}s`;
  const emit = (direction: Direction, bytes: Buffer) => {
    for (const f of decoder(direction, bytes)) {
      const text = `${direction} ${f.bytes ? `${hexOf(f.bytes)}  ` : ''}${f.text}`;
      const prefix = `${at()} ${label}`;
      folder.push(text, `${prefix} ${text}`, prefix);
    }
  };
  link.on('data', (d) => emit('<', d));
  const write = link.write.bind(link);
  link.write = (bytes: Buffer) => {
    emit('>', bytes);
    return write(bytes);
  };
}

/** For a module whose protocol has no decoder: how many bytes, never which (they may be secret). */
export const countingDecoder = (): WireDecoder => (_d, bytes) => [{ text: `${bytes.length} bytes` }];

/** Card and phone numbers in text a module prints or sends: all but the last four digits masked. */
export const maskNumbers = (text: string) =>
  // Runs of 9 or more digits, spaces and dashes between them allowed (+260 97 100 0001).
  text.replace(/\+?\d(?:[ -]?\d){8,}/g, (run) => {
    let keep = 4;
    return [...run]
      .reverse()
      .map((c) => (/\d/.test(c) && keep-- <= 0 ? '*' : c))
      .reverse()
      .join('');
  });
