/**
 * The receipt printer driver: an ESC/POS printer on a serial port, the same Device as the virtual printer. It asks
 * the printer's condition in real time (DLE EOT 2 and 4) before each receipt, so a receipt is never sent to a
 * printer without paper or with its cover open, and every few seconds while idle, so the state shows paper low
 * before it runs out.
 */
import type { Device, DeviceContext } from '../device.ts';
import { SerialQueue } from '../../core/serial-queue.ts';
import { connectDevice, Inbox, SerialLink, type SerialSpec } from '../serial/link.ts';
import { conditionOf, encodeReceipt, isStatusByte, statusQuery, type PrinterCondition } from './escpos.ts';
import type { MessageOf } from '../module.ts';
import type { contract } from './contract.ts';

export class SerialReceiptPrinter implements Device {
  readonly kind = 'printer' as const;
  readonly impl: string;
  readonly link: SerialLink;
  readonly #inbox = new Inbox<number>();
  #ctx?: DeviceContext;
  readonly #queue = new SerialQueue();
  #stopped = false;
  #printed = 0;
  #poll?: NodeJS.Timeout;

  constructor(
    spec: SerialSpec,
    private readonly options: { answerMs?: number; pollMs?: number } = {},
  ) {
    this.impl = `serial:${spec.path}@${spec.baudRate}`;
    this.link = new SerialLink(spec);
    this.link.on('data', (d) => this.#inbox.push(...[...d].filter(isStatusByte)));
  }

  initialState() {
    return { online: false, link: 'down', paper: 'ok', coverOpen: false, printed: 0 };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
    connectDevice(
      this.link,
      ctx,
      async () => ({ ...(await this.#condition()) }),
      () => this.#stopped,
    );
    // The idle poll is also how a printer that went silent behind a kept port is noticed: offline until it answers.
    // Only a change is published (the state is retained; an unchanged one every few seconds is noise).
    let last = '';
    const report = (patch: Record<string, unknown>) => {
      const key = JSON.stringify(patch);
      if (key !== last) ctx.setState(patch);
      last = key;
    };
    this.#poll = setInterval(
      () =>
        void this.#condition().then(
          (c) => report({ online: true, ...c }),
          (err: Error) => report({ online: false, reason: err.message }),
        ),
      this.options.pollMs ?? 3000,
    );
    this.#poll.unref();
  }

  /** One exchange at a time: a status query and its one-byte answer. */
  #serial<T>(run: () => Promise<T>): Promise<T> {
    return this.#queue.run(run);
  }

  #condition(): Promise<PrinterCondition> {
    return this.#serial(async () => {
      this.#inbox.clear();
      await this.link.write(statusQuery(2));
      const offline = await this.#inbox.next(this.options.answerMs ?? 500, 'the printer did not answer DLE EOT 2');
      await this.link.write(statusQuery(4));
      const paper = await this.#inbox.next(this.options.answerMs ?? 500, 'the printer did not answer DLE EOT 4');
      return conditionOf(offline, paper);
    });
  }

  async command({ payload }: MessageOf<typeof contract.cmd>) {
    const ctx = this.#ctx!;
    const { ref, lines } = payload;
    let condition: PrinterCondition;
    try {
      condition = await this.#condition();
    } catch (err) {
      return ctx.emit('failed', { ref, reason: 'offline', message: (err as Error).message });
    }
    ctx.setState({ ...condition });
    if (condition.paper === 'out') return ctx.emit('failed', { ref, reason: 'paper-out', message: 'out of paper' });
    if (condition.coverOpen) return ctx.emit('failed', { ref, reason: 'cover-open', message: 'the cover is open' });
    await this.#serial(() => this.link.write(encodeReceipt(lines)));
    this.#printed += 1;
    ctx.setState({ printed: this.#printed, lastReceipt: lines });
    ctx.emit('printed', { ref, lines });
  }

  async stop() {
    this.#stopped = true;
    clearInterval(this.#poll);
    await this.link.close();
  }
}
