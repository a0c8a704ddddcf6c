/**
 * Which notes make an amount, given what the cassettes hold: the fewest notes, never more of a denomination than
 * its cassette has. Bounded dynamic programming over the amount in units of the smallest denomination, so it
 * finds a plan whenever one exists (a greedy pick can miss: 60 from {50, 20, 20, 20} needs three 20s).
 */
export interface CassetteLoad {
  denomination: number;
  count: number;
}

export type NotePlan = { ok: true; notes: Record<string, number> } | { ok: false; reason: 'cannot-make-amount' | 'short' };

export function planNotes(amount: number, cassettes: readonly CassetteLoad[], maxNotes = 40): NotePlan {
  const denoms = cassettes.filter((c) => c.denomination > 0);
  if (denoms.length === 0 || amount <= 0) return { ok: false, reason: 'cannot-make-amount' };
  const unit = denoms.map((c) => c.denomination).reduce(gcd);
  if (amount % unit !== 0) return { ok: false, reason: 'cannot-make-amount' };
  const target = amount / unit;
  if (target > 1_000_000) return { ok: false, reason: 'cannot-make-amount' };

  const solve = (limited: boolean): Record<string, number> | undefined => {
    // best[v] = fewest notes for v units; plans[v] = counts per cassette index.
    let best = new Array<number>(target + 1).fill(Infinity);
    let plans: number[][] = new Array(target + 1);
    best[0] = 0;
    plans[0] = denoms.map(() => 0);
    denoms.forEach((c, i) => {
      const size = c.denomination / unit;
      const limit = limited ? c.count : Math.ceil(target / size);
      const nextBest = best.slice();
      const nextPlans = plans.slice();
      for (let v = 0; v <= target; v++) {
        if (best[v] === Infinity) continue;
        for (let k = 1; k <= limit && v + k * size <= target; k++) {
          const w = v + k * size;
          if (best[v]! + k < nextBest[w]!) {
            nextBest[w] = best[v]! + k;
            nextPlans[w] = plans[v]!.map((n, j) => (j === i ? n + k : n));
          }
        }
      }
      best = nextBest;
      plans = nextPlans;
    });
    if (best[target] === Infinity || best[target]! > maxNotes) return undefined;
    const notes: Record<string, number> = {};
    plans[target]!.forEach((n, i) => {
      if (n > 0) notes[String(denoms[i]!.denomination)] = (notes[String(denoms[i]!.denomination)] ?? 0) + n;
    });
    return notes;
  };

  const notes = solve(true);
  if (notes) return { ok: true, notes };
  // Possible with full cassettes but not with what is left: the dispenser is short of notes.
  return { ok: false, reason: solve(false) ? 'short' : 'cannot-make-amount' };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
