/**
 * Scenarios against another broker than the rig's embedded one (the `broker` profile, or ATM_RIG_BROKER):
 * - `mosquitto`: each scenario starts a throwaway Mosquitto on a free port, with the rig's password file and ACL
 *   (its bus users, written by `prepareBusSecurity` as the rig would), and stops it after the scenario;
 * - `mqtt://host:port`: a broker that is already running and already knows the rig's bus users: they are kept in
 *   ATM_RIG_BUS_DIR (default `reports/broker-data`), in `mosquitto/passwd` and `mosquitto/acl` (Mosquitto's
 *   formats), written before the first scenario. Scenarios share its topics, so they run one at a time.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { freePort } from '../../core/free-port.ts';
import { prepareBusSecurity } from '../../rig/bus/security.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';
/** The ATMs the features name, provisioned in a running broker before the first scenario. */
const SCENARIO_ATMS = ['atm-1', 'atm-2'];
/** Mosquitto checks every connection's password: cheap hashes for a test broker. */
export const BROKER_HASH_ITERATIONS = 1000;

/** `embedded`, `mosquitto` or a broker's URL, from the profile's world parameters or ATM_RIG_BROKER. */
export function brokerMode(parameters: { broker?: unknown } | undefined): string {
  const mode = String(parameters?.broker ?? process.env.ATM_RIG_BROKER ?? '') || 'embedded';
  if (!['embedded', 'mosquitto'].includes(mode) && !/^mqtts?:\/\/[^/]+$/.test(mode))
    throw new Error(`ATM_RIG_BROKER=${mode}: use mosquitto, embedded or a broker's URL such as mqtt://127.0.0.1:1883`);
  return mode;
}

/** Why a `mosquitto` scenario cannot run here (no Mosquitto), or undefined. Under CI a missing Mosquitto fails. */
export function mosquittoMissing(mode: string, binary = MOSQUITTO): string | undefined {
  if (mode !== 'mosquitto' || existsSync(binary)) return undefined;
  const why = `${binary} is not installed (scripts/system-deps.sh installs it)`;
  if (process.env.CI) throw new Error(`the broker scenarios must run under CI: ${why}`);
  return why;
}

export interface ExternalBroker {
  url: string;
  /** The bank's file: next to the bus files, so the rig reads the same users the broker knows. */
  bankFile: string;
  close(): Promise<void>;
}

export async function externalBroker(mode: string, atmIds: string[]): Promise<ExternalBroker> {
  if (mode === 'mosquitto') {
    const dir = await mkdtemp(join(tmpdir(), 'atm-rig-broker-'));
    const bus = await prepareBusSecurity(atmIds, dir, { iterations: BROKER_HASH_ITERATIONS });
    const broker = await startMosquitto(dir, bus.observer);
    return {
      url: broker.url,
      bankFile: join(dir, 'bank.json'),
      close: async () => {
        await broker.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const dir = resolve(process.env.ATM_RIG_BUS_DIR ?? 'reports/broker-data');
  await mkdir(join(dir, 'mosquitto'), { recursive: true, mode: 0o700 });
  // The users of every ATM the scenarios name, copied where each rig's own rewrite (of its ATMs only) leaves them be.
  await prepareBusSecurity([...new Set([...SCENARIO_ATMS, ...atmIds])], dir, { iterations: BROKER_HASH_ITERATIONS });
  for (const file of ['passwd', 'acl']) await copyFile(join(dir, 'bus', file), join(dir, 'mosquitto', file));
  const bankFile = join(dir, `bank-${randomUUID()}.json`);
  return { url: mode, bankFile, close: () => rm(bankFile, { force: true }) };
}

/** Mosquitto on a free port of 127.0.0.1, with `dir`/bus/passwd and acl; resolves once it takes `login`. */
export async function startMosquitto(
  dir: string,
  login: { username: string; password: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const url = `mqtt://127.0.0.1:${port}`;
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${join(dir, 'bus', 'passwd')}`,
      `acl_file ${join(dir, 'bus', 'acl')}`,
      'persistence false',
      // Nagle's algorithm is on by default in Mosquitto: small messages would wait on delayed acknowledgements.
      'set_tcp_nodelay true',
      // As root Mosquitto would switch to a "mosquitto" user that cannot read the private files.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
    ].join('\n') + '\n',
  );
  const child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const close = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', () => done());
      child.kill();
    });
  for (let i = 0; ; i++) {
    const up = await mqtt.connectAsync(url, { ...login, reconnectPeriod: 0, connectTimeout: 500 }).then(
      (c) => c.endAsync().then(() => true),
      () => false,
    );
    if (up) return { url, close };
    if (i === 50 || child.exitCode !== null) {
      await close();
      throw new Error(`mosquitto did not start on port ${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
