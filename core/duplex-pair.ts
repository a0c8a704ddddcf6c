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

  constructor(remoteAddress: string) {
    super({ allowHalfOpen: false });
    this.remoteAddress = remoteAddress;
  }

  static connect(a: PairEnd, b: PairEnd) {
    a.#peer = b;
    b.#peer = a;
  }

  // What a socket's users call on it (Node's HTTP client, agent and server): an in-memory connection has no
  // Nagle, no keep-alive probes and no idle timer; it stays open until either end closes it.
  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  setTimeout(): this {
    return this;
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
