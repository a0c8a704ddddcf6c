/**
 * A synthetic customer population for the privacy export (the privacy design generated its dataset with Faker):
 * deterministic from a seed, so every rig has the same population. No secrets or fingers: these customers never
 * use the ATM; they exist so that a k-anonymous export has something to hide in.
 */
import { createRandom, DIGITS, type Random } from '../core/random.ts';
import { luhnDigit } from './bank/service.ts';

const FIRST = [
  'Mwila',
  'Chanda',
  'Mutale',
  'Bupe',
  'Kabwe',
  'Natasha',
  'Joseph',
  'Grace',
  'Peter',
  'Ruth',
  'Daniel',
  'Esther',
  'Moses',
  'Agnes',
  'Brian',
  'Loveness',
  'Kelvin',
  'Memory',
  'Emmanuel',
  'Precious',
];
const LAST = [
  'Banda',
  'Phiri',
  'Mwale',
  'Tembo',
  'Zulu',
  'Mulenga',
  'Chilufya',
  'Sakala',
  'Lungu',
  'Ngoma',
  'Daka',
  'Kunda',
  'Musonda',
  'Bwalya',
  'Chisenga',
];
const CITIES = [
  'Lusaka',
  'Lusaka',
  'Lusaka',
  'Kitwe',
  'Ndola',
  'Kitwe',
  'Livingstone',
  'Kabwe',
  'Chingola',
  'Chipata',
  'Kasama',
  'Solwezi',
  'Mongu',
  'Mansa',
  'Kafue',
  'Choma',
];
const GENDERS = ['female', 'male', 'female', 'male', 'undisclosed'] as const;
const PROVIDERS = ['visa', 'visa', 'mastercard', 'unionpay', 'local'] as const;
const PREFIX = { visa: '4', mastercard: '51', unionpay: '62', local: '9' } as const;

export interface SyntheticCustomer {
  id: string;
  kyc: { name: string; phone: string; email: string; address: string; city: string; gender: (typeof GENDERS)[number]; dateOfBirth: string };
  provider: (typeof PROVIDERS)[number];
  pan: string;
  /** Signed minor units, oldest first; they add up to the balance. */
  transactions: { type: 'deposit' | 'withdrawal' | 'transfer-in' | 'transfer-out'; amount: number; daysAgo: number }[];
}

export const POPULATION_FIRST_ID = 1000;

/** Where a population's ids and phone numbers start: each population its own range, so that no two customers
 *  share a phone (whose inbox would show one the other's codes). */
export interface PopulationRange {
  firstId: number;
  /** The phone numbers: `prefix` and then `first + i`, seven digits. */
  phones: { prefix: string; first: number };
}

/** The privacy export's population (`seedDemo`). */
export const DEMO_RANGE: PopulationRange = { firstId: POPULATION_FIRST_ID, phones: { prefix: '+26097', first: 2_000_000 } };

export function syntheticPopulation(size: number, seed = 20240813): SyntheticCustomer[] {
  const customers = populationStream(seed, DEMO_RANGE);
  return Array.from({ length: size }, () => customers.next().value as SyntheticCustomer);
}

/** An endless population, customer after customer, the same for the same seed and range. */
export function* populationStream(seed: number, range: PopulationRange): Generator<SyntheticCustomer, never> {
  const r = createRandom(seed).fork('population');
  for (let i = 0; ; i++) yield customer(r, i, range);
}

function customer(r: Random, i: number, range: PopulationRange): SyntheticCustomer {
  const first = FIRST[r.int(0, FIRST.length - 1)]!;
  const last = LAST[r.int(0, LAST.length - 1)]!;
  const provider = PROVIDERS[r.int(0, PROVIDERS.length - 1)]!;
  const body = PREFIX[provider] + r.string(15 - PREFIX[provider].length, DIGITS);
  const year = r.int(1950, 2005);
  const month = String(r.int(1, 12)).padStart(2, '0');
  const day = String(r.int(1, 28)).padStart(2, '0');
  const transactions: SyntheticCustomer['transactions'] = [{ type: 'deposit', amount: r.int(10, 2000) * 1000, daysAgo: r.int(60, 365) }];
  let balance = transactions[0]!.amount;
  for (let t = r.int(0, 4); t > 0; t--) {
    const out = r.next() < 0.6;
    const amount = r.int(1, 40) * 5000;
    if (out && amount > balance) continue;
    transactions.push({
      type: out ? (r.next() < 0.8 ? 'withdrawal' : 'transfer-out') : r.next() < 0.7 ? 'deposit' : 'transfer-in',
      amount: out ? -amount : amount,
      daysAgo: r.int(1, 59),
    });
    balance += out ? -amount : amount;
  }
  transactions.sort((a, b) => b.daysAgo - a.daysAgo);
  return {
    id: `C${range.firstId + i}`,
    kyc: {
      name: `${first} ${last}`,
      phone: `${range.phones.prefix}${String(range.phones.first + i).padStart(7, '0')}`,
      email: `${first}.${last}.${i}@example.test`.toLowerCase(),
      address: `${r.int(1, 400)} ${['Cairo Road', 'Great East Road', 'Independence Avenue', 'Kafue Road', 'Freedom Way'][r.int(0, 4)]}`,
      city: CITIES[r.int(0, CITIES.length - 1)]!,
      gender: GENDERS[r.int(0, GENDERS.length - 1)]!,
      dateOfBirth: `${year}-${month}-${day}`,
    },
    provider,
    pan: body + luhnDigit(body),
    transactions,
  };
}
