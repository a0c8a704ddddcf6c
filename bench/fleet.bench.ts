/**
 * A fleet (`npm run bench -- --only fleet`, bench/run.ts): a thousand virtual ATMs on one rig in front of the
 * 100,000-customer population, customers arriving at a steady rate, as at a bank's ATMs on an ordinary day
 * (`atm-rig load --atms 1000 --rate R --duration D`). The scale rows keep every ATM busy at once to find the most a
 * rig can do; this asks whether a session at one of a thousand ATMs, at a rate the rig can carry, stays as fast as at
 * a rig of one ATM.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CHEAP_HASH_COST } from '../rig/bank/secrets.ts';
import { parseMix } from '../rig/load/mix.ts';
import { runLoad } from '../rig/load/run-load.ts';
import { progressText, statsOf } from '../rig/load/stats.ts';
import { populationBank } from './populations.ts';

export interface FleetOptions {
  atms: number;
  customers: number;
  /** Sessions started a second, in all. */
  rate: number;
  seconds: number;
}

export interface FleetRow {
  ATMs: number;
  customers: number;
  'rate asked /s': number;
  sessions: number;
  errors: number;
  'sessions/s': number;
  'p50 ms': number;
  'p99 ms': number;
  'started late': number;
  'rig up s': number;
  'RSS MiB': number;
}

export async function fleetBench(o: FleetOptions): Promise<FleetRow> {
  const population = await populationBank(o.customers);
  console.error(`  starting ${o.atms} ATMs (16 at a time), then ${o.seconds} s of sessions`);
  try {
    const t0 = performance.now();
    let rss = 0;
    const run = await runLoad({
      data: population.file,
      atms: o.atms,
      durationMs: o.seconds * 1000,
      rate: o.rate,
      mix: parseMix('happy=1'),
      seed: 1,
      hashLogN: CHEAP_HASH_COST.logN,
      // The memory of the whole fleet at work, taken while it works; a line every 5 s of it.
      onProgress: (results, ms) => {
        rss = Math.max(rss, process.memoryUsage().rss);
        if (Math.round(ms / 1000) % 5 === 0) console.error(`  ${progressText(results, ms)}`);
      },
    });
    const upMs = performance.now() - t0 - run.elapsedMs;
    await run.target.close();
    const s = statsOf(run.results, run.elapsedMs);
    return {
      ATMs: o.atms,
      customers: o.customers,
      'rate asked /s': o.rate,
      sessions: s.sessions,
      errors: s.errors,
      'sessions/s': s.perSecond,
      'p50 ms': s.p50,
      'p99 ms': s.p99,
      'started late': run.late.sessions,
      'rig up s': +(upMs / 1000).toFixed(1),
      'RSS MiB': Math.round(rss / 2 ** 20),
    };
  } finally {
    await rm(dirname(population.file), { recursive: true, force: true });
  }
}
