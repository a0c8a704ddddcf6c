// The k-anonymised export: Flash against an exhaustive search, k-anonymity of the output checked on the file
// alone, and no direct identifier ever written.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../core/random.ts';
import { createBankService } from '../bank/index.ts';
import { CHEAP_HASH_COST } from '../bank/secrets.ts';
import { seedDemo, DEMO_CUSTOMERS } from '../seed.ts';
import { anonymise, classSizesOfCsv, loadHierarchies, quasiIdentifiers, toCsv, type CustomerQi } from './export.ts';
import { allNodes, exhaustive, flash, type Node } from './flash.ts';
import { generalise, type Hierarchy } from './hierarchy.ts';

describe('hierarchies', () => {
  it('generalise intervals, masks and maps up to "*"', () => {
    const age: Hierarchy = { type: 'interval', widths: [5, 10], origin: 0 };
    expect([0, 1, 2, 3].map((l) => generalise(age, '37', l))).toEqual(['37', '35-39', '30-39', '*']);
    const pan: Hierarchy = { type: 'mask', masked: [4, 10] };
    expect([0, 1, 2, 3].map((l) => generalise(pan, '4000001234567899', l))).toEqual([
      '4000001234567899',
      '400000123456****',
      '400000**********',
      '*',
    ]);
    const city: Hierarchy = { type: 'map', levels: [{ Kitwe: 'Copperbelt' }, { Copperbelt: 'Zambia' }] };
    expect([0, 1, 2, 3].map((l) => generalise(city, 'Kitwe', l))).toEqual(['Kitwe', 'Copperbelt', 'Zambia', '*']);
    expect(generalise(city, 'Atlantis', 1)).toBe('*');
  });
});

describe('Flash', () => {
  // Random small problems: Flash must find exactly the node an exhaustive search finds, checking fewer nodes.
  it('finds the same optimum as an exhaustive search on 200 random small lattices', () => {
    const random = createRandom(7);
    let fewer = 0;
    for (let trial = 0; trial < 200; trial++) {
      const heights = Array.from({ length: random.int(2, 4) }, () => random.int(2, 4));
      // A random monotone predicate: anonymous when the weighted levels pass a threshold.
      const weights = heights.map(() => random.int(0, 3));
      const threshold = random.int(0, heights.reduce((s, h, i) => s + (h - 1) * weights[i]!, 0) + 1);
      const problem = { heights, isAnonymous: (n: Node) => n.reduce((s, l, i) => s + l * weights[i]!, 0) >= threshold };
      const a = flash(problem);
      const b = exhaustive(problem);
      expect(a?.node).toEqual(b?.node);
      if (a && b && a.checks < b.checks) fewer++;
    }
    expect(fewer).toBeGreaterThan(150);
  });

  it('says so when no node is anonymous', () => {
    expect(flash({ heights: [3, 3], isAnonymous: () => false })).toBeUndefined();
  });
});

describe('the export', async () => {
  const bank = await createBankService({ file: ':memory:', hashCost: CHEAP_HASH_COST });
  await seedDemo(bank);
  const hierarchies = await loadHierarchies();
  const qis = quasiIdentifiers(bank.records, new Date('2026-11-23T00:00:00Z'));
  const names = Object.keys(hierarchies.quasiIdentifiers);

  it.each([2, 5, 10, 25])('is %i-anonymous, checked on the CSV alone', (k) => {
    const result = anonymise(qis, { k, maxSuppression: 0.05, hierarchies })!;
    expect(result).toBeDefined();
    const csv = toCsv(result.columns, result.rows);
    const sizes = classSizesOfCsv(csv, names);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(k);
    expect(result.suppressed).toBeLessThanOrEqual(Math.floor(0.05 * qis.length));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(qis.length - result.suppressed);
  });

  it('never writes a direct identifier', () => {
    const result = anonymise(qis, { k: 5, maxSuppression: 0.05, hierarchies })!;
    const csv = toCsv(result.columns, result.rows);
    for (const c of bank.snapshot().customers) {
      expect(csv).not.toContain(c.name);
      expect(csv).not.toContain(c.phone);
      expect(csv).not.toContain(c.email);
      expect(csv).not.toContain(c.id + ',');
    }
    for (const a of bank.snapshot().accounts) expect(csv).not.toContain(a.number);
    expect(csv).not.toMatch(/scrypt|\d{16}/);
    expect(csv).not.toContain(DEMO_CUSTOMERS[0]!.pin + ',');
  });

  it('chooses the optimum an exhaustive search finds on the real data (two quasi-identifiers)', () => {
    const small = { quasiIdentifiers: { age: hierarchies.quasiIdentifiers.age!, gender: hierarchies.quasiIdentifiers.gender! } };
    const result = anonymise(qis, { k: 5, maxSuppression: 0, hierarchies: small })!;
    const heights = [5, 2];
    const best = exhaustive({
      heights,
      isAnonymous: (node) => {
        const counts = new Map<string, number>();
        for (const c of qis as CustomerQi[]) {
          const key = `${generalise(small.quasiIdentifiers.age, c.values.age!, node[0]!)}|${generalise(small.quasiIdentifiers.gender, c.values.gender!, node[1]!)}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        return [...counts.values()].every((n) => n >= 5);
      },
    })!;
    expect([result.node.age, result.node.gender]).toEqual(best.node);
    expect(allNodes(heights)).toHaveLength(10);
  });
});
