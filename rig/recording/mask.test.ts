// Masking that does not depend on the session state arriving: a fault can drop it, or damage the key press itself.
import { describe, expect, it } from 'vitest';
import { formatMessage, maskedKey } from '../bus-trace.ts';
import type { SessionState } from '../../machines/screens.ts';
import { maskRecording } from './mask.ts';
import { testHeader } from './testing.ts';

const KEY = 'atm/atm-1/keypad/evt/key';
const amount = {
  state: 'session.withdraw.amount',
  screen: 'enter-amount',
  input: { field: 'amount', label: 'Amount', length: 0, maxLength: 6, masked: false },
} as unknown as SessionState;

describe('key presses in traces and reports', () => {
  it('a character shows only while the session is known to collect no secret; named keys always show', () => {
    expect(maskedKey({ key: '1' }, undefined)).toEqual({ key: '*' });
    expect(maskedKey({ key: '1' }, amount)).toEqual({ key: '1' });
    expect(maskedKey({ key: 'ENTER' }, undefined)).toEqual({ key: 'ENTER' });
  });

  it('a damaged press is masked whole: other keys, a truncated text, bytes', () => {
    for (const damaged of [{ kgy: '9' }, { key: '9', x: 1 }, '{"key":"5', { $bytes: 'eyJrZXkiOiIzIl0=' }, null])
      expect(maskedKey(damaged, amount)).toEqual({ key: '*' });
    expect(formatMessage(KEY, '{"key":"5', undefined, '')).not.toContain('5');
  });

  it("a report's recording masks them the same way, whatever state came before", () => {
    const text = maskRecording(testHeader(), [
      { t: 0, topic: KEY, payload: { key: '7' } },
      { t: 1, topic: KEY, payload: { $bytes: 'eyJrZXkiOiIzIl0=' } },
      { t: 2, topic: KEY, payload: { kgy: '9' } },
    ]);
    expect(text).not.toMatch(/"7"|"9"|eyJ/);
  });
});
