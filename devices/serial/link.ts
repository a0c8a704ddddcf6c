/**
 * A serial port that comes back: opens `path` at `baudRate`, and when the port closes or fails (a cable pulled, a
 * USB adapter unplugged) reports `down` and tries again with exponential back-off until it opens, then `up`.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';

export interface SerialSpec {
  path: string;
  baudRate: number;
}

/** `serial:/dev/ttyUSB0@57600` -> `{ path: '/dev/ttyUSB0', baudRate: 57600 }`. */
export function parseSerialSpec(spec: string): SerialSpec {
  const m = /^serial:(.+)@(\d+)$/.exec(spec);
  if (!m) throw new Error(`not a serial device spec: "${spec}" (use serial:<path>@<baud>)`);
  return { path: m[1]!, baudRate: Number(m[2]) };
}

export class SerialLink extends EventEmitter<{ data: [Buffer]; up: []; down: [string] }> {
  readonly spec: SerialSpec;
  #port?: SerialPort;
  #stopped = false;
  #backoff: number;
  #timer?: NodeJS.Timeout;
  #watch?: NodeJS.Timeout;
  isUp = false;

  constructor(spec: SerialSpec, private readonly options: { minBackoffMs?: number; maxBackoffMs?: number } = {}) {
    super();
    this.spec = spec;
    this.#backoff = options.minBackoffMs ?? 250;
  }

  start(): void {
    if (this.#stopped) return;
    const port = new SerialPort({ path: this.spec.path, baudRate: this.spec.baudRate, autoOpen: false });
    this.#port = port;
    port.on('data', (d: Buffer) => this.emit('data', d));
    port.on('close', () => this.#lost('port closed'));
    port.on('error', (err) => this.#lost(err.message));
    port.open((err) => {
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
