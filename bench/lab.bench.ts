/**
 * A lab on separate processes (`npm run bench`, bench/run.ts), as docs/roles.md sets one up: Mosquitto as the broker,
 * `atm-rig bank` on a copy of the 10,000-customer population, two `atm-rig atms` hosts sharing the ATMs (each with
 * only its own keys, from `atm-rig host-keys`), and this process as `atm-rig load --broker`: one simulated customer
 * per ATM running happy sessions back to back. The same sessions as the in-process scale rows, spread over five
 * processes. Left out (said in the report) when Mosquitto is not installed (`bash scripts/system-deps.sh`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mosquittoMissing } from '../features/support/broker.ts';
import { startLab, type Lab } from '../features/support/lab.ts';
import { CHEAP_HASH_COST } from '../rig/bank/secrets.ts';
import { parseMix } from '../rig/load/mix.ts';
import { runLoad } from '../rig/load/run-load.ts';
import { loadFigures, sessionsFor, WARM_UP, type LoadFigures } from './scale.bench.ts';
import { populationBank } from './populations.ts';

export type LabRow = { ATMs: number; hosts: number } & LoadFigures;

export const labMissing = (): string | undefined => mosquittoMissing('mosquitto');

/** `inProcessP50`: the in-process machine's median on the same population (scale.bench.ts, populationBaseline). */
export async function labBench(atmCounts: readonly number[], inProcessP50: number, onRow?: (row: LabRow) => void): Promise<LabRow[]> {
  const rows: LabRow[] = [];
  for (const atms of atmCounts) rows.push(await labRow(atms, inProcessP50));
  rows.forEach((r) => onRow?.(r));
  return rows;
}

async function labRow(atms: number, inProcessP50: number): Promise<LabRow> {
  const population = await populationBank(10_000);
  const dir = dirname(population.file);
  const work = await mkdtemp(join(tmpdir(), 'atm-rig-bench-lab-'));
  let lab: Lab | undefined;
  try {
    lab = await startLab({ dir: work, bankFile: population.file, atms, hosts: atms === 1 ? 1 : 2, hashCost: CHEAP_HASH_COST.logN });
    const load = (sessions: number, seed: number) =>
      runLoad({
        data: population.file,
        atms,
        atmIds: Array.from({ length: atms }, (_, i) => `atm-${i + 1}`),
        brokerUrl: lab!.broker.url,
        sessions,
        mix: parseMix('happy=1'),
        seed,
        hashLogN: CHEAP_HASH_COST.logN,
      });
    // The lab's processes warmed first, as the in-process machine is: their first sessions are not measured.
    await (await load(WARM_UP, 2)).target.close();
    const run = await load(sessionsFor(atms), 1);
    await run.target.close();
    return { ATMs: atms, hosts: lab.hosts.length, ...loadFigures(run, inProcessP50) };
  } finally {
    await lab?.close();
    await rm(work, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }
}
