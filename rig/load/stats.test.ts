import { expect, it } from 'vitest';
import { percentile, statsTableText } from './stats.ts';

it('prints the figures under headings that carry their units, columns aligned', () => {
  const text = statsTableText({ sessions: 60, ok: 59, errors: 1, perSecond: 4.6, p50: 245, p90: 1200.5, p99: 10700, max: 10713.2 });
  expect(text.split('\n')).toEqual([
    'sessions  ok  errors  sessions/s  p50 ms  p90 ms  p99 ms   max ms',
    '      60  59       1         4.6     245  1200.5   10700  10713.2',
  ]);
});

it('takes the nearest-rank percentile', () => {
  expect(percentile([10, 20, 30, 40], 50)).toBe(20);
  expect(percentile([10, 20, 30, 40], 99)).toBe(40);
  expect(percentile([], 50)).toBe(0);
});
