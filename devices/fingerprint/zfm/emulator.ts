/**
 * A ZFM-class fingerprint module on a serial port, for testing drivers (ours, or anyone's Adafruit sketch) without
 * hardware. It keeps a template library and two character buffers, answers every instruction of the ZFM-20 manual
 * v2.0 that a host uses (see docs/devices/fingerprint.md) with the module's confirmation codes, verifies checksums
 * and lengths, requires VfyPwd first, and listens only to its own address, as the modules do.
 * A finger "on the sensor" is a template; once its image is converted (Img2Tz) the finger is lifted, as a person
 * lifts it after the beep.
 */
import { matchScore, MATCH_THRESHOLD } from '../../../core/biometrics.ts';
import type { ByteLink } from '../../serial/byte-link.ts';
import { ImpressionMaker, type Impression, type Impressions } from './impression.ts';
import { CODE, COMMAND_BYTES, DEFAULT_ADDRESS, encodePacket, INSTRUCTION, PacketParser, PID } from './packet.ts';

export const TEMPLATE_BYTES = 512;
/** A download longer than this is no template: the module stops taking it ("cannot receive", 0x0e). */
const MAX_TEMPLATE_BYTES = 4096;

export interface ZfmOptions {
  password?: number;
  /** The module's address (SetAdder); packets to any other are not for it. */
  address?: number;
  capacity?: number;
  /** Milliseconds for the inter-byte timeout (tests move it on); wall time by default. */
  now?: () => number;
  /** `varied`: every capture makes other bytes, as a real module does (see impression.ts). Default `exact`. */
  impressions?: Impressions;
}

export class ZfmEmulator {
  readonly library = new Map<number, Impression>();
  readonly capacity: number;
  readonly address: number;
  readonly packetSize = 128;
  readonly #password: number;
  #parser: PacketParser;
  readonly #now?: () => number;
  #verified = false;
  #finger?: Buffer;
  /** A finger placed before the sensor saw the last one go: it lands after one "no finger" reading. */
  #next?: Buffer;
  #lifted = false;
  #image?: Impression;
  #char: Record<1 | 2, Impression | undefined> = { 1: undefined, 2: undefined };
  readonly #impressions: ImpressionMaker;
  #download?: { buffer: 1 | 2; parts: Buffer[]; bytes: number };
  /** Powered off: deaf and mute until powerOn. */
  #off = false;

