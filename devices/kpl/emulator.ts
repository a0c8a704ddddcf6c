/** The keypad + LCD board on a serial port, as the firmware in firmware/keypad-lcd/ behaves. */
import type { ByteLink } from '../serial/byte-link.ts';
import { KPL_BANNER, KPL_KEY, KPL_ROWS, LineSplitter, lcdText } from './protocol.ts';

export class KeypadLcdEmulator {
  readonly lines: string[] = Array.from({ length: KPL_ROWS }, () => '');
  backlight = true;
  readonly #split = new LineSplitter();
  #off = false;

  constructor(private readonly link: ByteLink) {
    link.on('data', (d) => {
      if (this.#off) return;
      for (const line of this.#split.push(d)) void this.#command(line);
    });
  }

  boot() {
    return this.#say(KPL_BANNER);
  }

  /** Power cut with the port kept open: the screen goes blank, and `offMs` later the board boots (READY). */
  powerCycle(offMs = 0, schedule: (fn: () => void, ms: number) => unknown = setTimeout) {
    this.#off = true;
    this.lines.fill('');
    const on = () => {
      this.#off = false;
      void this.boot();
    };
    if (offMs > 0) schedule(on, offMs);
    else on();
  }

  press(key: string) {
    if (!KPL_KEY.test(key)) throw new Error(`no key "${key}" on the board`);
    return this.#say(`K ${key}`);
  }

  #say(line: string) {
    if (this.#off) return Promise.resolve();
    return this.link.write(Buffer.from(`${line}\n`, 'latin1')).catch(() => undefined);
  }

  #command(line: string) {
    if (line === '?') return this.#say(KPL_BANNER);
    if (line === 'C') {
      this.lines.fill('');
      return this.#say('OK');
    }
    const l = /^L ([0-3]) ?(.*)$/.exec(line);
    if (l) {
      this.lines[Number(l[1])] = lcdText(l[2] ?? '');
      return this.#say('OK');
    }
    const b = /^B ([01])$/.exec(line);
    if (b) {
      this.backlight = b[1] === '1';
      return this.#say('OK');
    }
    return this.#say('ERR unknown command');
  }
}
