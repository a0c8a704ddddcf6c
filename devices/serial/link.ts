/**
 * A serial port that comes back: opens `path` at `baudRate`, and when the port closes or fails (a cable pulled, a
 * USB adapter unplugged) reports `down` and tries again with exponential back-off until it opens, then `up`.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { SerialPort } from 'serialport';
import type { SerialSpec } from './spec.ts';
import { traceLink } from './trace.ts';

export { parseSerialSpec, type SerialSpec } from './spec.ts';

export class SerialLink extends EventEmitter<{ data: [Buffer]; up: []; down: [string] }> {
  readonly spec: SerialSpec;
  #port?: SerialPort;
  #stopped = false;
  #backoff: number;
  #timer?: NodeJS.Timeout;
  #watch?: NodeJS.Timeout;
  isUp = false;

  constructor(
    spec: SerialSpec,
    private readonly options: { minBackoffMs?: number; maxBackoffMs?: number } = {},
  ) {
    super();
    this.spec = spec;
    this.#backoff = options.minBackoffMs ?? 250;
    if (spec.trace) traceLink(this, spec.trace.label, spec.trace.decoder, spec.trace.tracer);
  }

  start(): void {
    if (this.#stopped) return;
    // Loaded at the first port opened: a rig of virtual devices never pays for the native binding (atm-rig up's start).
    void import('serialport').then(
      ({ SerialPort }) => {
        if (!this.#stopped && !this.#port) this.#open(SerialPort);
      },
      (err: Error) => this.#lost(`the serialport package did not load: ${err.message}`),
    );
  }

  #open(SerialPort: typeof import('serialport').SerialPort): void {
    const port = new SerialPort({ path: this.spec.path, baudRate: this.spec.baudRate, autoOpen: false });
    this.#port = port;
    port.on('data', (d: Buffer) => this.emit('data', d));
    port.on('close', () => this.#lost('port closed'));
    port.on('error', (err) => this.#lost(err.message));
    port.open((err) => {
      // Closed while it was opening: let the port go (left open, it would keep its lock and the next open fails).
      if (this.#stopped || this.#port !== port) {
        if (!err) port.close(() => {});
        return;
      }
      if (err) return this.#lost(err.message);
      this.#backoff = this.options.minBackoffMs ?? 250;
      this.isUp = true;
      // A read on a vanished port says nothing until the next write fails; an unplugged USB adapter (or a closed
      // pty) also loses its device node, so watch for that.
      clearInterval(this.#watch);
      this.#watch = setInterval(() => {
        if (!existsSync(this.spec.path)) this.#lost('device gone');
      }, 250);
      this.#watch.unref();
      this.emit('up');
    });
  }

  #lost(reason: string) {
    clearInterval(this.#watch);
    if (this.#port) {
      this.#port.removeAllListeners();
      this.#port.on('error', () => {});
      if (this.#port.isOpen) this.#port.close(() => {});
      this.#port = undefined;
    }
    const wasUp = this.isUp;
    this.isUp = false;
    if (wasUp || !this.#timer) this.emit('down', reason);
    if (this.#stopped || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.start();
    }, this.#backoff);
    this.#backoff = Math.min(this.#backoff * 2, this.options.maxBackoffMs ?? 10_000);
  }

  write(bytes: Buffer): Promise<void> {
    const port = this.#port;
    if (!port || !this.isUp) return Promise.reject(new Error(`${this.spec.path} is not open`));
    return new Promise((resolve, reject) => port.write(bytes, (err) => (err ? reject(err) : port.drain(() => resolve()))));
  }

  async close(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#watch);
    const port = this.#port;
    this.#port = undefined;
    this.isUp = false;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
  }
}

/** What a driver holds of its module's connection. */
export interface ModuleConnection {
  /** The module answered its handshake and has not been lost since. */
  readonly online: boolean;
  /** The module reset or went silent with the port still open (power cut, brown-out, firmware restart): mark the
   *  device offline with the reason, once, and handshake again with back-off until it answers. */
  lost(reason: string): void;
}

/**
 * Puts a driver's link to work: `down` marks the device offline; `up` runs the handshake, which marks it online
 * (returning the state to add) or is retried (each second, then backing off to 10 s) while the port stays open: a module
 * still powering up, an emulator not yet listening, a module that reset under an open port.
 */
export function connectDevice(
  link: SerialLink,
  ctx: { setState(patch: Record<string, unknown>): void },
  handshake: () => Promise<Record<string, unknown> | void>,
  isStopped: () => boolean,
): ModuleConnection {
  let online = false;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let lastReason: string | undefined;
  // Every second for the first ten tries (a module powering up, an emulator starting), then doubling to 10 s.
  const retry = () => {
    clearTimeout(timer);
    if (isStopped() || !link.isUp) return;
    failures += 1;
    timer = setTimeout(() => void attempt(), failures <= 10 ? 1000 : Math.min(1000 * 2 ** (failures - 10), 10_000));
    timer.unref();
  };
  const attempt = async () => {
    try {
      const extra = await handshake();
      online = true;
      failures = 0;
      lastReason = undefined;
      ctx.setState({ online: true, link: 'up', reason: undefined, ...(extra ?? {}) });
    } catch (err) {
      online = false;
      const reason = (err as Error).message;
      // One state per new reason: a module that stays away is not news every second.
      if (reason !== lastReason) ctx.setState({ online: false, link: 'up', reason });
      lastReason = reason;
      retry();
    }
  };
  link.on('up', () => {
    failures = 0;
    void attempt();
  });
  link.on('down', (reason) => {
    online = false;
    clearTimeout(timer);
    lastReason = undefined;
    ctx.setState({ online: false, link: 'down', reason });
  });
  link.start();
  return {
    get online() {
      return online;
    },
    lost(reason) {
      if (!online || isStopped()) return;
      online = false;
      lastReason = reason;
      ctx.setState({ online: false, link: link.isUp ? 'up' : 'down', reason });
      retry();
    },
  };
}

/** Items arriving from a port (lines, packets, frames), taken one at a time with a deadline. */
export class Inbox<T> {
  #items: T[] = [];
  #wake?: () => void;

  push(...items: T[]): void {
    this.#items.push(...items);
    this.#wake?.();
  }

  clear(): void {
    this.#items = [];
  }

  async next(timeoutMs: number, what = 'the device did not answer'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.#items.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(what);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#wake = () => (clearTimeout(t), resolve());
      });
      this.#wake = undefined;
    }
    return this.#items.shift()!;
  }
}
