// A lab as issue #13 describes it, each part its own process as on separate hosts: a real Mosquitto, `atm-rig bank`,
// and two `atm-rig atms` hosts with 50 ATMs each, each with only its own keys (`atm-rig host-keys`); `atm-rig load --broker` puts a simulated customer at every ATM, who
// withdraws cash over MQTT. Its ledger check passes, and again from the bank's file after the bank has stopped: every
// ledger adds up and every note paid out was debited once.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mosquittoMissing } from '../../features/support/broker.ts';
import { startLab } from '../../features/support/lab.ts';
import { createBankService } from '../bank/index.ts';
import { readKeyring } from '../bus/keyring.ts';
import { checkLedgers } from '../load/ledger-check.ts';
import type { SessionResult } from '../load/run-load.ts';
import { LOAD_AMOUNT } from '../load/session-kinds.ts';
import { seedPopulation } from '../population-seed.ts';
import { killLeftovers, runCliToEnd } from '../spawn-cli.ts';

const ATMS = 100;
const cheap = { logN: 4, r: 8, p: 1 };
const missing = mosquittoMissing('mosquitto');

describe.skipIf(missing !== undefined)('a lab on separate processes: Mosquitto, atm-rig bank, two atm-rig atms hosts', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    killLeftovers();
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it(`runs a withdrawal on each of ${ATMS} ATMs and every ledger adds up`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atm-rig-lab-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const bankFile = join(dir, 'bank.sqlite');
    const seeding = await createBankService({ file: bankFile, hashCost: cheap });
    await seedPopulation(seeding, {
      customers: ATMS,
      seed: 13,
      hashCost: cheap,
      credentialsFile: join(dir, 'population-credentials.ndjson'),
    });
    await seeding.close();
    // The bank, Mosquitto and two hosts, each host with only its own ATMs' keys (atm-rig host-keys), as a lab hands
    // them out (features/support/lab.ts).
    const lab = await startLab({ dir, bankFile, atms: ATMS, hosts: 2, hashCost: 4 });
    cleanups.push(() => lab.close());
    const { bank, broker: mosquitto } = lab;
    const hosts = lab.hosts.map((h) => h.run);
    expect(lab.hosts.map((h) => h.atms)).toEqual([`atm-1..atm-${ATMS / 2}`, `atm-${ATMS / 2 + 1}..atm-${ATMS}`]);
    const hostA = (await readKeyring(join(dir, 'host-0', 'bus', 'credentials.json')))!;
    expect([hostA.has('atm-1.controller'), hostA.has(`atm-${ATMS}.controller`), hostA.has('simulator'), hostA.has('observer')]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    const atmsHost = (keys: string, atms: string) => lab.atmsArgs(join(dir, keys), atms);
    // A second host with the same ATMs is refused, and leaves the first one's ATMs alone (the load below runs on them).
    const twice = await runCliToEnd(atmsHost('host-0', 'atm-1..atm-3'));
    expect([twice.code, twice.output]).toEqual([1, expect.stringMatching(/atm-1, atm-2, atm-3 are running already/)]);

    // An ATM no host runs is named before anything starts.
    const extra = await runCliToEnd([
      'load',
      '--broker',
      mosquitto.url,
      '--atms',
      `atm-${ATMS}..atm-${ATMS + 1}`,
      '--data',
      bankFile,
      '--sessions',
      '2',
    ]);
    expect([extra.code, extra.output]).toEqual([1, expect.stringMatching(new RegExp(`no ATM answers as atm-${ATMS + 1} on`))]);
    // The load command drives the lab as a tester would: a simulated customer at each ATM, the ledger check at the end.
    const load = await runCliToEnd([
      'load',
      '--broker',
      mosquitto.url,
      '--atms',
      `atm-1..atm-${ATMS}`,
      '--data',
      bankFile,
      '--sessions',
      String(ATMS),
      '--mix',
      'happy=1',
      '--seed',
      '3',
      '--out',
      join(dir, 'load.html'),
    ]);
    expect(load.output).toMatch(/ledger check: every touched account's ledger equals its balance/);
    expect(load.code, load.output).toBe(0);
    const { results, startedAt } = JSON.parse(await readFile(join(dir, 'load.json'), 'utf8')) as {
      results: SessionResult[];
      startedAt: number;
    };
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(new Set(results.map((r) => r.atm)).size).toBe(ATMS);
    expect(results.map((r) => r.dispensed)).toEqual(results.map(() => LOAD_AMOUNT));

    // The broker goes first (a lab's broker restarted, or gone): Ctrl-C still stops each host at once, then the bank,
    // whose file has every acknowledged operation.
    await mosquitto.close();
    await Promise.all(hosts.map((h) => h.until(/lost the broker at mqtt:\/\/127\.0\.0\.1:\d+; the ATMs reconnect/, 10_000)));
    for (const run of [...hosts, bank]) {
      run.child.kill('SIGINT');
      expect(await run.exit, run.output()).toBe(0);
    }
    const after = await createBankService({ file: bankFile, readOnly: true });
    try {
      expect(checkLedgers(after, results, startedAt)).toEqual([]);
      // The check can fail: a withdrawal the bank never saw is named.
      expect(checkLedgers(after, [{ ...results[0]!, dispensed: 2 * LOAD_AMOUNT }], startedAt)).toHaveLength(1);
    } finally {
      await after.close();
    }
  }, 180_000);
});
