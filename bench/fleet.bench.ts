/**
 * A fleet (`npm run bench -- --only fleet`, bench/run.ts): a thousand virtual ATMs on one rig in front of the
 * 100,000-customer population, customers arriving at a steady rate, as at a bank's ATMs on an ordinary day
 * (`atm-rig load --atms 1000 --rate R --duration D`). The scale rows keep every ATM busy at once to find the most a
 * rig can do; this asks whether a session at one of a thousand ATMs, at a rate the rig can carry, stays as fast as at
 * a rig of one ATM.
 */
import { progressText, statsOf } from '../rig/load/stats.ts';
import { happyLoad } from './scale.bench.ts';

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
  console.error(`  starting ${o.atms} ATMs (16 at a time), then ${o.seconds} s of sessions`);
  let rss = 0;
  const { run, upMs } = await happyLoad(o.customers, {
    atms: o.atms,
    durationMs: o.seconds * 1000,
    rate: o.rate,
    seed: 1,
    // The memory of the whole fleet at work, taken while it works; a line every 5 s of it.
    onProgress: (results, ms) => {
      rss = Math.max(rss, process.memoryUsage().rss);
      if (Math.round(ms / 1000) % 5 === 0) console.error(`  ${progressText(results, ms)}`);
    },
  });
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
}
