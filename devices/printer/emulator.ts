/**
 * An ESC/POS receipt printer on a serial port: it answers the real-time status queries from its condition, prints
 * the lines it is sent and hands a receipt over at each cut. With the paper out or the cover open it is offline:
 * it still answers DLE EOT (that is what real-time means) and drops print data, as a stopped printer would lose it.
 */
import type { SerialLink } from '../serial/link.ts';
import type { EmulatorModule } from '../serial/emulator-module.ts';
import { EscPosParser, statusByte, type PrinterCondition } from './escpos.ts';

export class EscPosEmulator {
  condition: PrinterCondition = { paper: 'ok', coverOpen: false };
  /** Receipts cut so far, newest last. */
  readonly receipts: string[][] = [];
  #lines: string[] = [];
  readonly #parser = new EscPosParser();

  constructor(readonly link: SerialLink) {
    link.on('data', (d) => {
      for (const e of this.#parser.push(d)) {
        if (e.type === 'status') void link.write(Buffer.from([statusByte(e.n, this.condition)])).catch(() => undefined);
        else if (!this.online) continue;
        else if (e.type === 'init') this.#lines = [];
        else if (e.type === 'line') this.#lines.push(e.text);
        else if (e.type === 'cut' && this.#lines.length > 0) {
          this.receipts.push(this.#lines);
          if (this.receipts.length > 100) this.receipts.shift(); // a long run keeps the latest only
          this.#lines = [];
        }
      }
    });
  }

  get online(): boolean {
    return this.condition.paper !== 'out' && !this.condition.coverOpen;
  }
}

export const escposEmulator: EmulatorModule = {
  name: 'printer',
  serves: ['printer'],
  baud: 9600,
  start(link) {
    const printer = new EscPosEmulator(link);
    return {
      device: printer,
      onSim(name, data) {
        if (name === 'paper') printer.condition = { ...printer.condition, paper: data.state as PrinterCondition['paper'] };
        else if (name === 'cover') printer.condition = { ...printer.condition, coverOpen: data.open as boolean };
      },
    };
  },
  hint: (port, atm) => `Emulating an ESC/POS receipt printer on ${port}; paper and cover on atm/${atm}/printer/sim/{paper,cover}.`,
};
