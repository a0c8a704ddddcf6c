/**
 * The host side of the ZFM protocol: one command at a time, each answered by an acknowledge packet; UpChar and
 * DownChar move a template in data packets. 1:N search on the module's library and 1:1 match are here, as Adafruit's
 * library does them; enrolling a finger, with a person in the loop, is zfm/enrolment.ts.
 */
import { Inbox } from '../../serial/link.ts';
import type { ByteLink } from '../../serial/byte-link.ts';
import { CODE, DEFAULT_ADDRESS, encodePacket, INSTRUCTION, PacketParser, PID, type Packet } from './packet.ts';
import { SerialQueue } from '../../../core/serial-queue.ts';

/** Silence that ends an exchange gone wrong: longer than a 256-byte packet takes at 9600 baud is not needed, as the
 *  module answers at once; 150 ms is many packets' time at 57600. */
const QUIET_MS = 150;

/** The largest template a host takes (an R503's is 1536 bytes). */
export const MAX_TEMPLATE_BYTES = 4096;

export class ZfmError extends Error {
  constructor(
    readonly code: number,
    what: string,
  ) {
    super(`${what}: confirmation code 0x${code.toString(16).padStart(2, '0')}`);
  }
}

export class ZfmHost {
  readonly #parser = new PacketParser();
  /** Packets as they arrive; template data often right behind its acknowledge, before anyone waits for it. */
  readonly #inbox = new Inbox<{ packet?: Packet; bad?: string }>();
  readonly #queue = new SerialQueue();
  #packetSize = 128;
  /** An answer may still be on its way (a command timed out or failed, or the port just opened on a module that was
   *  answering someone else): ZFM acknowledges do not say which command they answer, so before the next command
   *  the line must go quiet, or every answer would be the one before's. */
  #unsettled = true;
  #lastByteAt = 0;
  #wentWrongAt = Date.now();

  constructor(
    private readonly link: ByteLink,
    private readonly timeoutMs = 1000,
    /** The module's address (default FFFFFFFF): packets go to it, and only its answers count. */
    private readonly address = DEFAULT_ADDRESS,
  ) {
    link.on('data', (d) => {
      this.#lastByteAt = Date.now();
      this.#inbox.push(...this.#parser.push(d).filter((p) => !p.packet || p.packet.address === this.address));
    });
  }

  /** Wait until nothing has arrived for QUIET_MS since the exchange went wrong, then forget what did. */
  async #settle(): Promise<void> {
    const quietSince = () => Math.max(this.#lastByteAt, this.#wentWrongAt);
    for (let i = 0; i < 20 && Date.now() - quietSince() < QUIET_MS; i++) await new Promise((r) => setTimeout(r, QUIET_MS));
    this.#inbox.clear();
    this.#unsettled = false;
  }

