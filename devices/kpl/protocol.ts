/**
 * KPL/1, the line protocol of atm-rig's keypad + 4x20 LCD board (docs/devices/keypad-lcd.md; firmware in
 * firmware/keypad-lcd/). ASCII lines ending in LF, 9600 baud 8N1.
 *
 *   host -> board: `?` (identify) | `L <row 0-3> <text>` | `C` (clear) | `B <0|1>` (backlight)
 *   board -> host: `READY KPL/1 20x4` (at boot, and after `?`) | `K <key>` (a key press) | `OK` | `ERR <why>`
 *
 * Keys are the topic contract's names: 0-9, A-Z, ENTER, CANCEL, CLEAR, and the FDKs FDKA-FDKD, FDKF-FDKI.
 */
import { KEY_PATTERN } from '../../core/keys.ts';

export const KPL_BANNER = 'READY KPL/1 20x4';
export const KPL_COLS = 20;
export const KPL_ROWS = 4;
/** The topic contract's keys, FDKs included (a board with screen-side buttons sends `K FDKA`). */
export const KPL_KEY = KEY_PATTERN;

/** Splits a byte stream into lines (LF, optional CR before it). */
export class LineSplitter {
  #buf = '';
  push(chunk: Buffer): string[] {
    this.#buf += chunk.toString('latin1');
    const lines = this.#buf.split('\n');
    this.#buf = lines.pop() ?? '';
    if (this.#buf.length > 256) this.#buf = ''; // no line is that long: noise
    return lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0);
  }
}

/** The LCD shows 7-bit ASCII only; anything else becomes '?'. */
export function lcdText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, KPL_COLS);
}
