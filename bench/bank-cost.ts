/**
 * The bank's cost per seed001 session at several population sizes: in process (no HTTP), each on a copy of a
 * seeded bank (SQLite, or the smallest copied into a JSON file), the bank calls a cardless session makes: identify
 * the finger 1:N, check the PIN, issue and check the OTP, reserve and commit a withdrawal, end the session. Hashing
 * at the test cost (the PINs too). The sizes take turns, session by session, so that whatever else the machine does
 * weighs on all of them alike: the ratio between sizes is what the bench is for. Figures only.
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

export interface OpenPopulation {
  customers: number;
  store: BankCostRow['store'];
  bank: BankService;
  credentials: PopulationCredential[];
  seededIn?: number;
  indexSeconds: number;
}

const SEQUENTIAL = 150;
const IDENTIFY = 1000;
const CONCURRENT = 8;
const PER_WORKER = 10;

export async function openPopulation(customers: number, store: BankCostRow['store'] = 'sqlite'): Promise<OpenPopulation> {
  const population = await populationBank(customers);
  const file = store === 'json' ? population.file.replace(/\.sqlite$/, '.json') : population.file;
  if (store === 'json') await copyBank(population.file, file);
  const bank = await createBankService({ file, seed: 1, hashCost: CHEAP_HASH_COST, dailyWithdrawalLimit: 1e12 });
  const started = performance.now();
  await bank.prepareFingerIndex();
  const indexSeconds = (performance.now() - started) / 1000;
  return { customers, store, bank, credentials: population.credentials, seededIn: population.seededIn, indexSeconds };
}

/** One row per population, measured in turns. */
export async function bankCosts(populations: OpenPopulation[]): Promise<BankCostRow[]> {
  const plans = await Promise.all(populations.map(plan));
  const identifyMs = populations.map(() => 0);
  for (let i = 0; i < IDENTIFY; i++)
    populations.forEach((p, k) => {
      const c = plans[k]!.picks[i % SEQUENTIAL]!;
      const probe = synthTemplate(c.id, 1 + (i % 10));
      const t0 = performance.now();
      p.bank.matchFingerprint(probe);
      identifyMs[k]! += performance.now() - t0;
    });
  const durations: number[][] = populations.map(() => []);
  for (let i = 0; i < SEQUENTIAL; i++)
    for (const [k, p] of populations.entries()) {
      const t0 = performance.now();
      await session(p.bank, plans[k]!.picks[i]!, `atm-${i % 4}`, 1 + ((i * 7) % 10));
      durations[k]!.push(performance.now() - t0);
    }
  // Eight ATMs at once, each size in turn, twice (forwards, then backwards).
  const concurrent = populations.map(() => ({ ms: 0, sessions: 0, batches: 0, operations: 0 }));
  for (const order of [populations.keys(), [...populations.keys()].reverse()])
    for (const k of order) {
      const { bank } = populations[k]!;
      const before = { ...bank.stats };
      const t0 = performance.now();
      await Promise.all(
        plans[k]!.lanes.map(async (lane, w) => {
          for (const [i, c] of lane.entries()) await session(bank, c, `atm-c${w}`, 1 + ((i + w) % 10));
        }),
      );
      const c = concurrent[k]!;
      c.ms += performance.now() - t0;
      c.sessions += CONCURRENT * PER_WORKER;
      c.batches += bank.stats.batches - before.batches;
      c.operations += bank.stats.operations - before.operations;
    }
  return populations.map((p, k) => {
    const sorted = durations[k]!.sort((a, b) => a - b);
    const c = concurrent[k]!;
    return {
      customers: p.customers,
      store: p.store,
      'session ms p50': round(sorted[Math.floor(sorted.length / 2)]!),
      'session ms p99': round(sorted[Math.floor(sorted.length * 0.99)]!),
      'identify 1:N µs': round((identifyMs[k]! * 1000) / IDENTIFY),
      'sessions/s, 8 at once': round(c.sessions / (c.ms / 1000)),
      'ops per fsync': round(c.operations / Math.max(1, c.batches)),
      'index load s': round(p.indexSeconds),
      'seeded in s': p.seededIn !== undefined ? round(p.seededIn) : 'cached',
    };
  });
}

/** Who each session is: random customers for the sessions one at a time, eight lanes of their own for the
 *  concurrent ones (one session per customer at a time, as the bank enforces), each funded beforehand. */
async function plan(p: OpenPopulation): Promise<{ picks: PopulationCredential[]; lanes: PopulationCredential[][] }> {
  const random = createRandom(p.customers);
  const people = p.credentials;
  const picks = Array.from({ length: SEQUENTIAL }, () => people[random.int(0, people.length - 1)]!);
  const lanes = Array.from({ length: CONCURRENT }, (_, w) =>
    Array.from({ length: PER_WORKER }, (_, i) => people[(w + CONCURRENT * i * 7919) % people.length]!),
  );
  for (const c of new Set([...picks, ...lanes.flat()])) await p.bank.adjust(c.account, 100_000_000, 'bench float');
  return { picks, lanes };
}

async function session(bank: BankService, c: PopulationCredential, atm: string, finger: number): Promise<void> {
  // (A synthetic finger may be another customer's too: biometrics.ts counts those; the session goes on as hers.)
  const who = bank.matchFingerprint(synthTemplate(c.id, finger), undefined, atm);
  if (!who.ok) throw new Error(`bench: ${c.id} finger ${finger} not identified (${who.reason})`);
  const pin = await bank.verifySecret(c.id, 'pin', c.pin, atm);
  if (!pin.ok) throw new Error(`bench: ${c.id}'s PIN refused (${pin.reason})`);
  const otp = await bank.issueOtp(c.id, { length: 6, alphabet: 'digits', ttlSeconds: 120 });
  if (!(await bank.verifyOtp(otp.otpId, otp.code)).ok) throw new Error('bench: OTP refused');
  const w = await bank.reserveWithdrawal(c.account, 5_000, `bench-${atm}-${otp.otpId}`);
  await bank.commitWithdrawal(w.withdrawalId);
  bank.openSessions.release(atm);
}

const round = (n: number) => (n >= 100 ? Math.round(n) : +n.toFixed(n >= 10 ? 1 : 2));
