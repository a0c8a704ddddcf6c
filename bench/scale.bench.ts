/**
 * Sessions at 1, 10, 50 and 200 ATMs (`npm run bench`, bench/run.ts): a rig of that many virtual seed001 ATMs on a
 * copy of a seeded population (SQLite), one simulated customer per ATM running happy sessions back to back over MQTT
 * and HTTP: what `atm-rig load` runs (rig/load/run-load.ts). Beside each row, its median over the in-process
 * baseline's on a copy of the same population (populationBaseline): the same bank, its durable writes included.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseMix } from '../rig/load/mix.ts';
import { runLoad, type LoadOptions, type SessionResult } from '../rig/load/run-load.ts';
import { statsOf } from '../rig/load/stats.ts';
import { CHEAP_HASH_COST } from '../rig/bank/secrets.ts';
import { loadProfile } from '../rig/load/load-target.ts';
import { LOAD_AMOUNT } from '../rig/load/session-kinds.ts';
import { createBankService } from '../rig/bank/index.ts';
import { inProcessSessions } from './in-process.ts';
import { populationBank } from './populations.ts';

/**
 * The in-process machine on a copy of the 10,000-customer population (SQLite, as the rows), over the customers who
 * can pay, one after another: its median session, and the CPU a session takes on every thread of the process (the
 * hashes run on the thread pool), after WARM_UP sessions (the JIT, and the 1:N index the bank builds at start: the
 * first sixty sessions took a fifth more CPU than the next).
 */
export async function populationBaseline(n = 60): Promise<{ p50: number; sessions: number; cpuMsPerSession: number }> {
  const population = await populationBank(10_000);
  const bank = await createBankService({ file: population.file, hashCost: CHEAP_HASH_COST, dailyWithdrawalLimit: 1e9 });
  try {
    const canPay = population.credentials
      .filter((c) => bank.records.account(c.account) && bank.account(c.account).available >= 2 * LOAD_AMOUNT)
      .slice(0, n + WARM_UP);
    const o = { profile: loadProfile(), amount: LOAD_AMOUNT / 100 };
    await inProcessSessions(bank, canPay.slice(n), { ...o, n: WARM_UP });
    const before = process.cpuUsage();
    const durations = await inProcessSessions(bank, canPay.slice(0, n), { ...o, n });
    const cpu = process.cpuUsage(before);
    const sorted = durations.sort((a, b) => a - b);
    return {
      p50: +sorted[Math.floor(sorted.length / 2)]!.toFixed(1),
      sessions: sorted.length,
      cpuMsPerSession: +((cpu.user + cpu.system) / 1000 / n).toFixed(1),
    };
  } finally {
    await bank.close();
    await rm(dirname(population.file), { recursive: true, force: true });
  }
}

/** Sessions each side runs before it is measured: the in-process machine, and a rig before the first row. */
export const WARM_UP = 20;

/** The figures of a row of load sessions, beside the in-process machine's median on the same bank. */
export interface LoadFigures {
  sessions: number;
  errors: number;
  'sessions/s': number;
  'p50 ms': number;
  'p99 ms': number;
  'x in-process p50': number;
}

export function loadFigures(run: { results: SessionResult[]; elapsedMs: number }, inProcessP50: number): LoadFigures {
  const s = statsOf(run.results, run.elapsedMs);
  return {
    sessions: s.sessions,
    errors: s.errors,
    'sessions/s': s.perSecond,
    'p50 ms': s.p50,
    'p99 ms': s.p99,
    'x in-process p50': +(s.p50 / inProcessP50).toFixed(1),
  };
}

export type ScaleRow = { ATMs: number } & LoadFigures & { 'rig up s': number };

/** Sessions per row: enough for each ATM to run a few, so the figures are of a steady run, not of its start. */
export const sessionsFor = (atms: number) => Math.max(60, atms * 3);

export async function scaleBench(atmCounts: readonly number[], inProcessP50: number, onRow?: (row: ScaleRow) => void): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  // The rig's code warmed as the in-process machine's is (the JIT is the process's, whichever rig runs next).
  await warmRig();
  for (const atms of atmCounts) {
    const { run, upMs } = await happyLoad(10_000, { atms, sessions: sessionsFor(atms), seed: 1 });
    const row: ScaleRow = { ATMs: atms, ...loadFigures(run, inProcessP50), 'rig up s': +(upMs / 1000).toFixed(1) };
    onRow?.(row);
    rows.push(row);
  }
  return rows;
}

/** WARM_UP sessions at one ATM on a rig of their own, not measured. */
async function warmRig(): Promise<void> {
  await happyLoad(10_000, { atms: 1, sessions: WARM_UP, seed: 2 });
}

/**
 * Happy sessions on a rig of the run's own, on a fresh copy of a seeded population (removed after): what `atm-rig
 * load` runs. The run (its rig closed), and how long the rig took to come up.
 */
export async function happyLoad(
  customers: number,
  o: Pick<LoadOptions, 'atms' | 'seed' | 'sessions' | 'durationMs' | 'rate' | 'onProgress'>,
): Promise<{ run: Awaited<ReturnType<typeof runLoad>>; upMs: number }> {
  const population = await populationBank(customers);
  try {
    const t0 = performance.now();
    const run = await runLoad({ ...o, data: population.file, mix: parseMix('happy=1'), hashLogN: CHEAP_HASH_COST.logN });
    const upMs = performance.now() - t0 - run.elapsedMs;
    await run.target.close();
    return { run, upMs };
  } finally {
    await rm(dirname(population.file), { recursive: true, force: true });
  }
}
