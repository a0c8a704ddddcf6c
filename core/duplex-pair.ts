/**
 * Two connected in-memory streams, each the other's far end, behaving as the two ends of a socket do for an MQTT
 * client and broker: bytes written to one are read from the other, with backpressure (a write waits while the far
 * end's read buffer is full); ending one ends the other; destroying one closes the other, as a reset connection
 * does, so the broker fires a will and the client reconnects. Node 22 has `stream.duplexPair`; Node 20 does not.
 */
import { Duplex } from 'node:stream';

export class PairEnd extends Duplex {
  /** What the far end reports as its peer's address (Aedes's hooks log it and throttle by it). */
  readonly remoteAddress: string;
  #peer!: PairEnd;
  /** The peer's write waiting for this end's reader to take what it pushed. */
  #peerWriteDone: (() => void) | undefined;
  #idleMs = 0;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(remoteAddress: string) {
    super({ allowHalfOpen: false });
    this.remoteAddress = remoteAddress;
  }

  static connect(a: PairEnd, b: PairEnd) {
    a.#peer = b;
    b.#peer = a;
  }

  // What a socket's users call on it (Node's HTTP client, agent and server): an in-memory connection has no Nagle
  // and no keep-alive probes, but it has an idle timer, as a socket does: an HTTP agent and server close an idle
  // connection on its 'timeout', and without one every connection a burst opened would stay open for good.
  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  /** As net.Socket's: emit 'timeout' after `ms` without a byte read or written (0: never). */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback) {
      if (ms === 0) this.removeListener('timeout', callback);
      else this.once('timeout', callback);
    }
    this.#idleMs = ms;
    this.#active();
    return this;
  }

  get timeout(): number {
    return this.#idleMs;
  }

  /** A byte went through: the idle time starts again. */
  #active() {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = this.#idleMs > 0 && !this.destroyed ? setTimeout(() => this.emit('timeout'), this.#idleMs).unref() : undefined;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void) {
    const peer = this.#peer;
    if (peer.destroyed) return done(new Error('the far end of the in-process connection is closed'));
    if (this.#idleTimer) this.#active();
    if (peer.#idleTimer) peer.#active();
    if (peer.push(chunk)) done();
    else peer.#peerWriteDone = done;
  }

  override _read() {
    const done = this.#peerWriteDone;
    this.#peerWriteDone = undefined;
    done?.();
  }

  override _final(done: (err?: Error | null) => void) {
    if (!this.#peer.destroyed) this.#peer.push(null);
    done();
  }

  override _destroy(err: Error | null, done: (err: Error | null) => void) {
    clearTimeout(this.#idleTimer);
    const waiting = this.#peerWriteDone;
    this.#peerWriteDone = undefined;
    waiting?.();
    if (!this.#peer.destroyed) this.#peer.destroy();
    done(err);
  }
}

/** `[client end, server end]`; each end's `remoteAddress` names the other. */
export function duplexPair(clientAddress = 'in-process', serverAddress = 'in-process'): [PairEnd, PairEnd] {
  const client = new PairEnd(serverAddress);
  const server = new PairEnd(clientAddress);
  PairEnd.connect(client, server);
  return [client, server];
}
