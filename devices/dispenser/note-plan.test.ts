import { describe, expect, it } from 'vitest';
import { planNotes } from './note-plan.ts';

describe('planNotes', () => {
  const full = [
    { denomination: 10_000, count: 100 },
    { denomination: 5_000, count: 100 },
  ];

  it('uses the fewest notes', () => {
    expect(planNotes(25_000, full)).toEqual({ ok: true, notes: { '10000': 2, '5000': 1 } });
  });

  it('finds plans a greedy pick misses', () => {
    expect(
      planNotes(6_000, [
        { denomination: 5_000, count: 5 },
        { denomination: 2_000, count: 5 },
      ]),
    ).toEqual({ ok: true, notes: { '2000': 3 } });
  });

  it('says short when the cassettes run low, and cannot-make-amount when no notes could ever make it', () => {
    expect(
      planNotes(30_000, [
        { denomination: 10_000, count: 1 },
        { denomination: 5_000, count: 1 },
      ]),
    ).toEqual({ ok: false, reason: 'short' });
    expect(planNotes(12_500, full)).toEqual({ ok: false, reason: 'cannot-make-amount' });
  });

  it('caps a bundle at 40 notes (the LCDM-4000 limit): more cannot be dispensed at once, however full', () => {
    expect(planNotes(40 * 5_000, [{ denomination: 5_000, count: 100 }])).toEqual({ ok: true, notes: { '5000': 40 } });
    expect(planNotes(45 * 5_000, [{ denomination: 5_000, count: 100 }])).toEqual({ ok: false, reason: 'cannot-make-amount' });
  });
});
