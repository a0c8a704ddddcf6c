/**
 * The keypad and LCD drivers: two Devices (so the same topics as the virtual ones) on one KPL/1 board.
 */
import type { Device, DeviceContext } from '../device.ts';
import type { SerialSpec } from '../serial/link.ts';
import { boardOn, type KeypadLcdBoard } from './board.ts';
import type { MessageOf } from '../module.ts';
import type { contract as lcdContract } from '../lcd/contract.ts';

abstract class BoardDevice {
  readonly impl: string;
  protected readonly board: KeypadLcdBoard;
  protected ctx?: DeviceContext;

  constructor(spec: SerialSpec) {
    this.impl = `serial:${spec.path}@${spec.baudRate}`;
    this.board = boardOn(spec);
  }

  protected attach(ctx: DeviceContext) {
    this.ctx = ctx;
    this.board.on('online', (online, reason) => ctx.setState({ online, link: this.board.link.isUp ? 'up' : 'down', reason }));
    this.board.start();
  }

  async stop() {
    await this.board.stop();
  }
}

export class SerialKeypad extends BoardDevice implements Device {
  readonly kind = 'keypad' as const;

  initialState() {
    return { online: false, link: 'down', layout: 'KPL/1' };
  }

  start(ctx: DeviceContext) {
    this.board.on('key', (key) => ctx.emit('key', { key }));
    this.attach(ctx);
  }

  command() {}
}

export class SerialLcd extends BoardDevice implements Device {
  readonly kind = 'lcd' as const;
  /** The screen the controller asked for last: shown again whenever the board comes (back) online. */
  #wanted: string[] = ['', '', '', ''];

  initialState() {
    return { online: false, link: 'down', lines: ['', '', '', ''], cols: 20, rows: 4 };
  }

  start(ctx: DeviceContext) {
    this.board.on('online', (online) => {
      if (online) void this.#show();
    });
    this.attach(ctx);
  }

  async #show() {
    const lines = this.#wanted;
    try {
      await this.board.show(lines);
      // The state says what the display shows, once the board confirmed it.
      if (lines === this.#wanted) this.ctx!.setState({ lines });
    } catch (err) {
      if (this.board.online) this.ctx!.error('display-failed', (err as Error).message);
    }
  }

  async command(message: MessageOf<typeof lcdContract.cmd>) {
    this.#wanted = message.name === 'show' ? message.payload.lines : ['', '', '', ''];
    if (this.board.online) await this.#show();
  }
}
