/**
 * `atm-rig seed --customers N`: a synthetic population for load runs (names, phones, cards, PINs, ten fingers,
 * balances with a ledger history), the same customers for the same seed, and their test credentials beside the
 * bank (`population-credentials.ndjson`, mode 0600: test data, never printed).
 *
 * Every PIN is stored as scrypt with a salt of its own (from the CSPRNG), like any other secret: no hash is shared
 * or precomputed. That is most of the work, so it is spread over every core: hashes run in Node's thread pool
 * while the main thread makes the next customers' fingers and writes the last batch (one transaction per thousand
 * customers). The cost is the caller's choice (`--hash-cost`, default the test cost CHEAP_HASH_COST); what it costs
 * in time is in docs/performance.md.
 */
import { open } from 'node:fs/promises';
import { createRandom, DIGITS } from '../core/random.ts';
import { synthTemplate } from '../devices/fingerprint/template.ts';
import { hashSecret, type HashCost } from './bank/secrets.ts';
import type { BankService, ImportedCustomer } from './bank/service.ts';
import { populationStream, type PopulationRange, type SyntheticCustomer } from './population.ts';

/** Load populations: ids from C1000000, phones +26096 1000000 on (apart from the demo's C1000 and +26097…). */
export const LOAD_RANGE: PopulationRange = { firstId: 1_000_000, phones: { prefix: '+26096', first: 1_000_000 } };
const BATCH = 1000;
/** Changes when the same seed would make other customers (the bench's cache of populations keys on it). */
export const POPULATION_VERSION = 1;

/** One line of the credentials file. */
export interface PopulationCredential {
  id: string;
  pin: string;
  pan: string;
  phone: string;
  account: string;
  /** Every customer has fingers 1-10 enrolled (templates from devices/fingerprint/template.ts). */
  fingers: number;
}

export interface PopulationOptions {
  customers: number;
  seed: number;
  hashCost: HashCost;
  /** Where to write the credentials (NDJSON, mode 0600); none when undefined. */
  credentialsFile?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface PopulationReport {
  /** Customers added; those whose id or card the bank already had are left as they were. */
  added: number;
  skipped: number;
}

interface Batch {
  people: (ImportedCustomer & { pin: string })[];
}

export async function seedPopulation(bank: BankService, options: PopulationOptions): Promise<PopulationReport> {
  const stream = populationStream(options.seed, LOAD_RANGE);
  const pins = createRandom(options.seed).fork('pins');
  const credentials = options.credentialsFile ? await open(options.credentialsFile, 'w', 0o600) : undefined;
  const prepare = (size: number): Promise<Batch> => {
    const people = Array.from({ length: size }, () => withFingers(stream.next().value, pins.string(4, DIGITS)));
    // The hashes go to the thread pool now; the caller writes the previous batch meanwhile.
    return Promise.all(people.map((p) => hashSecret(p.pin, options.hashCost))).then((hashes) => ({
      people: people.map((p, i) => ({ ...p, pinHash: hashes[i]! })),
    }));
  };
  const report: PopulationReport = { added: 0, skipped: 0 };
  try {
    let next: Promise<Batch> | undefined = prepare(Math.min(BATCH, options.customers));
    for (let done = 0; next;) {
      const batch: Batch = await next;
      done += batch.people.length;
      next = done < options.customers ? prepare(Math.min(BATCH, options.customers - done)) : undefined;
      const added = new Set(await bank.importCustomers(batch.people));
      report.added += added.size;
      report.skipped += batch.people.length - added.size;
      if (credentials)
        await credentials.write(
          credentialLines(
            bank,
            batch.people.filter((p) => added.has(p.id)),
          ),
        );
      options.onProgress?.(done, options.customers);
    }
  } finally {
    await credentials?.close();
  }
  return report;
}

function withFingers(c: SyntheticCustomer, pin: string): ImportedCustomer & { pin: string } {
  return { ...c, pin, fingers: Array.from({ length: 10 }, (_, i) => ({ finger: i + 1, template: synthTemplate(c.id, i + 1) })) };
}

function credentialLines(bank: BankService, people: Batch['people']): string {
  return people
    .map((p) => {
      const line: PopulationCredential = {
        id: p.id,
        pin: p.pin,
        pan: p.pan,
        phone: p.kyc.phone,
        account: bank.records.accountOf(p.id)!.number,
        fingers: 10,
      };
      return JSON.stringify(line) + '\n';
    })
    .join('');
}
