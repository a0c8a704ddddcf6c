/**
 * One client's WebSocket to one service: reads frames into commands (acknowledging each, or saying why not) and
 * sends the face's messages, each validated against the catalog first. A message its schema refuses is never sent:
 * the face is told (`onInvalid`), and a completion goes out as `internalError` instead, so the client is not left
 * waiting. A client that does not read its socket cannot make answers queue without end: a command counts as open
 * until its completion has left for the network, and a connection with more than 1 MiB waiting is closed (1008).
 */
import type { WebSocket } from 'ws';
import { decodeCommand, encode, type Outgoing } from './messages/codec.ts';
import type { Principal } from './service.ts';

/** Commands one connection may have open (queued or running) at once; more are acknowledged `tooManyRequests`
 *  (Common.Cancel excepted). */
export const MAX_OPEN_PER_CONNECTION = 64;
/** Bytes waiting to be sent to one client before it is closed as not reading (the attack review's 150k-frame flood
 *  grew the rig by 270 MB). */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** The close code for a client that does not read: policy violation. */
export const NOT_READING = 1008;

export interface Accepted {
  name: string;
  requestId: number;
  version: string;
  timeout: number;
  payload: Record<string, unknown>;
}

export class Connection {
  /** requestIds of this connection's queued and running commands. */
  readonly open = new Set<number>();
  #closed = false;

  constructor(
    readonly socket: WebSocket,
    readonly principal: Principal,
    private readonly onInvalid: (error: string) => void,
    /** The connection was closed for not reading: its commands are to be dropped. */
    private readonly onOverflow: () => void = () => undefined,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  markClosed(): void {
    this.#closed = true;
  }

  /** A frame from the client: the command it carries, acknowledged; or undefined when refused (and answered so). */
  receive(data: Buffer): Accepted | undefined {
    // Closed for not reading: what it still sends is read (to find its close frame) and dropped.
    if (this.#closed) return undefined;
    const d = decodeCommand(data.toString('utf8'));
    if (!d.ok) {
      this.send({ type: 'acknowledge', name: d.name, requestId: d.requestId, version: d.version, status: d.status });
      return undefined;
    }
    const ack = { type: 'acknowledge', name: d.name, requestId: d.requestId, version: d.version } as const;
    if (this.open.has(d.requestId)) return void this.send({ ...ack, status: 'invalidRequestID' });
    // Common.Cancel is always taken: it is how a client with too many commands open gets out.
    if (this.open.size >= MAX_OPEN_PER_CONNECTION && d.name !== 'Common.Cancel')
      return void this.send({ ...ack, status: 'tooManyRequests' });
    this.open.add(d.requestId);
    this.send(ack);
    // The acknowledge may have been what closed it for not reading: then the command is dropped too.
    if (this.#closed) return undefined;
    return { name: d.name, requestId: d.requestId, version: d.version, timeout: d.timeout, payload: d.payload };
  }

  /** A command's completion. Its requestId stays open until the completion has left for the network, so answers
   *  count against the open-command limit however fast they were made (Status, Capabilities...). */
  complete(message: Extract<Outgoing, { type: 'completion' }>): void {
    const release = () => void this.open.delete(message.requestId);
    if (!this.send(message, release)) release();
  }

  /** Send a message; true when it went to the socket (`sent` is called once it has left, or the socket failed). */
  send(message: Outgoing, sent?: () => void): boolean {
    if (this.#closed || this.socket.readyState !== this.socket.OPEN) return false;
    let encoded = encode(message);
    if (!encoded.ok) {
      this.onInvalid(encoded.error);
      if (message.type !== 'completion') return false;
      encoded = encode({
        type: 'completion',
        name: message.name,
        requestId: message.requestId,
        completionCode: 'internalError',
        version: message.version ?? '2.0',
      });
      if (!encoded.ok) return false;
    }
    this.socket.send(encoded.text, sent && (() => sent()));
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) this.#overflow();
    return true;
  }

  #overflow(): void {
    this.#closed = true;
    this.onOverflow();
    this.socket.close(NOT_READING, `not reading: over ${MAX_BUFFERED_BYTES} bytes of answers waiting`);
  }
}
