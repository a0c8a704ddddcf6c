/**
 * Puloon LCDM-2000 framing (the `puloon` Python package, lcdm2000.py; other public drivers agree), 9600 baud 8N1:
 *
 *   command:  04 EOT | 50 ID | 02 STX | CMD | params | 03 ETX | BCC
 *   response: 01 SOH | 50 ID | 02 STX | CMD | data   | 03 ETX | BCC
 *
 * BCC is the XOR of every byte from the first through ETX. The device answers a command with ACK (06) within about
 * half a second, then with the response (a dispense can take up to 60 s); the host acknowledges it with ACK.
 */
import { wallNow } from '../../serial/byte-link.ts';

export const EOT = 0x04;
export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const ACK = 0x06;
export const NAK = 0x15;
export const ID = 0x50;

export const CMD = { purge: 0x44, upper: 0x45, status: 0x46, rom: 0x47, lower: 0x55 } as const;

/** ERROR byte of a response (ASCII from 0x30). */
export const ERROR = {
  good: 0x30,
  normalStop: 0x31,
  pickup: 0x32,
  jamChk: 0x33,
  overflow: 0x34,
  jamExit: 0x35,
  jamDiv: 0x36,
  undefinedCommand: 0x37,
  upperEmpty: 0x38,
  lowerEmpty: 0x40,
  motorStop: 0x41,
  tooManyRejects: 0x44,
  dispenseTimeout: 0x47,
  purgeError: 0x4e,
} as const;

export function bcc(bytes: Uint8Array): number {
  return bytes.reduce((x, b) => x ^ b, 0);
}

function frame(start: number, cmd: number, data: Uint8Array): Buffer {
  const body = Buffer.from([start, ID, STX, cmd, ...data, ETX]);
  return Buffer.concat([body, Buffer.from([bcc(body)])]);
}

export const command = (cmd: number, params: Uint8Array = new Uint8Array()) => frame(EOT, cmd, params);
export const response = (cmd: number, data: Uint8Array) => frame(SOH, cmd, data);

/** Two ASCII digits: 5 -> "05". */
export const twoDigits = (n: number) => Buffer.from(String(n).padStart(2, '0').slice(-2), 'ascii');

/** A count as the LCDM writes it: exactly `digits` ASCII digits ("05"), else undefined: never "5e1" or "0x1F". */
export function asciiCount(bytes: Uint8Array, digits = 2): number | undefined {
  const text = Buffer.from(bytes).toString('latin1');
  return text.length === digits && /^[0-9]+$/.test(text) ? Number(text) : undefined;
}

/** The longest frame either side sends (a ROM version string is the longest response). */
export const MAX_FRAME = 64;

export type Parsed = { ack: true } | { nak: true } | { frame: { start: number; cmd: number; data: Buffer } } | { bad: string };

/**
 * Splits the byte stream into ACK, NAK and frames; a frame whose BCC fails is `bad`. A start byte not followed by
 * the frame's ID and STX is noise (a stray EOT cannot eat the frame behind it); a frame with no ETX within
 * MAX_FRAME bytes, or left incomplete for `gapMs`, is dropped and reported.
 */
export class FrameParser {
  #buf = Buffer.alloc(0);
  #lastAt = -Infinity;

  constructor(private readonly options: { gapMs?: number; now?: () => number } = {}) {}

  push(chunk: Buffer): Parsed[] {
    const out: Parsed[] = [];
    const now = (this.options.now ?? wallNow)();
    const gap = this.options.gapMs ?? 200;
    if (this.#buf.length > 0 && now - this.#lastAt > gap) {
      out.push({ bad: `incomplete frame (${this.#buf.length} bytes) dropped after ${gap} ms of silence` });
      this.#buf = Buffer.alloc(0);
    }
    this.#lastAt = now;
    this.#buf = Buffer.concat([this.#buf, chunk]);
    for (;;) {
      const b = this.#buf[0];
      if (b === undefined) return out;
      if (b === ACK || b === NAK) {
        out.push(b === ACK ? { ack: true } : { nak: true });
        this.#buf = this.#buf.subarray(1);
        continue;
      }
      const misframed = (this.#buf.length > 1 && this.#buf[1] !== ID) || (this.#buf.length > 2 && this.#buf[2] !== STX);
      if ((b !== EOT && b !== SOH) || misframed) {
        this.#buf = this.#buf.subarray(1); // noise, or a stray start byte: look again from the next byte
        continue;
      }
      const etx = this.#buf.indexOf(ETX, 4);
      if ((etx < 0 && this.#buf.length >= MAX_FRAME) || etx + 2 > MAX_FRAME) {
        out.push({ bad: `no ETX within ${MAX_FRAME} bytes` });
        this.#buf = this.#buf.subarray(1);
        continue;
      }
      if (etx < 0 || this.#buf.length < etx + 2) return out;
      const body = this.#buf.subarray(0, etx + 1);
      const check = this.#buf[etx + 1]!;
      if (bcc(body) !== check) {
        out.push({ bad: `BCC ${check.toString(16)} != ${bcc(body).toString(16)}` });
        // A frame may start inside the bad one (a truncated frame ran into the next): look there, not past it.
        const next = this.#buf.subarray(1, etx + 2).findIndex((x) => x === EOT || x === SOH);
        this.#buf = this.#buf.subarray(next < 0 ? etx + 2 : next + 1);
        continue;
      }
      this.#buf = this.#buf.subarray(etx + 2);
      out.push({ frame: { start: body[0]!, cmd: body[3]!, data: Buffer.from(body.subarray(4, etx)) } });
    }
  }
}
