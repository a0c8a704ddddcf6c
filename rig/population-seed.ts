/**
 * `atm-rig seed --customers N`: a synthetic population for load runs (names, phones, cards, PINs, ten fingers,
 * balances with a ledger history), the same customers for the same seed, and their test credentials beside the
 * bank (`population-credentials.ndjson`, mode 0600: test data, never printed).
 *
 * Every PIN is stored as scrypt with a salt of its own (from the CSPRNG), like any other secret: no hash is shared
 * or precomputed. That and the fingers are most of the work, so they are made off this thread: a worker
 * (population-maker.ts) makes the customers and their fingers a thousand at a time, its hashes spread over every
 * core by Node's thread pool, while this thread writes the batch before (one transaction per thousand). The cost is the caller's choice (`--hash-cost`, default the test cost CHEAP_HASH_COST); what it costs
 * in time is in docs/performance.md.
 */
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { parseJson } from '../core/json.ts';
import { strictObject } from '../core/strict-schema.ts';
import { AccountNumber, CustomerId, Msisdn, Pan, Pin } from './bank/model.ts';
import type { HashCost } from './bank/secrets.ts';
import type { BankService } from './bank/service.ts';
import type { PopulationRange } from './population.ts';
import type { MadeCustomer, MakerOptions } from './population-maker.ts';

/** Load populations: ids from C1000000, phones +26096 1000000 on (apart from the demo's C1000 and +26097…). */
export const LOAD_RANGE: PopulationRange = { firstId: 1_000_000, phones: { prefix: '+26096', first: 1_000_000 } };
const BATCH = 1000;
/** Changes when the same seed would make other customers (the bench's cache of populations keys on it). */
export const POPULATION_VERSION = 1;

/** One line of the credentials file: what a load run reads back (with this schema: unknown keys are errors). */
export const PopulationCredentialSchema = strictObject({
  id: CustomerId,
  pin: Pin,
  pan: Pan,
  phone: Msisdn,
  account: AccountNumber,
  /** Every customer has fingers 1-10 enrolled (templates from devices/fingerprint/template.ts). */
  fingers: z.literal(10),
});
export type PopulationCredential = z.infer<typeof PopulationCredentialSchema>;

/** The credentials file's lines, each checked. */
/** Where a population's test credentials are kept: beside its bank file (what atm-rig seed writes, atm-rig load reads). */
export const credentialsFileOf = (bankFile: string) => join(dirname(bankFile), 'population-credentials.ndjson');

export function parseCredentials(text: string, file: string): PopulationCredential[] {
  return text
    .trim()
    .split('\n')
    .map((line, i) => {
      const parsed = PopulationCredentialSchema.safeParse(parseJson(line, `${file}:${i + 1}`, 'a credential'));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: not a population credential: ${z.prettifyError(parsed.error)}`);
      return parsed.data;
    });
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

export async function seedPopulation(bank: BankService, options: PopulationOptions): Promise<PopulationReport> {
  const maker: MakerOptions = {
    seed: options.seed,
    customers: options.customers,
    hashCost: options.hashCost,
    range: LOAD_RANGE,
    batch: BATCH,
  };
  // Through rig/ from the project root: this module may run bundled from dist/ (rig/bin.js), a sibling of rig/.
  const worker = new Worker(new URL('../rig/population-worker.js', import.meta.url), { workerData: maker });
  const batches = batchesFrom(worker);
  const credentials = options.credentialsFile ? await open(options.credentialsFile, 'w', 0o600) : undefined;
  const report: PopulationReport = { added: 0, skipped: 0 };
  try {
    for (let done = 0; done < options.customers;) {
      const people = await batches.next();
      worker.postMessage('more');
      const added = new Set(await bank.importCustomers(people));
      report.added += added.size;
      report.skipped += people.length - added.size;
      if (credentials)
        await credentials.write(
          credentialLines(
            bank,
            people.filter((p) => added.has(p.id)),
          ),
        );
      done += people.length;
      options.onProgress?.(done, options.customers);
    }
  } finally {
    await credentials?.close();
    await worker.terminate();
  }
  return report;
}

/** The worker's batches, in order, a promise each; its failure rejects the next. */
function batchesFrom(worker: Worker): { next(): Promise<MadeCustomer[]> } {
  const ready: MadeCustomer[][] = [];
  const waiting: { resolve: (b: MadeCustomer[]) => void; reject: (e: Error) => void }[] = [];
  let failed: Error | undefined;
  worker.on('message', (people: MadeCustomer[] | null) => {
    if (!people) return;
    const w = waiting.shift();
    if (w) w.resolve(people);
    else ready.push(people);
  });
  const fail = (err: Error) => {
    failed = err;
    for (const w of waiting.splice(0)) w.reject(err);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => code !== 0 && fail(new Error(`the population worker stopped (exit code ${code})`)));
  return {
    next: () =>
      ready.length > 0
        ? Promise.resolve(ready.shift()!)
        : failed
          ? Promise.reject(failed)
          : new Promise((resolve, reject) => waiting.push({ resolve, reject })),
  };
}

function credentialLines(bank: BankService, people: MadeCustomer[]): string {
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
