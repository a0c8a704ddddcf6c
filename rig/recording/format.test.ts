// A recording at the boundary: any text is read or refused with the file and line, never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRecording } from './format.ts';
import { checkReplayable } from './replay.ts';
import { testHeader } from './testing.ts';

const HEADER = JSON.stringify(testHeader());

describe('parseRecording', () => {
  it('refuses any hostile line with the file and line number, and nothing else escapes', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
        try {
          parseRecording([HEADER, ...lines].join('\n'), 'r.ndjson');
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message).toMatch(/^r\.ndjson:\d+: /);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('names an unknown key with the nearest known one, and a bad header', () => {
    expect(() => parseRecording(`${HEADER}\n{"t":1,"topik":"x","payload":{}}`, 'r.ndjson')).toThrow(/r\.ndjson:2: .*"topik"/s);
    expect(() => parseRecording('{"recording":"other"}', 'r.ndjson')).toThrow(/r\.ndjson:1: not an atm-rig recording header/);
    expect(() => parseRecording('', 'r.ndjson')).toThrow(/empty/);
  });

  it('refuses a payload larger than the bus carries (a replay could not publish it)', () => {
    const big = JSON.stringify({ t: 1, topic: 'atm/atm-1/keypad/evt/key', payload: { key: 'x'.repeat(70_000) } });
    expect(() => parseRecording(`${HEADER}\n${big}`, 'r.ndjson')).toThrow(/r\.ndjson:2: a payload over 65536 bytes/);
  });

  it('a device line no device of the recording could have said is refused before the replay starts (it used to hang)', () => {
    for (const topic of ['phone/+/inbox', 'atm/atm-1/keypad/evt/#', 'atm/atm-9/keypad/evt/key', 'phone/260971000001/inbox/x']) {
      const text = `${HEADER}\n${JSON.stringify({ t: 1, topic, payload: {} })}`;
      expect(() => checkReplayable(parseRecording(text, 'r.ndjson')), topic).toThrow(
        /line 2: .* is not a device topic of this recording's ATMs \(atm-1\)/,
      );
    }
  });

  it('a payload nested thousands deep is refused with its line, not a stack overflow', () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const text = `${HEADER}\n{"t":1,"topic":"atm/atm-1/keypad/evt/key","payload":${deep}}`;
    expect(() => parseRecording(text, 'r.ndjson')).toThrow(/r\.ndjson:2: nested too deeply/);
  });
});
