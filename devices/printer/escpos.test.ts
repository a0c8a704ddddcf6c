// The ESC/POS codec: byte-exact commands as the ESC/POS reference gives them, the status bytes public drivers
// decode (a printer out of paper answers DLE EOT 1/2/4 with 0x1A, 0x32, 0x7E), and a parser that no byte
// stream can crash or grow without bound.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  conditionOf,
  encodeReceipt,
  EscPosParser,
  isStatusByte,
  MAX_COLUMNS,
  statusByte,
  statusQuery,
  type EscPosEvent,
} from './escpos.ts';

describe('ESC/POS', () => {
  it('encodes a receipt as ESC @, the lines, ESC d 4, GS V 1', () => {
    expect(encodeReceipt(['AB', 'Ü1']).toString('hex')).toBe('1b40' + '41420a' + '3f310a' + '1b6404' + '1d5601');
    expect(statusQuery(4).toString('hex')).toBe('100404');
  });

  it('answers DLE EOT as a printer out of paper does (0x1A, 0x32, 0x7E) and reads it back', () => {
    const out = { paper: 'out', coverOpen: false } as const;
    expect([1, 2, 4].map((n) => statusByte(n, out))).toEqual([0x1a, 0x32, 0x7e]);
    expect([1, 2, 4].map((n) => statusByte(n, { paper: 'ok', coverOpen: false }))).toEqual([0x12, 0x12, 0x12]);
    expect(statusByte(2, { paper: 'ok', coverOpen: true })).toBe(0x16);
    expect(conditionOf(0x32, 0x7e)).toEqual(out);
    expect(conditionOf(0x16, 0x1e)).toEqual({ paper: 'low', coverOpen: true });
    for (let n = 1; n <= 4; n++)
      for (const paper of ['ok', 'low', 'out'] as const) expect(isStatusByte(statusByte(n, { paper, coverOpen: true }))).toBe(true);
  });

  it('parses what it encodes, split anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[ -~]{0,48}$/), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (lines, cuts) => {
          const bytes = Buffer.concat([encodeReceipt(lines), statusQuery(2)]);
          const parser = new EscPosParser();
          const events: EscPosEvent[] = [];
          let at = 0;
          for (const c of [...cuts.map((x) => x % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
            events.push(...parser.push(bytes.subarray(at, Math.max(at, c))));
            at = Math.max(at, c);
          }
          expect(events).toEqual([
            { type: 'init' },
            ...lines.map((text) => ({ type: 'line', text })),
            { type: 'cut' },
            { type: 'status', n: 2 },
          ]);
        },
      ),
    );
  });

  it('takes any bytes without throwing, and never holds a line longer than the paper', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const parser = new EscPosParser();
        for (const c of chunks)
          for (const e of parser.push(c)) if (e.type === 'line') expect(e.text.length).toBeLessThanOrEqual(MAX_COLUMNS);
      }),
      { numRuns: 300 },
    );
  });
});
