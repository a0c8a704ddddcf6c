/**
 * A lab on separate processes (`npm run bench`, bench/run.ts), as docs/roles.md sets one up: Mosquitto as the broker,
 * `atm-rig bank` on a copy of the 10,000-customer population, two `atm-rig atms` hosts sharing the ATMs (each with
 * only its own keys, from `atm-rig host-keys`), and this process as `atm-rig load --broker`: one simulated customer
 * per ATM running happy sessions back to back. The same sessions as the in-process scale rows, spread over five
 * processes. Left out (said in the report) when Mosquitto is not installed (`bash scripts/system-deps.sh`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mosquittoMissing, startMosquitto } from '../features/support/broker.ts';
import { readKeyring } from '../rig/bus/keyring.ts';
import { CHEAP_HASH_COST } from '../rig/bank/secrets.ts';
import { parseMix } from '../rig/load/mix.ts';
import { loadProfile, runLoad } from '../rig/load/run-load.ts';
import { statsOf } from '../rig/load/stats.ts';
import { runCliToEnd, spawnCli, type CliRun } from '../rig/spawn-cli.ts';
import { populationBank } from './populations.ts';

export interface LabRow {
  ATMs: number;
  hosts: number;
  sessions: number;
  errors: number;
  'sessions/s': number;
  'p50 ms': number;
  'p99 ms': number;
}

export const labMissing = (): string | undefined => mosquittoMissing('mosquitto');

export async function labBench(atmCounts: readonly number[], onRow?: (row: LabRow) => void): Promise<LabRow[]> {
  const rows: LabRow[] = [];
  for (const atms of atmCounts) rows.push(await labRow(atms));
  rows.forEach((r) => onRow?.(r));
  return rows;
}

async function labRow(atms: number): Promise<LabRow> {
  const population = await populationBank(10_000);
  const dir = dirname(population.file);
  const work = await mkdtemp(join(tmpdir(), 'atm-rig-bench-lab-'));
  const running: CliRun[] = [];
  let mosquitto: { close(): Promise<void> } | undefined;
  try {
    await writeFile(join(dir, 'population-credentials.ndjson'), population.credentials.map((c) => JSON.stringify(c)).join('\n') + '\n');
    await writeFile(join(work, 'load-profile.json'), JSON.stringify(loadProfile()));
    const config = join(work, 'lab.json');
    await writeFile(
      config,
      JSON.stringify({
        broker: { hashIterations: 1000 },
        bank: { dailyWithdrawalLimit: 1e9 },
        atms: [{ id: 'atm-1', profile: join(work, 'load-profile.json'), gsm: { deliveryDelayMs: 0 }, dispenser: { dispenseMs: 0 } }],
      }),
    );
    const cost = String(CHEAP_HASH_COST.logN);
    const bank = spawnCli([
      'bank',
      '--config',
      config,
      '--data',
      population.file,
      '--hash-cost',
      cost,
      '--atms',
      `atm-1..atm-${atms}`,
      '--bank-port',
      '0',
    ]);
    running.push(bank);
    const bankUrl = (await bank.until(/bank\s+(http:\/\/\S+)/, 60_000))[1]!;
    await bank.until(/^ready$/m, 60_000);
    const keyring = (await readKeyring(join(dir, 'bus', 'credentials.json')))!;
    const broker = await startMosquitto(dir, keyring.credential('observer'));
    mosquitto = broker;
    const half = Math.ceil(atms / 2);
    const ranges = atms === 1 ? ['atm-1'] : [`atm-1..atm-${half}`, `atm-${half + 1}..atm-${atms}`];
    for (const [i, range] of ranges.entries()) {
      const made = await runCliToEnd(['host-keys', '--data', population.file, '--atms', range, '--out', join(work, `host-${i}`)]);
      if (made.code !== 0) throw new Error(`atm-rig host-keys failed:\n${made.output}`);
    }
    const hosts = ranges.map((range, i) =>
      spawnCli(['atms', '--broker', broker.url, '--bank', bankUrl, '--config', config, '--keys', join(work, `host-${i}`), '--atms', range]),
    );
    running.push(...hosts);
    await Promise.all(hosts.map((h) => h.until(/^ready$/m, 120_000)));
    const run = await runLoad({
      data: population.file,
      atms,
      atmIds: Array.from({ length: atms }, (_, i) => `atm-${i + 1}`),
      brokerUrl: broker.url,
      sessions: Math.max(30, atms * 3),
      mix: parseMix('happy=1'),
      seed: 1,
      hashLogN: CHEAP_HASH_COST.logN,
    });
    await run.target.close();
    const s = statsOf(run.results, run.elapsedMs);
    return {
      ATMs: atms,
      hosts: ranges.length,
      sessions: s.sessions,
      errors: s.errors,
      'sessions/s': s.perSecond,
      'p50 ms': s.p50,
      'p99 ms': s.p99,
    };
  } finally {
    for (const r of running.reverse()) {
      r.child.kill('SIGINT');
      await r.exit.catch(() => undefined);
    }
    await mosquitto?.close();
    await rm(work, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }
}
