/**
 * A ZFM-class fingerprint module on a serial port, for testing drivers (ours, or anyone's Adafruit sketch) without
 * hardware. It keeps a template library and two character buffers, answers every instruction the driver uses with
 * the module's confirmation codes, verifies checksums, and requires VfyPwd first, as the modules do.
 * A finger "on the sensor" is a template; after its template was uploaded once, the finger is lifted, as a person
 * lifts it after the beep.
 */
import { matchScore, MATCH_THRESHOLD } from '../../../core/biometrics.ts';
import type { SerialLink } from '../../serial/link.ts';
import { CODE, encodePacket, INSTRUCTION, PacketParser, PID } from './packet.ts';

export const TEMPLATE_BYTES = 512;

/** Payload bytes (instruction code included) each instruction needs; the rest need only the code. */
const PAYLOAD_BYTES: Readonly<Record<number, number>> = {
  [INSTRUCTION.Img2Tz]: 2,
  [INSTRUCTION.Store]: 4,
  [INSTRUCTION.LoadChar]: 4,
  [INSTRUCTION.UpChar]: 2,
  [INSTRUCTION.DownChar]: 2,
  [INSTRUCTION.Search]: 6,
  [INSTRUCTION.HighSpeedSearch]: 6,
  [INSTRUCTION.DeleteChar]: 5,
  [INSTRUCTION.VfyPwd]: 5,
};

export class ZfmEmulator {
  readonly library = new Map<number, Buffer>();
  readonly capacity = 1000;
  #parser = new PacketParser();
  #verified = false;
  #finger?: Buffer;
  /** A finger placed before the sensor saw the last one go: it lands after one "no finger" reading. */
  #next?: Buffer;
  #lifted = false;
  #image?: Buffer;
  #char: Record<1 | 2, Buffer | undefined> = { 1: undefined, 2: undefined };
  #download?: { buffer: 1 | 2; parts: Buffer[] };
  readonly packetSize = 128;

  constructor(
    private readonly link: SerialLink,
    private readonly password = 0,
  ) {
    link.on('data', (d) => {
      for (const { packet, bad } of this.#parser.push(d)) {
        if (bad) void this.#ack(CODE.packetError);
        // Whatever a packet holds, the module answers and keeps running: an unforeseen fault is "packet error" too.
        else if (packet) void this.#handle(packet.pid, packet.payload).catch(() => this.#ack(CODE.packetError));
      }
    });
  }

  /** A person places a finger (its template) on the sensor. */
  placeFinger(template: Buffer): void {
    // Lifting one finger and placing the next takes a person longer than one reading of the sensor.
    if (this.#lifted) this.#next = template;
    else this.#finger = template;
  }

  lift(): void {
    this.#finger = undefined;
    this.#lifted = true;
  }

  get fingerOn(): boolean {
    return this.#finger !== undefined;
  }

  #ack(code: number, ...data: number[]) {
    return this.link.write(encodePacket(PID.ack, Uint8Array.from([code, ...data]))).catch(() => undefined);
  }