  async #next(): Promise<Packet> {
    const { packet, bad } = await this.#inbox.next(this.timeoutMs, 'the sensor did not answer');
    if (!packet) throw new Error(`bad packet from the sensor: ${bad}`);
    return packet;
  }

  /** Send one command; resolve with the acknowledge payload (confirmation code first). Serialised. */
  #ask(instruction: number, args: number[] = [], then?: () => Promise<Buffer>): Promise<{ code: number; data: Buffer; extra?: Buffer }> {
    return this.#queue.run(async () => {
      if (this.#unsettled) await this.#settle();
      this.#inbox.clear(); // anything left over belongs to an earlier exchange
      const answer = this.#next();
      // A write that fails leaves the wait behind: its timeout must not surface later as an unhandled rejection.
      answer.catch(() => undefined);
      await this.link.write(encodePacket(PID.command, Uint8Array.from([instruction, ...args]), this.address));
      try {
        const ack = await answer;
        if (ack.pid !== PID.ack) throw new Error(`expected an acknowledge, got PID ${ack.pid}`);
        const code = ack.payload[0] ?? CODE.packetError;
        const extra = code === CODE.ok && then ? await then() : undefined;
        return { code, data: ack.payload.subarray(1), extra };
      } catch (err) {
        [this.#unsettled, this.#wentWrongAt] = [true, Date.now()];
        throw err;
      }
    });
  }

  async verifyPassword(password = 0): Promise<void> {
    const { code } = await this.#ask(INSTRUCTION.VfyPwd, [
      password >>> 24,
      (password >> 16) & 0xff,
      (password >> 8) & 0xff,
      password & 0xff,
    ]);
    if (code !== CODE.ok) throw new ZfmError(code, 'VfyPwd');
  }

  /** Data packet size from ReadSysPara (register 6: 0..3 -> 32, 64, 128, 256 bytes). */
  async readSysPara(): Promise<{ capacity: number; securityLevel: number; packetSize: number }> {
    const { code, data } = await this.#ask(INSTRUCTION.ReadSysPara);
    if (code !== CODE.ok) throw new ZfmError(code, 'ReadSysPara');
    const sizeCode = data.readUInt16BE(12);
    // Register 6 is 0-3 (32-256 bytes); anything else would make every template transfer nonsense.
    if (sizeCode > 3) throw new Error(`ReadSysPara: data packet size code ${sizeCode} is not 0-3`);
    this.#packetSize = 32 << sizeCode;
    return { capacity: data.readUInt16BE(4), securityLevel: data.readUInt16BE(6), packetSize: this.#packetSize };
  }

  /** Capture an image; false when no finger is on the sensor. */
  async genImg(): Promise<boolean> {
    const { code } = await this.#ask(INSTRUCTION.GenImg);
    if (code === CODE.noFinger) return false;
    if (code !== CODE.ok) throw new ZfmError(code, 'GenImg');
    return true;
  }

  async img2Tz(buffer: 1 | 2): Promise<void> {
    const { code } = await this.#ask(INSTRUCTION.Img2Tz, [buffer]);
    if (code !== CODE.ok) throw new ZfmError(code, 'Img2Tz');
  }

  async regModel(): Promise<void> {
    const { code } = await this.#ask(INSTRUCTION.RegModel);
    if (code !== CODE.ok) throw new ZfmError(code, 'RegModel');
  }

  async store(buffer: 1 | 2, page: number): Promise<void> {
    const { code } = await this.#ask(INSTRUCTION.Store, [buffer, page >> 8, page & 0xff]);
    if (code !== CODE.ok) throw new ZfmError(code, 'Store');
  }

  async loadChar(buffer: 1 | 2, page: number): Promise<void> {
    const { code } = await this.#ask(INSTRUCTION.LoadChar, [buffer, page >> 8, page & 0xff]);
    if (code !== CODE.ok) throw new ZfmError(code, 'LoadChar');
  }

  /** 1:N on the module's library: the best page and its score, or undefined. */
  async search(buffer: 1 | 2 = 1, start = 0, count = 1000): Promise<{ page: number; score: number } | undefined> {
    const { code, data } = await this.#ask(INSTRUCTION.Search, [buffer, start >> 8, start & 0xff, count >> 8, count & 0xff]);
    if (code === CODE.notFound) return undefined;
    if (code !== CODE.ok) throw new ZfmError(code, 'Search');
    return { page: data.readUInt16BE(0), score: data.readUInt16BE(2) };
  }

  /** 1:1 between buffers 1 and 2: the score, or undefined when they do not match. */
  async match(): Promise<number | undefined> {
    const { code, data } = await this.#ask(INSTRUCTION.Match);
    if (code === CODE.noMatch) return undefined;
    if (code !== CODE.ok) throw new ZfmError(code, 'Match');
    return data.readUInt16BE(0);
  }

  async templateCount(): Promise<number> {
    const { code, data } = await this.#ask(INSTRUCTION.TemplateNum);
    if (code !== CODE.ok) throw new ZfmError(code, 'TemplateNum');
    return data.readUInt16BE(0);
  }

  /** The occupied pages of the library (ReadConList over its four index pages, 256 templates each). */
  async occupiedPages(capacity = 1000): Promise<number[]> {
    const pages: number[] = [];
    for (let index = 0; index * 256 < capacity; index++) {
      const { code, data } = await this.#ask(INSTRUCTION.ReadConList, [index]);
      if (code !== CODE.ok) throw new ZfmError(code, 'ReadConList');
      for (let i = 0; i < 256 && i < data.length * 8; i++) if (data[i >> 3]! & (1 << (i & 7))) pages.push(index * 256 + i);
    }
    return pages;
  }

  async deleteChar(page: number, count = 1): Promise<void> {
    const { code } = await this.#ask(INSTRUCTION.DeleteChar, [page >> 8, page & 0xff, count >> 8, count & 0xff]);
    if (code !== CODE.ok) throw new ZfmError(code, 'DeleteChar');
  }

  async empty(): Promise<void> {
    const { code } = await this.#ask(INSTRUCTION.Empty);
    if (code !== CODE.ok) throw new ZfmError(code, 'Empty');
  }

  /** Upload a character buffer: the acknowledge, then data packets until the end packet. */
  async upChar(buffer: 1 | 2): Promise<Buffer> {
    const { code, extra } = await this.#ask(INSTRUCTION.UpChar, [buffer], async () => {
      const parts: Buffer[] = [];
      let bytes = 0;
      for (;;) {
        const p = await this.#next();
        parts.push(p.payload);
        bytes += p.payload.length;
        // No module's template is this long (512 bytes on a ZFM-20/R307, 1536 on an R503): a module that never sends
        // the end packet must not hold the driver, nor grow its memory, for ever.
        if (bytes > MAX_TEMPLATE_BYTES) throw new Error(`bad template from the sensor: more than ${MAX_TEMPLATE_BYTES} bytes`);
        if (p.pid === PID.end) return Buffer.concat(parts);
        if (p.pid !== PID.data) throw new Error(`expected template data, got PID ${p.pid}`);
      }
    });
    if (code !== CODE.ok) throw new ZfmError(code, 'UpChar');
    return extra!;
  }

  /** Download a template into a character buffer (data packets are never acknowledged). */
  async downChar(buffer: 1 | 2, template: Buffer): Promise<void> {
    const { code } = await this.#ask(INSTRUCTION.DownChar, [buffer]);
    if (code !== CODE.ok) throw new ZfmError(code, 'DownChar');
    for (let i = 0; i < template.length; i += this.#packetSize) {
      const last = i + this.#packetSize >= template.length;
      await this.link.write(encodePacket(last ? PID.end : PID.data, template.subarray(i, i + this.#packetSize), this.address));
    }
  }
}
