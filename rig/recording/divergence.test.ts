// A divergence names the fields that differ, and not a time the replay let differ (a system-clock recording).
import { expect, it } from 'vitest';
import { fieldDifferences } from './divergence.ts';

it('lists a time field only when it differs by more than the slack', () => {
  const recorded = { ref: 'r-1', amount: 20000, deadline: 1_000_000, ts: 2_000_000 };
  const live = { ref: 'r-1', amount: 30000, deadline: 1_000_900, ts: 2_005_000 };
  expect(fieldDifferences(recorded, live, 2000)).toEqual(['amount: 20000 -> 30000', 'ts: 2000000 -> 2005000']);
  expect(fieldDifferences(recorded, live)).toEqual(['amount: 20000 -> 30000', 'deadline: 1000000 -> 1000900', 'ts: 2000000 -> 2005000']);
});
