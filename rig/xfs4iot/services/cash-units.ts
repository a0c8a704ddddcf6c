/**
 * The dispenser's cassettes as XFS4IoT storage units, and amounts between the wire (major units per currency,
 * counts per unit) and the topic contract (minor units, notes per denomination). Cassettes are `unit1`... in the
 * order the dispenser's state lists them; the reject box is `unitReject`.
 */
import type { Cassette } from '../../../core/schemas.ts';

export interface Money {
  currency: string;
  minorDigits: number;
}

export const REJECT_UNIT = 'unitReject';
export const unitOf = (index: number) => `unit${index + 1}`;

/** The cassettes in the dispenser's retained state, as the contract has them. */
export function cassettesOf(state: Record<string, unknown> | undefined): Cassette[] {
  const list = state?.cassettes;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (c): c is Cassette =>
      typeof c === 'object' && c !== null && Number.isInteger((c as Cassette).denomination) && Number.isInteger((c as Cassette).count),
  );
}

export const toMajor = (minor: number, money: Money) => minor / 10 ** money.minorDigits;
/** A major-unit amount in minor units, or undefined when it is not a whole number of them. */
export function toMinor(major: number, money: Money): number | undefined {
  const minor = Math.round(major * 10 ** money.minorDigits);
  return Math.abs(minor - major * 10 ** money.minorDigits) < 1e-6 && Number.isSafeInteger(minor) ? minor : undefined;
}

/** Notes by denomination (minor units) as counts by unit, and the amount they make. */
export function denominationOf(notes: Record<string, number>, cassettes: readonly Cassette[], money: Money) {
  const values: Record<string, number> = {};
  let total = 0;
  for (const [denomination, n] of Object.entries(notes)) {
    const i = cassettes.findIndex((c) => c.denomination === Number(denomination));
    if (i >= 0 && n > 0) values[unitOf(i)] = (values[unitOf(i)] ?? 0) + n;
    total += Number(denomination) * n;
  }
  return { currencies: { [money.currency]: toMajor(total, money) }, values, total };
}

/** Counts by unit as notes by denomination, or undefined when a unit is unknown. */
export function notesOf(values: Record<string, number>, cassettes: readonly Cassette[]): Record<string, number> | undefined {
  const notes: Record<string, number> = {};
  for (const [unit, n] of Object.entries(values)) {
    const c = cassettes[Number(unit.slice(4)) - 1];
    if (!/^unit[1-9]\d*$/.test(unit) || !c) return undefined;
    if (n > 0) notes[String(c.denomination)] = (notes[String(c.denomination)] ?? 0) + n;
  }
  return notes;
}

const itemId = (c: Cassette, money: Money) => `type${money.currency}${toMajor(c.denomination, money)}`;
const counts = (fit: number) => ({ fit, unfit: 0, suspect: 0, counterfeit: 0, inked: 0 });

/** Storage.GetStorage's units. `initial` is each cassette's count when last seen fuller (start or refill). */
export function storageOf(cassettes: readonly Cassette[], initial: ReadonlyMap<number, number>, money: Money) {
  const storage: Record<string, object> = {};
  cassettes.forEach((c, i) => {
    const start = Math.max(initial.get(c.denomination) ?? c.count, c.count);
    const item = itemId(c, money);
    storage[unitOf(i)] = {
      id: `CASS${i + 1}`,
      status: 'ok',
      cash: {
        capabilities: { types: { cashOut: true, reject: false } },
        configuration: { types: { cashOut: true, reject: false }, currency: money.currency, value: toMajor(c.denomination, money) },
        status: {
          initial: { [item]: counts(start) },
          out: { presented: { [item]: counts(start - c.count) }, rejected: {} },
          in: {},
          replenishmentStatus: c.count === 0 ? 'empty' : c.count < 20 ? 'low' : 'ok',
        },
      },
    };
  });
  storage[REJECT_UNIT] = {
    id: 'REJECT',
    status: 'ok',
    cash: {
      capabilities: { types: { cashOut: false, reject: true } },
      configuration: { types: { cashOut: false, reject: true } },
      status: { initial: {}, out: { presented: {}, rejected: {} }, in: {}, replenishmentStatus: 'ok' },
    },
  };
  return storage;
}