  async #handle(pid: number, p: Buffer) {
    if (pid === PID.data || pid === PID.end) {
      if (!this.#download) return;
      this.#download.parts.push(p);
      if (pid === PID.end) {
        this.#char[this.#download.buffer] = Buffer.concat(this.#download.parts);
        this.#download = undefined;
      }
      return;
    }
    if (pid !== PID.command) return this.#ack(CODE.packetError);
    const instruction = p[0];
    // A command shorter than its instruction needs is a malformed package: 01 "error when receiving package" (ZFM-20
    // manual), before anything else, the password check included.
    if (instruction === undefined || p.length < (PAYLOAD_BYTES[instruction] ?? 1)) return this.#ack(CODE.packetError);
    if (instruction === INSTRUCTION.VfyPwd) {
      this.#verified = p.readUInt32BE(1) === this.password;
      return this.#ack(this.#verified ? CODE.ok : CODE.wrongPassword);
    }
    if (!this.#verified) return this.#ack(CODE.mustVerifyPassword);
    const buffer = (p[1] === 2 ? 2 : 1) as 1 | 2;
    switch (instruction) {
      case INSTRUCTION.GenImg:
        if (!this.#finger) {
          this.#lifted = false;
          this.#finger = this.#next;
          this.#next = undefined;
          return this.#ack(CODE.noFinger);
        }
        this.#image = this.#finger;
        return this.#ack(CODE.ok);
      case INSTRUCTION.Img2Tz:
        if (!this.#image) return this.#ack(CODE.noValidImage);
        this.#char[buffer] = this.#image;
        return this.#ack(CODE.ok);
      case INSTRUCTION.RegModel: {
        const [a, b] = [this.#char[1], this.#char[2]];
        if (!a || !b || matchScore(a.toString('base64'), b.toString('base64')) < MATCH_THRESHOLD) return this.#ack(CODE.mergeFailed);
        this.#char[2] = a;
        return this.#ack(CODE.ok);
      }
      case INSTRUCTION.Store: {
        const page = p.readUInt16BE(2);
        if (page >= this.capacity) return this.#ack(CODE.pageOutOfRange);
        if (!this.#char[buffer]) return this.#ack(CODE.flashError);
        this.library.set(page, this.#char[buffer]!);
        return this.#ack(CODE.ok);
      }
      case INSTRUCTION.LoadChar: {
        const t = this.library.get(p.readUInt16BE(2));
        if (!t) return this.#ack(CODE.templateReadError);
        this.#char[buffer] = t;
        return this.#ack(CODE.ok);
      }
      case INSTRUCTION.Search:
      case INSTRUCTION.HighSpeedSearch: {
        const probe = this.#char[buffer];
        const start = p.readUInt16BE(2);
        const count = p.readUInt16BE(4);
        let best: { page: number; score: number } | undefined;
        for (const [page, t] of this.library) {
          if (page < start || page >= start + count || !probe) continue;
          const score = matchScore(probe.toString('base64'), t.toString('base64'));
          if (score >= MATCH_THRESHOLD && (!best || score > best.score)) best = { page, score };
        }
        if (!best) return this.#ack(CODE.notFound);
        return this.#ack(CODE.ok, best.page >> 8, best.page & 0xff, best.score >> 8, best.score & 0xff);
      }
      case INSTRUCTION.Match: {
        const [a, b] = [this.#char[1], this.#char[2]];
        const score = a && b ? matchScore(a.toString('base64'), b.toString('base64')) : 0;
        return score >= MATCH_THRESHOLD ? this.#ack(CODE.ok, score >> 8, score & 0xff) : this.#ack(CODE.noMatch);
      }
      case INSTRUCTION.UpChar: {
        const t = this.#char[buffer];
        if (!t) return this.#ack(CODE.uploadFailed);
        await this.#ack(CODE.ok);
        for (let i = 0; i < t.length; i += this.packetSize) {
          const last = i + this.packetSize >= t.length;
          await this.link.write(encodePacket(last ? PID.end : PID.data, t.subarray(i, i + this.packetSize))).catch(() => undefined);
        }
        // The template went up: the person lifts the finger.
        if (this.#image === this.#finger) this.lift();
        this.#image = undefined;
        return;
      }
      case INSTRUCTION.DownChar:
        this.#download = { buffer, parts: [] };
        return this.#ack(CODE.ok);
      case INSTRUCTION.DeleteChar: {
        const page = p.readUInt16BE(1);
        const n = p.readUInt16BE(3);
        for (let i = page; i < page + n; i++) this.library.delete(i);
        return this.#ack(CODE.ok);
      }
      case INSTRUCTION.Empty:
        this.library.clear();
        return this.#ack(CODE.ok);
      case INSTRUCTION.TemplateNum:
        return this.#ack(CODE.ok, this.library.size >> 8, this.library.size & 0xff);
      case INSTRUCTION.ReadSysPara: {
        // status, system id, capacity, security level, address (4), packet size code (2 = 128), baud N (6)
        const r = Buffer.alloc(16);
        r.writeUInt16BE(0, 0);
        r.writeUInt16BE(0x0009, 2);
        r.writeUInt16BE(this.capacity, 4);
        r.writeUInt16BE(3, 6);
        r.writeUInt32BE(0xffffffff, 8);
        r.writeUInt16BE(2, 12);
        r.writeUInt16BE(6, 14);
        return this.#ack(CODE.ok, ...r);
      }
      default:
        return this.#ack(CODE.packetError);
    }
  }
}
