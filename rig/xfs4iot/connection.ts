/**
 * One client's WebSocket to one service: reads frames into commands (acknowledging each, or saying why not) and
 * sends the face's messages, each validated against the catalog first. A message its schema refuses is never sent:
 * the face is told (`onInvalid`), and a completion goes out as `internalError` instead, so the client is not left
 * waiting.
 */
import type { WebSocket } from 'ws';
import { decodeCommand, encode, type Outgoing } from './messages/codec.ts';
import type { Principal } from './service.ts';

/** Commands one connection may have open (queued or running) at once; more are acknowledged `tooManyRequests`
 *  (Common.Cancel excepted). */
export const MAX_OPEN_PER_CONNECTION = 64;

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
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  markClosed(): void {
    this.#closed = true;
  }

  /** A frame from the client: the command it carries, acknowledged; or undefined when refused (and answered so). */
  receive(data: Buffer): Accepted | undefined {
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
    return { name: d.name, requestId: d.requestId, version: d.version, timeout: d.timeout, payload: d.payload };
  }

  send(message: Outgoing): void {
    if (this.#closed || this.socket.readyState !== this.socket.OPEN) return;
    const encoded = encode(message);
    if (encoded.ok) return this.socket.send(encoded.text);
    this.onInvalid(encoded.error);
    if (message.type === 'completion') {
      const fallback = encode({
        type: 'completion',
        name: message.name,
        requestId: message.requestId,
        completionCode: 'internalError',
        version: message.version ?? '2.0',
      });
      if (fallback.ok) this.socket.send(fallback.text);
    }
  }
}
