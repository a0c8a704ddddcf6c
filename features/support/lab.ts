/**
 * A lab on separate processes, as docs/roles.md sets one up, for the lab test and the bench: `atm-rig bank` on a
 * seeded population's file (it provisions the ATMs' bank keys and the bus users), Mosquitto with the bank's password
 * file and ACL, and the ATMs shared by `atm-rig atms` hosts, each with only its own keys (`atm-rig host-keys`). Every
 * ATM runs the load profile with instant SMS and counting (no pause on goodbyes).
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { startMosquitto } from './broker.ts';
import { readKeyring } from '../../rig/bus/keyring.ts';
import { loadProfile } from '../../rig/load/load-target.ts';
import { runCliToEnd, spawnCli, type CliRun } from '../../rig/spawn-cli.ts';

export interface Lab {
  config: string;
  bankUrl: string;
  bank: CliRun;
  broker: { url: string; close(): Promise<void> };
  /** Each host's ATMs (`atm-1..atm-50`) and keys directory. */
  hosts: { atms: string; keys: string; run: CliRun }[];
  /** The arguments of `atm-rig atms` for these keys and ATMs (a second host, say). */
  atmsArgs(keys: string, atms: string): string[];
  /** Every process stopped (SIGINT), the broker last. */
  close(): Promise<void>;
}

/** `bankFile` holds a seeded population; work files go to `dir`. `hostCount` hosts share `atms` ATMs. */
export async function startLab(o: { dir: string; bankFile: string; atms: number; hosts: number; hashCost: number }): Promise<Lab> {
  await writeFile(join(o.dir, 'load-profile.json'), JSON.stringify(loadProfile()));
  // Every ATM gets the first ATM's settings.
  const config = join(o.dir, 'lab.json');
  await writeFile(
    config,
    JSON.stringify({
      broker: { hashIterations: 1000 },
      bank: { dailyWithdrawalLimit: 1e9 },
      atms: [{ id: 'atm-1', profile: join(o.dir, 'load-profile.json'), gsm: { deliveryDelayMs: 0 }, dispenser: { dispenseMs: 0 } }],
    }),
  );
  const running: CliRun[] = [];
  let broker: Lab['broker'] | undefined;
  const close = async () => {
    for (const r of running.reverse()) {
      if (r.child.exitCode === null) r.child.kill('SIGINT');
      await r.exit.catch(() => undefined);
    }
    await broker?.close();
  };
  try {
    const bankArgs = ['bank', '--config', config, '--data', o.bankFile, '--hash-cost', String(o.hashCost)];
    const bank = spawnCli([...bankArgs, '--atms', `atm-1..atm-${o.atms}`, '--bank-port', '0']);
    running.push(bank);
    const bankUrl = (await bank.until(/bank\s+(http:\/\/\S+)/, 60_000))[1]!;
    await bank.until(/^ready$/m, 60_000);
    const keyring = (await readKeyring(join(dirname(o.bankFile), 'bus', 'credentials.json')))!;
    broker = await startMosquitto(dirname(o.bankFile), keyring.credential('observer'));
    const url = broker.url;
    const per = Math.ceil(o.atms / o.hosts);
    const ranges = Array.from({ length: o.hosts }, (_, i) => [i * per + 1, Math.min(o.atms, (i + 1) * per)] as const)
      .filter(([a, b]) => a <= b)
      .map(([a, b]) => (a === b ? `atm-${a}` : `atm-${a}..atm-${b}`));
    const atmsArgs = (keys: string, atms: string) => [
      'atms',
      '--broker',
      url,
      '--bank',
      bankUrl,
      '--config',
      config,
      '--keys',
      keys,
      '--atms',
      atms,
    ];
    const hosts: Lab['hosts'] = [];
    for (const [i, atms] of ranges.entries()) {
      const keys = join(o.dir, `host-${i}`);
      const made = await runCliToEnd(['host-keys', '--data', o.bankFile, '--atms', atms, '--out', keys]);
      if (made.code !== 0) throw new Error(`atm-rig host-keys failed:\n${made.output}`);
      hosts.push({ atms, keys, run: spawnCli(atmsArgs(keys, atms)) });
      running.push(hosts.at(-1)!.run);
    }
    await Promise.all(hosts.map((h) => h.run.until(/^ready$/m, 120_000)));
    return { config, bankUrl, bank, broker, hosts, atmsArgs, close };
  } catch (err) {
    await close();
    throw err;
  }
}
