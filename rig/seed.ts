/**
 * Deterministic demo customers with known test credentials. Seeding is idempotent: it (re)creates exactly
 * these customers with these balances, secrets and fingers, and leaves every other customer alone (a demo
 * customer whose id, username or card another customer has is skipped and reported), so `npm start` can be run
 * again and again on the same data file, including one that holds real customers.
 */
import { synthTemplate } from '../devices/fingerprint/template.ts';
import { mask, type Customer } from './bank/model.ts';
import type { BankService, KycInput } from './bank/service.ts';
import { syntheticPopulation } from './population.ts';

export interface DemoCustomer {
  id: string;
  kyc: KycInput;
  username: string;
  pin: string;
  password: string;
  /** Opening balance in minor units. */
  balance: number;
  provider: 'visa' | 'mastercard' | 'unionpay' | 'local';
  pan: string;
}

/** The PIN 1991 is the one in the random-finger paper's Table II (and 1965 the wrong one tried there). */
export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  {
    id: 'C0001',
    kyc: {
      name: 'Alice Banda',
      phone: '+260971000001',
      email: 'alice@example.test',
      address: '12 Cairo Road',
      city: 'Lusaka',
      gender: 'female',
      dateOfBirth: '1991-04-12',
    },
    username: 'ALICE',
    pin: '1991',
    password: 'ABC123',
    balance: 500_000,
    provider: 'visa',
    pan: '4000001234567899',
  },
  {
    id: 'C0002',
    kyc: {
      name: 'Bwalya Mwale',
      phone: '+260971000002',
      email: 'bwalya@example.test',
      address: '4 Freedom Way',
      city: 'Kitwe',
      gender: 'male',
      dateOfBirth: '1984-09-30',
    },
    username: 'BWALYA',
    pin: '2468',
    password: 'XYZ789',
    balance: 12_000,
    provider: 'mastercard',
    pan: '5100001234567892',
  },
  {
    id: 'C0003',
    kyc: {
      name: 'Chipo Phiri',
      phone: '+260971000003',
      email: 'chipo@example.test',
      address: '9 Independence Ave',
      city: 'Ndola',
      gender: 'female',
      dateOfBirth: '2000-01-05',
    },
    username: 'CHIPO',
    pin: '1357',
    password: 'Q1W2E3',
    balance: 2_500_000,
    provider: 'unionpay',
    pan: '6200001234567893',
  },
];

/** How many synthetic customers the demo data holds besides the three demo customers (for the privacy export). */
export const DEMO_POPULATION = 200;

export interface SeedReport {
  /** Demo customers created or reset. */
  seeded: DemoCustomer[];
  /** Demo customers left out because somebody else's customer has their id, username or card. */
  skipped: { id: string; why: string }[];
}

/** A demo customer's record: marked by the seed, or (files from before the mark) the demo's own name and e-mail. */
function isDemoRecord(existing: Customer, c: DemoCustomer): boolean {
  return (
    existing.seededBy === 'demo' || (existing.seededBy === undefined && existing.name === c.kyc.name && existing.email === c.kyc.email)
  );
}

/** Why this demo customer cannot be seeded without touching a customer the seed did not create, if it cannot. */
function clash(bank: BankService, c: DemoCustomer): string | undefined {
  const existing = bank.records.customer(c.id);
  if (existing && !isDemoRecord(existing, c)) return `customer ${c.id} exists and was not created by the demo seed`;
  const named = bank.records.customerByUsername(c.username);
  if (named && named.id !== c.id) return `username ${c.username} belongs to customer ${named.id}`;
  const card = bank.records.card(c.pan);
  if (card && card.customerId !== c.id) return `card ${mask(c.pan)} belongs to customer ${card.customerId}`;
  return undefined;
}

/** Create or reset the demo customers, never touching a customer the seed did not create. A reset keeps the
 *  money a pending withdrawal holds covered: the available balance becomes the demo figure. */
export async function seedDemo(
  bank: BankService,
  customers: readonly DemoCustomer[] = DEMO_CUSTOMERS,
  population = DEMO_POPULATION,
): Promise<SeedReport> {
  if (population > 0) await bank.importCustomers(syntheticPopulation(population));
  const report: SeedReport = { seeded: [], skipped: [] };
  for (const c of customers) {
    const why = clash(bank, c);
    if (why) {
      report.skipped.push({ id: c.id, why });
      continue;
    }
    if (!bank.records.customer(c.id)) {
      await bank.openCustomer(c.kyc, { customerId: c.id, username: c.username, seededBy: 'demo' });
    } else {
      await bank.markSeeded(c.id, 'demo');
      await bank.setUsername(c.id, c.username);
    }
    const account = bank.account(bank.records.accountOf(c.id)!.number);
    // Through the ledger, so the ledger still sums to the balance; held money stays covered.
    const delta = c.balance - account.available;
    if (delta !== 0) await bank.adjust(account.number, delta, `seed ${c.id}`);
    await bank.setSecret(c.id, 'pin', c.pin);
    await bank.setSecret(c.id, 'password', c.password);
    await bank.enrolFingers(
      c.id,
      Array.from({ length: 10 }, (_, i) => ({ finger: i + 1, template: synthTemplate(c.id, i + 1) })),
    );
    if (!bank.records.card(c.pan)) await bank.issueCard(c.id, c.provider, c.pan);
    report.seeded.push(c);
  }
  return report;
}
