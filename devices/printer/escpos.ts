/**
 * The slice of ESC/POS (Epson's receipt-printer command language, spoken by most thermal receipt printers) that a
 * receipt needs, both ways: what a host sends (initialise, text lines, feed, cut) and the real-time status
 * queries (DLE EOT n) with their one-byte answers. Reference: the ESC/POS command reference (Epson), as summarised
 * by public drivers: node `escpos` (statuses.js), ESC-POS-.NET, the POS-80 programmer manual.
 *
 * DLE EOT answers are 0b0xx1_xx10: bits 1 and 4 always set (0x12), bit 0 and 7 clear.
 *   n=1 printer:      bit 3 offline
 *   n=2 offline cause: bit 2 cover open, bit 5 printing stopped by paper end, bit 6 an error occurred
 *   n=3 error cause:  bit 3 auto-cutter error, bit 5 unrecoverable error
 *   n=4 paper sensor:  bits 2+3 paper near end, bits 5+6 paper end
 */
export const ESC = 0x1b;
export const GS = 0x1d;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;

/** The widest line of an 80 mm printer in font A; longer lines wrap on paper, so receipts stay within it. */
export const MAX_COLUMNS = 48;
const STATUS_BASE = 0x12;

export interface PrinterCondition {
  paper: 'ok' | 'low' | 'out';
  coverOpen: boolean;
}

/** The bytes of one receipt: initialise, the lines, feed past the cutter, partial cut. Non-ASCII becomes '?'. */
export function encodeReceipt(lines: readonly string[]): Buffer {
  const text = lines.map((l) => l.slice(0, MAX_COLUMNS).replace(/[^\x20-\x7e]/g, '?') + '\n').join('');
  return Buffer.concat([Buffer.from([ESC, 0x40]), Buffer.from(text, 'latin1'), Buffer.from([ESC, 0x64, 4, GS, 0x56, 1])]);
}

export function statusQuery(n: 1 | 2 | 3 | 4): Buffer {
  return Buffer.from([DLE, EOT, n]);
}

/** What the printer answers to DLE EOT n in this condition. */
export function statusByte(n: number, c: PrinterCondition): number {
  const out = c.paper === 'out';
  switch (n) {
    case 1:
      return STATUS_BASE | (out || c.coverOpen ? 0x08 : 0);
    case 2:
      return STATUS_BASE | (c.coverOpen ? 0x04 : 0) | (out ? 0x20 : 0);
    case 4:
      return STATUS_BASE | (c.paper !== 'ok' ? 0x0c : 0) | (out ? 0x60 : 0);
    default:
      return STATUS_BASE;
  }
}

/** Read a condition back from the answers to DLE EOT 2 and 4. */
export function conditionOf(offlineCause: number, paperSensor: number): PrinterCondition {
  const paper = (paperSensor & 0x60) === 0x60 ? 'out' : (paperSensor & 0x0c) === 0x0c ? 'low' : 'ok';
  return { paper, coverOpen: (offlineCause & 0x04) !== 0 };
}

/** A status answer has bits 1 and 4 set and bits 0 and 7 clear: anything else is not one. */
export function isStatusByte(b: number): boolean {
  return (b & 0x93) === STATUS_BASE;
}

export type EscPosEvent =
  | { type: 'init' }
  | { type: 'line'; text: string }
  | { type: 'cut' }
  | { type: 'status'; n: number }
  | { type: 'ignored'; command: string };

/** Parameter bytes after ESC x / GS x for the commands a receipt may carry; others are skipped with none. */
const ESC_PARAMS: Record<number, number> = {
  0x21: 1,
  0x2d: 1,
  0x32: 0,
  0x33: 1,
  0x40: 0,
  0x45: 1,
  0x47: 1,
  0x4a: 1,
  0x4d: 1,
  0x52: 1,
  0x61: 1,
  0x64: 1,
  0x74: 1,
  0x7b: 1,
};
const GS_PARAMS: Record<number, number> = { 0x21: 1, 0x42: 1, 0x48: 1, 0x66: 1, 0x68: 1, 0x77: 1 };

/**
 * The printer's side: turns any byte stream into events, a byte at a time, so a command split across reads is
 * whole when its last byte comes. Never throws; a line longer than the paper is broken where the paper would
 * break it, so no input grows a buffer without limit.
 */
export class EscPosParser {
  #line: number[] = [];
  #pending: number[] = [];

  push(chunk: Uint8Array): EscPosEvent[] {
    const out: EscPosEvent[] = [];
    for (const b of chunk) this.#byte(b, out);
    return out;
  }

  #byte(b: number, out: EscPosEvent[]) {
    if (this.#pending.length > 0) {
      this.#pending.push(b);
      const event = this.#command(this.#pending);
      if (event !== undefined) {
        this.#pending = [];
        if (event?.type === 'init') this.#line = []; // ESC @ clears the print buffer
        if (event) out.push(event);
      }
      return;
    }
    if (b === ESC || b === GS || b === DLE) return void this.#pending.push(b);
    if (b === LF) return void out.push(this.#flush());
    if (b === 0x0d) return; // CR: the line feed prints
    if (b < 0x20) return void out.push({ type: 'ignored', command: `0x${b.toString(16).padStart(2, '0')}` });
    this.#line.push(b);
    if (this.#line.length >= MAX_COLUMNS) out.push(this.#flush());
  }

  #flush(): EscPosEvent {
    const text = Buffer.from(this.#line).toString('latin1');
    this.#line = [];
    return { type: 'line', text };
  }

  /** The event of a complete command, null for a complete one to drop, undefined while it needs more bytes. */
  #command(p: number[]): EscPosEvent | null | undefined {
    const [lead, code] = p;
    if (code === undefined) return undefined;
    if (lead === DLE) {
      if (code !== EOT) return { type: 'ignored', command: `DLE 0x${code.toString(16)}` };
      if (p.length < 3) return undefined;
      return { type: 'status', n: p[2]! };
    }
    if (lead === ESC) {
      const need = ESC_PARAMS[code] ?? 0;
      if (p.length < 2 + need) return undefined;
      return code === 0x40 ? { type: 'init' } : null;
    }
    // GS V m [n]: m 0/1/48/49 cut at once; 65/66 feed n then cut.
    if (code === 0x56) {
      if (p.length < 3) return undefined;
      if ((p[2] === 65 || p[2] === 66) && p.length < 4) return undefined;
      return { type: 'cut' };
    }
    const need = GS_PARAMS[code] ?? 0;
    if (p.length < 2 + need) return undefined;
    return null;
  }
}
