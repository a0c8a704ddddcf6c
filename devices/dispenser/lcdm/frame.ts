/**
 * Puloon LCDM-2000 framing (the `puloon` Python package, lcdm2000.py; other public drivers agree), 9600 baud 8N1:
 *
 *   command:  04 EOT | 50 ID | 02 STX | CMD | params | 03 ETX | BCC
 *   response: 01 SOH | 50 ID | 02 STX | CMD | data   | 03 ETX | BCC
 *
 * BCC is the XOR of every byte from the first through ETX. The device answers a command with ACK (06) within about
 * half a second, then with the response (a dispense can take up to 60 s); the host acknowledges it with ACK.
 */
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

export type Parsed = { ack: true } | { nak: true } | { frame: { start: number; cmd: number; data: Buffer } } | { bad: string };

/** Splits the byte stream into ACK, NAK and frames; a frame whose BCC fails is `bad`. */
export class FrameParser {
  #buf = Buffer.alloc(0);

  push(chunk: Buffer): Parsed[] {
    this.#buf = Buffer.concat([this.#buf, chunk]);
    const out: Parsed[] = [];
    for (;;) {
      const b = this.#buf[0];
      if (b === undefined) return out;
      if (b === ACK || b === NAK) {
        out.push(b === ACK ? { ack: true } : { nak: true });
        this.#buf = this.#buf.subarray(1);
        continue;
      }
      if (b !== EOT && b !== SOH) {
        this.#buf = this.#buf.subarray(1); // noise
        continue;
      }
      const etx = this.#buf.indexOf(ETX, 4);
      if (etx < 0 || this.#buf.length < etx + 2) return out;
      const body = this.#buf.subarray(0, etx + 1);
      const check = this.#buf[etx + 1]!;
      this.#buf = this.#buf.subarray(etx + 2);
      if (body[1] !== ID || body[2] !== STX) out.push({ bad: 'not an LCDM frame' });
      else if (bcc(body) !== check) out.push({ bad: `BCC ${check.toString(16)} != ${bcc(body).toString(16)}` });
      else out.push({ frame: { start: body[0]!, cmd: body[3]!, data: Buffer.from(body.subarray(4, etx)) } });
    }
  }
}
