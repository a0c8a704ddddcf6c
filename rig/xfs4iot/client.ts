/**
 * An XFS4IoT client: one WebSocket to one service (or the publisher). Sends commands with fresh requestIds and
 * resolves each with its completion, passing its events on; hears unsolicited events. Every message it receives is
 * checked against the catalog (messages/catalog.ts) as strictly as the face checks its own: one that fails is kept
 * in `invalid`, so a test of the face can say none did. Used by the tests, the reference application and the
 * `xfs4iot:` device.
 */
import WebSocket from 'ws';
import { COMMANDS } from './messages/catalog.ts';
import { decodeWire, type WireIn } from './messages/codec.ts';
import type { CompletionCode } from './messages/envelope.ts';

export interface Completed {
  completionCode: CompletionCode;
  errorDescription?: string;
  payload: Record<string, unknown>;
}

/** The service refused the command in its acknowledge (nothing followed). */
export class AckRefused extends Error {
  constructor(readonly status: string) {
    super(`acknowledge: ${status}`);
  }
}

interface Pending {
  resolve(c: Completed): void;
  reject(e: Error): void;
  onEvent?: (name: string, payload: Record<string, unknown>) => void;
}

export interface ConnectOptions {
  /** e.g. basicAuthorization('atm-1.controller', password) (auth.ts). */
  authorization?: string;
  /** A certificate to trust for wss:// (the rig's own, self-signed). */
  ca?: string;
}

/** Messages `received` keeps (the newest): a client that runs for days must not grow without end. */
const KEEP = 10_000;

export class XfsClient {
  /** The messages received, in order (the newest 10,000). */
  readonly received: WireIn[] = [];
  /** Messages that failed the catalog's schemas, with why. */
  readonly invalid: string[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly #unsolicited = new Set<(name: string, payload: Record<string, unknown>) => void>();
  #nextId = 1;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.#onMessage(String(data)));
    socket.on('close', () => {
      for (const p of this.#pending.values()) p.reject(new Error('the connection closed'));
      this.#pending.clear();
    });
  }

  static connect(url: string, options: ConnectOptions = {}): Promise<XfsClient> {
    const socket = new WebSocket(url, {
      headers: options.authorization ? { authorization: options.authorization } : {},
      ...(options.ca ? { ca: options.ca } : {}),
      perMessageDeflate: false,
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new XfsClient(socket)));
      socket.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })),
      );
      socket.once('error', reject);
    });
  }

  /** Send a command; resolves with its completion. `version` defaults to the catalog's. */
  command(
    name: string,
    payload?: object,
    options: { timeout?: number; version?: string; requestId?: number; onEvent?: Pending['onEvent'] } = {},
  ): Promise<Completed> {
    const requestId = options.requestId ?? this.#nextId++;
    const header = {
      name,
      requestId,
      type: 'command',
      version: options.version ?? COMMANDS.get(name)?.version ?? '2.0',
      ...(options.timeout ? { timeout: options.timeout } : {}),
    };
    return new Promise((resolve, reject) => {
      this.#pending.set(requestId, { resolve, reject, ...(options.onEvent ? { onEvent: options.onEvent } : {}) });
      this.socket.send(
        JSON.stringify(payload && Object.keys(payload).length ? { header, payload } : { header }),
        (err) => err && reject(err),
      );
    });
  }

  /** Send raw text (a test's malformed frame). */
  sendRaw(text: string | Buffer): void {
    this.socket.send(text);
  }

  onUnsolicited(listener: (name: string, payload: Record<string, unknown>) => void): () => void {
    this.#unsolicited.add(listener);
    return () => void this.#unsolicited.delete(listener);
  }

  /** The next unsolicited event of this name. */
  nextUnsolicited(name: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const off = this.onUnsolicited((n, p) => n === name && (off(), resolve(p)));
    });
  }

  #onMessage(text: string): void {
    const decoded = decodeWire(text);
    if (!decoded.ok) {
      if (this.invalid.length < 100) this.invalid.push(`${decoded.error}: ${text.slice(0, 300)}`);
      return;
    }
    const m = decoded.message;
    this.received.push(m);
    if (this.received.length > KEEP) this.received.splice(0, this.received.length - KEEP);
    const h = m.header;
    if (h.type === 'unsolicited') return this.#unsolicited.forEach((l) => l(h.name, m.payload));
    if (h.type === 'command') return;
    const pending = this.#pending.get(h.requestId);
    if (!pending) return;
    if (h.type === 'acknowledge') {
      if (h.status) {
        this.#pending.delete(h.requestId);
        pending.reject(new AckRefused(h.status));
      }
    } else if (h.type === 'event') pending.onEvent?.(h.name, m.payload);
    else {
      this.#pending.delete(h.requestId);
      pending.resolve({
        completionCode: h.completionCode,
        ...(h.errorDescription ? { errorDescription: h.errorDescription } : {}),
        payload: m.payload,
      });
    }
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
