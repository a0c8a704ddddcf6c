/**
 * The ZhianTec ZFM / R30x / AS608 packet, as the Adafruit fingerprint library speaks it (ZFM-20 manual v2.0):
 *
 *   EF 01 | address (4) | PID (1) | length (2) = payload + 2 | payload | checksum (2)
 *
 * Big-endian; the checksum is the sum of PID, both length bytes and every payload byte, mod 65536. The parser
 * verifies it (Adafruit's library does not; an emulator must).
 */
import { wallNow } from '../../serial/byte-link.ts';

export const HEADER = 0xef01;
const HEADER_BYTES = Buffer.from([0xef, 0x01]);
/** The largest data packet (register 6 = 3: 256 bytes). */
export const MAX_PAYLOAD = 256;
export const DEFAULT_ADDRESS = 0xffffffff;

export const PID = { command: 0x01, data: 0x02, ack: 0x07, end: 0x08 } as const;

export const INSTRUCTION = {
  GenImg: 0x01,
  Img2Tz: 0x02,
  Match: 0x03,
  Search: 0x04,
  RegModel: 0x05,
  Store: 0x06,
  LoadChar: 0x07,
  UpChar: 0x08,
  DownChar: 0x09,
  DeleteChar: 0x0c,
  Empty: 0x0d,
  ReadSysPara: 0x0f,
  VfyPwd: 0x13,
  HighSpeedSearch: 0x1b,
  TemplateNum: 0x1d,
  ReadConList: 0x1f,
} as const;

/** Payload bytes of each command packet, instruction code included (ZFM-20 manual v2.0, section 5). A command of
 *  any other length is malformed: the module answers 01, "error when receiving package". */
export const COMMAND_BYTES: Readonly<Record<number, number>> = {
  [INSTRUCTION.GenImg]: 1,
  [INSTRUCTION.Img2Tz]: 2,
  [INSTRUCTION.Match]: 1,
  [INSTRUCTION.Search]: 6,
  [INSTRUCTION.RegModel]: 1,
  [INSTRUCTION.Store]: 4,
  [INSTRUCTION.LoadChar]: 4,
  [INSTRUCTION.UpChar]: 2,
  [INSTRUCTION.DownChar]: 2,
  [INSTRUCTION.DeleteChar]: 5,
  [INSTRUCTION.Empty]: 1,
  [INSTRUCTION.ReadSysPara]: 1,
  [INSTRUCTION.VfyPwd]: 5,
  [INSTRUCTION.HighSpeedSearch]: 6,
  [INSTRUCTION.TemplateNum]: 1,
  [INSTRUCTION.ReadConList]: 2,
};

/** The instruction's name, for traces and errors. */
export const instructionName = (code: number) =>
  Object.entries(INSTRUCTION).find(([, c]) => c === code)?.[0] ?? `0x${code.toString(16).padStart(2, '0')}`;

/** Confirmation codes (ZFM-20 manual; R503 and AS608 add more). */
export const CODE = {
  ok: 0x00,
  packetError: 0x01,
  noFinger: 0x02,
  captureFailed: 0x03,
  tooMessy: 0x06,
  tooFewFeatures: 0x07,
  noMatch: 0x08,
  notFound: 0x09,
  mergeFailed: 0x0a,
  pageOutOfRange: 0x0b,
  templateReadError: 0x0c,
  uploadFailed: 0x0d,
  cannotReceive: 0x0e,
  deleteFailed: 0x10,
  clearFailed: 0x11,
  wrongPassword: 0x13,
  noValidImage: 0x15,
  flashError: 0x18,
  addressError: 0x20,
  mustVerifyPassword: 0x21,
} as const;

export interface Packet {
  address: number;
  pid: number;
  payload: Buffer;
}

export function checksum(pid: number, length: number, payload: Uint8Array): number {
  let sum = pid + (length >> 8) + (length & 0xff);
  for (const b of payload) sum += b;
  return sum & 0xffff;
}

export function encodePacket(pid: number, payload: Uint8Array, address = DEFAULT_ADDRESS): Buffer {
  const length = payload.length + 2;
  const out = Buffer.alloc(9 + length);
  out.writeUInt16BE(HEADER, 0);
  out.writeUInt32BE(address >>> 0, 2);
  out.writeUInt8(pid, 6);
  out.writeUInt16BE(length, 7);
  Buffer.from(payload).copy(out, 9);
  out.writeUInt16BE(checksum(pid, length, payload), 9 + payload.length);
  return out;
}

export const command = (instruction: number, ...args: number[]) => encodePacket(PID.command, Uint8Array.from([instruction, ...args]));

/**
 * Turns a byte stream into packets. Bytes before a header are skipped (line noise, the R503's 0x55 ready byte). A
 * packet whose checksum fails is reported as `bad` (the receiver answers "packet error") and the parser looks for
 * the next header inside it, so a truncated packet cannot swallow the good one behind it. A partial packet followed
 * by `gapMs` of silence is dropped: the sender gave up on it (an inter-byte timeout, as UART firmware has).
 */
export class PacketParser {
  #buf = Buffer.alloc(0);
  #lastAt = -Infinity;

  constructor(private readonly options: { gapMs?: number; now?: () => number } = {}) {}

  push(chunk: Buffer): { packet?: Packet; bad?: string }[] {
    const out: { packet?: Packet; bad?: string }[] = [];
    const now = (this.options.now ?? wallNow)();
    const gap = this.options.gapMs ?? 200;
    if (this.#buf.length > 0 && now - this.#lastAt > gap) {
      if (this.#buf.length > 1) out.push({ bad: `incomplete packet (${this.#buf.length} bytes) dropped after ${gap} ms of silence` });
      this.#buf = Buffer.alloc(0);
    }
    this.#lastAt = now;
    this.#buf = Buffer.concat([this.#buf, chunk]);
    for (;;) {
      const start = this.#buf.indexOf(HEADER_BYTES);
      if (start < 0) {
        // Keep a last 0xEF: it may be the first half of a header.
        this.#buf = this.#buf.at(-1) === 0xef ? this.#buf.subarray(-1) : Buffer.alloc(0);
        return out;
      }
      if (start > 0) this.#buf = this.#buf.subarray(start);
      if (this.#buf.length < 9) return out;
      const length = this.#buf.readUInt16BE(7);
      if (length < 2 || length > MAX_PAYLOAD + 2) {
        out.push({ bad: `impossible length ${length}` });
        this.#buf = this.#buf.subarray(2);
        continue;
      }
      if (this.#buf.length < 9 + length) return out;
      const pid = this.#buf.readUInt8(6);
      const payload = Buffer.from(this.#buf.subarray(9, 9 + length - 2));
      const sum = this.#buf.readUInt16BE(9 + length - 2);
      const address = this.#buf.readUInt32BE(2);
      if (sum !== checksum(pid, length, payload)) {
        out.push({ bad: `checksum ${sum.toString(16)} != ${checksum(pid, length, payload).toString(16)}` });
        this.#buf = this.#buf.subarray(2); // resynchronise on the next header, which may be inside
        continue;
      }
      this.#buf = this.#buf.subarray(9 + length);
      out.push({ packet: { address, pid, payload } });
    }
  }
}