  constructor(
    private readonly link: ByteLink,
    options: ZfmOptions | number = {},
  ) {
    const o = typeof options === 'number' ? { password: options } : options;
    this.#password = o.password ?? 0;
    this.address = o.address ?? DEFAULT_ADDRESS;
    this.capacity = o.capacity ?? 1000;
    this.#now = o.now;
    this.#impressions = new ImpressionMaker(o.impressions);
    this.#parser = new PacketParser({ now: o.now });
    link.on('data', (d) => {
      if (this.#off) return;
      for (const { packet, bad } of this.#parser.push(d)) {
        if (bad) void this.#ack(CODE.packetError);
        else if (packet && packet.address !== this.address)
          continue; // another module's packet on a shared line
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

  /** Power cut (the USB adapter stays plugged): RAM is lost, the flash library stays; the password must be
   *  verified again. `offMs` later it is back (0: stays off until powerOn). */
  powerCycle(offMs = 0, schedule: (fn: () => void, ms: number) => unknown = setTimeout): void {
    this.#off = true;
    this.#verified = false;
    this.#image = undefined;
    this.#char = { 1: undefined, 2: undefined };
    this.#download = undefined;
    this.#parser = new PacketParser({ now: this.#now });
    if (offMs > 0) schedule(() => this.powerOn(), offMs);
  }

  powerOn(): void {
    this.#off = false;
  }

  #ack(code: number, ...data: number[]) {
    if (this.#off) return Promise.resolve();
    return this.link.write(encodePacket(PID.ack, Uint8Array.from([code, ...data]), this.address)).catch(() => undefined);
  }

  async #handle(pid: number, p: Buffer) {
    if (pid === PID.data || pid === PID.end) return this.#receiveData(pid, p);
    if (pid !== PID.command) return this.#ack(CODE.packetError);
    const instruction = p[0]!;
    const expected = COMMAND_BYTES[instruction];
    // An unknown instruction, or a command of the wrong length, is a malformed package: 01 "error when receiving
    // package" (ZFM-20 manual), before anything else, the password check included.
    if (expected === undefined || p.length !== expected) return this.#ack(CODE.packetError);
    if (instruction === INSTRUCTION.VfyPwd) {
      this.#verified = p.readUInt32BE(1) === this.#password;
      return this.#ack(this.#verified ? CODE.ok : CODE.wrongPassword);
    }
    if (!this.#verified) return this.#ack(CODE.mustVerifyPassword);
    // The character buffer is 1 or 2; any other id is a malformed parameter, answered as one (atm-rig's reading:
    // the manuals name no code of their own for it).
    const takesBuffer = (
      [
        INSTRUCTION.Img2Tz,
        INSTRUCTION.Store,
        INSTRUCTION.LoadChar,
        INSTRUCTION.UpChar,
        INSTRUCTION.DownChar,
        INSTRUCTION.Search,
        INSTRUCTION.HighSpeedSearch,
      ] as number[]
    ).includes(instruction);
    if (takesBuffer && p[1] !== 1 && p[1] !== 2) return this.#ack(CODE.packetError);
    const buffer = p[1] as 1 | 2;
    switch (instruction) {
      case INSTRUCTION.GenImg:
        return this.#genImg();
      case INSTRUCTION.Img2Tz:
        if (!this.#image) return this.#ack(CODE.noValidImage);
        this.#char[buffer] = this.#image;
        // The module beeps once the image is converted: the person lifts the finger.
        if (this.#image.clean === this.#finger) this.lift();
        return this.#ack(CODE.ok);
      case INSTRUCTION.RegModel: {
        const [a, b] = [this.#char[1], this.#char[2]];
        if (!a || !b || score(a, b) < MATCH_THRESHOLD) return this.#ack(CODE.mergeFailed);
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
        const page = p.readUInt16BE(2);
        if (page >= this.capacity) return this.#ack(CODE.pageOutOfRange);
        const t = this.library.get(page);
        if (!t) return this.#ack(CODE.templateReadError);
        this.#char[buffer] = t;
        return this.#ack(CODE.ok);
      }
      case INSTRUCTION.Search:
      case INSTRUCTION.HighSpeedSearch:
        return this.#search(buffer, p.readUInt16BE(2), p.readUInt16BE(4));
      case INSTRUCTION.Match: {
        const [a, b] = [this.#char[1], this.#char[2]];
        const s = a && b ? score(a, b) : 0;
        return s >= MATCH_THRESHOLD ? this.#ack(CODE.ok, s >> 8, s & 0xff) : this.#ack(CODE.noMatch);
      }
      case INSTRUCTION.UpChar:
        return this.#upChar(buffer);
      case INSTRUCTION.DownChar:
        this.#download = { buffer, parts: [], bytes: 0 };
        return this.#ack(CODE.ok);
      case INSTRUCTION.DeleteChar: {
        const page = p.readUInt16BE(1);
        const n = p.readUInt16BE(3);
        if (n === 0 || page + n > this.capacity) return this.#ack(CODE.deleteFailed);
        for (let i = page; i < page + n; i++) this.library.delete(i);
        return this.#ack(CODE.ok);
      }
      case INSTRUCTION.Empty:
        this.library.clear();
        return this.#ack(CODE.ok);
      case INSTRUCTION.TemplateNum:
        return this.#ack(CODE.ok, this.library.size >> 8, this.library.size & 0xff);
      case INSTRUCTION.ReadConList:
        return this.#readConList(p[1]!);
      case INSTRUCTION.ReadSysPara:
        return this.#ack(CODE.ok, ...this.#sysPara());
    }
  }

  #genImg() {
    if (!this.#finger) {
      this.#lifted = false;
      this.#finger = this.#next;
      this.#next = undefined;
      return this.#ack(CODE.noFinger);
    }
    this.#image = this.#impressions.capture(this.#finger);
    return this.#ack(CODE.ok);
  }

  #search(buffer: 1 | 2, start: number, count: number) {
    const probe = this.#char[buffer];
    if (!probe) return this.#ack(CODE.notFound);
    let best: { page: number; score: number } | undefined;
    for (const [page, t] of this.library) {
      if (page < start || page >= start + count) continue;
      const s = score(probe, t);
      if (s >= MATCH_THRESHOLD && (!best || s > best.score)) best = { page, score: s };
    }
    if (!best) return this.#ack(CODE.notFound);
    return this.#ack(CODE.ok, best.page >> 8, best.page & 0xff, best.score >> 8, best.score & 0xff);
  }

  async #upChar(buffer: 1 | 2) {
    const t = this.#char[buffer]?.bytes;
    if (!t) return this.#ack(CODE.uploadFailed);
    await this.#ack(CODE.ok);
    for (let i = 0; i < t.length; i += this.packetSize) {
      const last = i + this.packetSize >= t.length;
      const packet = encodePacket(last ? PID.end : PID.data, t.subarray(i, i + this.packetSize), this.address);
      if (!this.#off) await this.link.write(packet).catch(() => undefined);
    }
    this.#image = undefined;
  }

  #receiveData(pid: number, p: Buffer) {
    const d = this.#download;
    if (!d) return; // data nobody asked for: the module ignores it
    d.parts.push(p);
    d.bytes += p.length;
    if (d.bytes > MAX_TEMPLATE_BYTES) {
      this.#download = undefined;
      return this.#ack(CODE.cannotReceive);
    }
    if (pid === PID.end) {
      this.#char[d.buffer] = this.#impressions.known(Buffer.concat(d.parts));
      this.#download = undefined;
    }
  }

  /** The index table: page `index` (0-3) of the library, 256 templates per page, one bit each, LSB first. */
  #readConList(index: number) {
    if (index > 3) return this.#ack(CODE.packetError);
    const bits = Buffer.alloc(32);
    for (const page of this.library.keys()) {
      const i = page - index * 256;
      if (i >= 0 && i < 256) bits[i >> 3]! |= 1 << (i & 7);
    }
    return this.#ack(CODE.ok, ...bits);
  }

  /** status, system id, capacity, security level, address (4), packet size code (2 = 128), baud N (6). */
  #sysPara(): Buffer {
    const r = Buffer.alloc(16);
    r.writeUInt16BE(0, 0);
    r.writeUInt16BE(0x0009, 2);
    r.writeUInt16BE(this.capacity, 4);
    r.writeUInt16BE(3, 6);
    r.writeUInt32BE(this.address >>> 0, 8);
    r.writeUInt16BE(2, 12);
    r.writeUInt16BE(6, 14);
    return r;
  }
}

/** The module's matcher: it knows the finger behind each impression (its minutiae), whatever the bytes. */
const score = (a: Impression, b: Impression) => matchScore(a.clean.toString('base64'), b.clean.toString('base64'));
