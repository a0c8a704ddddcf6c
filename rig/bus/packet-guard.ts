/**
 * A guard in front of `aedes.handle`, for every transport (TCP, TLS, WebSocket, secure WebSocket). Aedes buffers a
 * packet whole before it looks at it, so a CONNECT announcing 250 MB and never finishing held 250 MB per socket,
 * before any login. The guard reads each MQTT fixed header as the bytes arrive (type byte, then the 1-4 byte
 * "remaining length") and destroys the connection as soon as a header announces more than the cap, before the
 * body is buffered. It also bounds the connections whose CONNECT has not fully arrived: at most `maxPending` at
 * once, each for at most `connectTimeoutMs`; and what waits to be sent to a reader that does not read: past
 * `maxBacklogBytes` the connection is closed, as a slow consumer (a subscriber that stops reading its socket would
 * otherwise make the broker buffer every message for it, without bound).
 */
import { Duplex } from 'node:stream';

export interface GuardLimits {
  /** Largest "remaining length" (the bytes after the fixed header) of any packet. */
  maxPacketBytes: number;
  /** Connections whose CONNECT has not fully arrived, at once. */
  maxPending: number;
  /** Time from accept to a complete CONNECT. */
  connectTimeoutMs: number;
  /** Bytes waiting to be sent to one connection (its own buffer and its socket's) before it is closed. */
  maxBacklogBytes: number;
}

export interface PacketGuard {
  /** The stream to hand to `aedes.handle`, or undefined when the connection was refused (it is destroyed). */
  admit(stream: Duplex, remoteAddress: string | undefined): GuardedConnection | undefined;
  /** Connections still waiting for their CONNECT. */
  readonly pending: number;
}

const CONNECT = 1;

export function createPacketGuard(limits: GuardLimits, onRefused: (why: string) => void = () => {}): PacketGuard {
  // Oldest first. When full, the oldest waiter is dropped for the newcomer rather than the newcomer refused: a real
  // client sends its CONNECT within milliseconds, so idle sockets held open to fill the slots (the attack review
  // locked every client out with 64 of them) are what gets dropped.
  const waiting = new Set<GuardedConnection>();
  return {
    get pending() {
      return waiting.size;
    },
    admit(stream, remoteAddress) {
      if (waiting.size >= limits.maxPending) {
        const oldest = waiting.values().next().value!;
        onRefused(
          `connection from ${oldest.remoteAddress ?? 'unknown'} dropped: ${waiting.size} connections were waiting for their CONNECT, it waited longest`,
        );
        waiting.delete(oldest);
        oldest.destroy();
      }
      const connection: GuardedConnection = new GuardedConnection(
        stream,
        remoteAddress,
        limits,
        () => waiting.delete(connection),
        onRefused,
      );
      waiting.add(connection);
      return connection;
    },
  };
}

/** The connection as Aedes sees it: the inner stream's bytes, checked header by header. */
export class GuardedConnection extends Duplex {
  readonly remoteAddress: string | undefined;
  readonly #inner: Duplex;
  readonly #scan: (chunk: Buffer) => string | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #release: () => void;
  readonly #limits: GuardLimits;
  readonly #onRefused: (why: string) => void;

  constructor(
    inner: Duplex,
    remoteAddress: string | undefined,
    limits: GuardLimits,
    release: () => void,
    onRefused: (why: string) => void,
  ) {
    super({ allowHalfOpen: false });
    this.#inner = inner;
    this.remoteAddress = remoteAddress;
    this.#release = release;
    this.#limits = limits;
    this.#onRefused = onRefused;
    const refuse = (why: string) => {
      onRefused(`connection from ${remoteAddress ?? 'unknown'} dropped: ${why}`);
      this.destroy();
    };
    this.#timer = setTimeout(() => refuse(`no complete CONNECT within ${limits.connectTimeoutMs} ms`), limits.connectTimeoutMs);
    this.#timer.unref();
    this.#scan = fixedHeaderScanner(limits.maxPacketBytes, () => {
      clearTimeout(this.#timer);
      release();
    });
    inner.on('data', (chunk: Buffer) => {
      const why = this.#scan(chunk);
      if (why) return refuse(why);
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (err) => this.destroy(err));
    inner.on('close', () => this.destroy());
  }

  override _read(): void {
    this.#inner.resume();
  }

  /** A reader that does not read is cut off once its backlog passes the cap (its will tells the others). */
  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    const ok = super.write(chunk, encoding as BufferEncoding, callback as () => void);
    const backlog = this.writableLength + this.#inner.writableLength;
    if (backlog > this.#limits.maxBacklogBytes && !this.destroyed) {
      this.#onRefused(`connection from ${this.remoteAddress ?? 'unknown'} dropped: ${backlog} bytes waiting for it to read`);
      this.destroy();
    }
    return ok;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#inner.write(chunk)) callback();
    else this.#inner.once('drain', () => callback());
  }

  // Aedes corks while it writes one packet in pieces: hand them on in one go.
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.#inner.cork();
    let ok = true;
    for (const { chunk } of chunks) ok = this.#inner.write(chunk);
    this.#inner.uncork();
    if (ok) callback();
    else this.#inner.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#inner.end();
    callback();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    this.#release();
    this.#inner.destroy();
    callback(err);
  }
}

/**
 * Follows the packet boundaries of an MQTT byte stream without keeping any of it: returns why the stream must be
 * dropped, or undefined. `connected` is called once the first packet, which must be CONNECT, is complete.
 */
export function fixedHeaderScanner(maxPacketBytes: number, connected: () => void): (chunk: Buffer) => string | undefined {
  let state: 'type' | 'length' | 'body' = 'type';
  let packets = 0;
  let length = 0;
  let multiplier = 1;
  let lengthBytes = 0;
  let left = 0;
  const packetDone = () => {
    if (++packets === 1) connected();
    state = 'type';
  };
  return (chunk) => {
    let i = 0;
    while (i < chunk.length) {
      if (state === 'body') {
        const skip = Math.min(left, chunk.length - i);
        left -= skip;
        i += skip;
        if (left === 0) packetDone();
        continue;
      }
      const byte = chunk[i++]!;
      if (state === 'type') {
        if (packets === 0 && byte >> 4 !== CONNECT) return 'the first packet is not a CONNECT';
        state = 'length';
        length = 0;
        multiplier = 1;
        lengthBytes = 0;
        continue;
      }
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      lengthBytes++;
      if (length > maxPacketBytes) return `a packet announced ${length} bytes (limit ${maxPacketBytes})`;
      if (byte & 0x80) {
        if (lengthBytes === 4) return 'malformed remaining length';
      } else if (length === 0) packetDone();
      else {
        state = 'body';
        left = length;
      }
    }
    return undefined;
  };
}
