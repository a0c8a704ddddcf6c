/**
 * The bank's cost per seed001 session at a population size: in process (no HTTP), on a copy of a seeded bank
 * (SQLite, or the same copied into a JSON file), the bank calls a cardless session makes: identify the finger 1:N, check the PIN, issue and check the OTP,
 * reserve and commit a withdrawal, end the session. Hashing at the test cost (the PINs too). Figures only.
 */
import { createRandom } from '../core/random.ts';
import { synthTemplate } from '../devices/fingerprint/template.ts';
import { copyBank } from '../rig/bank/copy.ts';
import { createBankService } from '../rig/bank/index.ts';
import { CHEAP_HASH_COST } from '../rig/bank/secrets.ts';
import type { BankService } from '../rig/bank/service.ts';
import type { PopulationCredential } from '../rig/population-seed.ts';
import { populationBank } from './populations.ts';

export interface BankCostRow {
  customers: number;
  store: 'sqlite' | 'json';
  'session ms p50': number;
  'session ms p99': number;
  'identify 1:N µs': number;
  'sessions/s, 8 at once': number;
  'ops per fsync': number;
  'index load s': number;
  'seeded in s': number | string;
}

const SEQUENTIAL = 150;
const CONCURRENT = 8;
const PER_WORKER = 20;

export async function bankCost(
  customers: number,
  store: BankCostRow['store'] = 'sqlite',
): Promise<{ row: BankCostRow; bank: BankService; credentials: PopulationCredential[] }> {
  const population = await populationBank(customers);
  const file = store === 'json' ? population.file.replace(/\.sqlite$/, '.json') : population.file;
  if (store === 'json') await copyBank(population.file, file);
  const bank = await createBankService({ file, seed: 1, hashCost: CHEAP_HASH_COST, dailyWithdrawalLimit: 1e12 });
  const random = createRandom(customers);
  const pick = () => population.credentials[random.int(0, population.credentials.length - 1)]!;

  let started = performance.now();
  await bank.prepareFingerIndex();
  const indexSeconds = (performance.now() - started) / 1000;

  const identifyRuns = 1000;
  started = performance.now();
  for (let i = 0; i < identifyRuns; i++) {
    const c = pick();
    bank.matchFingerprint(synthTemplate(c.id, random.int(1, 10)));
  }
  const identifyMicros = ((performance.now() - started) * 1000) / identifyRuns;

  const picks = Array.from({ length: SEQUENTIAL }, pick);
  // Each worker its own customers (one session per customer at a time, as the bank enforces).
  const lanes = Array.from({ length: CONCURRENT }, (_, w) =>
    Array.from({ length: PER_WORKER }, (_, i) => population.credentials[(w + CONCURRENT * i * 7919) % population.credentials.length]!),
  );
  // Money for every withdrawal, before the clock starts.
  for (const c of new Set([...picks, ...lanes.flat()])) await bank.adjust(c.account, 100_000_000, 'bench float');

  const durations: number[] = [];
  for (const [i, c] of picks.entries()) {
    const t0 = performance.now();
    await session(bank, c, `atm-${i % 4}`, random.int(1, 10));
    durations.push(performance.now() - t0);
  }
  durations.sort((a, b) => a - b);

  const before = bank.stats;
  const [batches, operations] = [before.batches, before.operations];
  started = performance.now();
  await Promise.all(
    lanes.map(async (lane, w) => {
      for (const [i, c] of lane.entries()) await session(bank, c, `atm-c${w}`, 1 + ((i + w) % 10));
    }),
  );
  const concurrentRate = (CONCURRENT * PER_WORKER) / ((performance.now() - started) / 1000);
  const fsyncs = bank.stats.batches - batches;
  const row: BankCostRow = {
    customers,
    store,
    'session ms p50': round(durations[Math.floor(durations.length / 2)]!),
    'session ms p99': round(durations[Math.floor(durations.length * 0.99)]!),
    'identify 1:N µs': round(identifyMicros),
    'sessions/s, 8 at once': round(concurrentRate),
    'ops per fsync': round((bank.stats.operations - operations) / Math.max(1, fsyncs)),
    'index load s': round(indexSeconds),
    'seeded in s': population.seededIn !== undefined ? round(population.seededIn) : 'cached',
  };
  return { row, bank, credentials: population.credentials };
}

async function session(bank: BankService, c: PopulationCredential, atm: string, finger: number): Promise<void> {
  const who = bank.matchFingerprint(synthTemplate(c.id, finger), undefined, atm);
  if (!who.ok || who.customerId !== c.id) throw new Error(`bench: ${c.id} finger ${finger} not identified (${JSON.stringify(who)})`);
  const pin = await bank.verifySecret(c.id, 'pin', c.pin, atm);
  if (!pin.ok) throw new Error(`bench: ${c.id}'s PIN refused (${pin.reason})`);
  const otp = await bank.issueOtp(c.id, { length: 6, alphabet: 'digits', ttlSeconds: 120 });
  if (!(await bank.verifyOtp(otp.otpId, otp.code)).ok) throw new Error('bench: OTP refused');
  const w = await bank.reserveWithdrawal(c.account, 5_000, `bench-${atm}-${otp.otpId}`);
  await bank.commitWithdrawal(w.withdrawalId);
  bank.openSessions.release(atm);
}

const round = (n: number) => (n >= 100 ? Math.round(n) : +n.toFixed(n >= 10 ? 1 : 2));
