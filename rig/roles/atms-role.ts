/**
 * ATMs as a role of their own (`atm-rig atms`): the devices and controllers of some of a lab's ATMs, against a broker
 * and a bank elsewhere. Each device and controller logs in to the broker as its own bus user and each controller to
 * the bank with its ATM's key: both read from the files `atm-rig bank` provisioned (docs/roles.md).
 */
import { summarise } from './banner.ts';
import { systemClock } from '../../core/clock.ts';
import { connectBus } from '../../core/bus.ts';
import { createRandom, freshSeed } from '../../core/random.ts';
import { busUser } from '../../devices/topics.ts';
import { startAtms, type RunningAtm } from '../atm-host.ts';
import { atmKeysFileOf, readAtmKeys } from '../bank/atm-keys.ts';
import { probeBroker } from '../broker-probe.ts';
import { keyringFileOf, readKeyring } from '../bus/keyring.ts';
import type { RigConfig } from '../config.ts';
import { openSerialTrace } from '../serial-trace.ts';
import { paint } from '../ui.ts';
import { closeWithin, type Closer } from '../shutdown.ts';
import { hostKeyFiles } from './host-keys.ts';
import { runningAtms } from './running-atms.ts';

export interface RunningAtmHost {
  atms: RunningAtm[];
  seed: number;
  banner: string[];
  close(): Promise<void>;
}

export async function startAtmHost(
  config: RigConfig,
  bankUrl: string,
  keysDir?: string,
  onBroker?: (line: string) => void,
): Promise<RunningAtmHost> {
  const brokerUrl = config.broker.url;
  if (!brokerUrl) throw new Error("atms needs the lab's broker: --broker mqtt://host:1883");
  if (config.clock === 'manual') throw new Error('--clock manual needs a one-process rig (atm-rig up): ATM hosts run on the system clock');
  const file = config.bank.file;
  const keyFiles = keysDir ? hostKeyFiles(keysDir) : { keyring: keyringFileOf(file), atmKeys: atmKeysFileOf(file) };
  const keyringFile = keyFiles.keyring;
  const keyring = await readKeyring(keyringFile);
  if (!keyring && !config.broker.insecure)
    throw new Error(
      `no bus keyring at ${keyringFile}: atm-rig host-keys --atms <this host's ATMs> --out <dir> on the bank's host makes this host's keys; give that directory as --keys <dir>`,
    );
  const keys = await readAtmKeys(keyFiles.atmKeys);
  const ids = config.atms.map((a) => a.id);
  const missing = ids.filter((id) => !keys.has(id));
  if (missing.length)
    throw new Error(
      `no bank key for ${summarise(missing)} in ${keyFiles.atmKeys}: are they this host's ATMs? atm-rig host-keys --atms <this host's ATMs> on the bank's host makes its keys (atm-rig bank --atms provisions new ATMs first)`,
    );
  const credential = (user: string) => (keyring ? keyring.credential(user) : { username: user, password: '' });
  for (const id of ids) for (const kind of [...Object.keys(config.atms[0]!.devices), 'controller']) credential(busUser(id, kind));
  await probeBroker(brokerUrl, { ...credential(busUser(ids[0]!, 'controller')) });
  await checkBank(bankUrl);
  const already = await runningAtms(brokerUrl, ids, (id) => credential(busUser(id, 'controller')));
  if (already.length)
    throw new Error(
      `${summarise(already)} ${already.length === 1 ? 'is' : 'are'} running already: ${already.length === 1 ? 'its' : 'their'} devices are online on ${brokerUrl}. Stop the other host first (two hosts with one ATM would each get its key presses)`,
    );

  const seed = config.seed ?? freshSeed();
  const closers: Closer[] = [];
  // Every ATM's parts at once, each within its time: hundreds of ATMs whose broker is gone stop in seconds.
  const close = async () => {
    await Promise.all(closers.map((part) => closeWithin(part)));
  };
  try {
    const serialTrace = openSerialTrace(config.traceSerial, undefined, systemClock);
    closers.push({ name: 'serial trace', close: () => serialTrace.close() });
    const atms = await startAtms({
      atms: config.atms,
      brokerUrl,
      bankUrl,
      atmKeys: keys,
      credential,
      bank: config.bank,
      clock: systemClock,
      seed,
      random: createRandom(seed),
      tracer: serialTrace.tracer,
      started: (name, c) => closers.push({ name, close: c }),
    });
    // One line when the broker goes and when it comes back: each device reconnects on its own, silently.
    if (onBroker) {
      const watch = await connectBus(brokerUrl, `${ids[0]}:host-watch`, {
        ...credential(busUser(ids[0]!, 'controller')),
        reconnectPeriod: 2000,
      });
      let lost = false;
      watch.on('offline', () => {
        if (!lost) onBroker(`${new Date().toISOString()} lost the broker at ${brokerUrl}; the ATMs reconnect when it is back`);
        lost = true;
      });
      watch.on('connect', () => {
        if (lost) onBroker(`${new Date().toISOString()} the broker is back`);
        lost = false;
      });
      closers.push({ name: 'broker watch', close: () => watch.endAsync(true) });
    }
    const banner = [
      paint('bold', `atm-rig atms: ${atms.length} ATMs up`),
      `  ATMs        ${summarise(ids)}   (${config.atms[0]!.profile}; devices: ${Object.entries(config.atms[0]!.devices)
        .map(([k, v]) => (v === 'virtual' ? k : `${k} ${v}`))
        .join(', ')})`,
      `  MQTT        ${brokerUrl}`,
      `  bank        ${bankUrl}`,
      `  seed        ${seed}   (replay with --seed ${seed})`,
      'ready',
    ];
    return { atms, seed, banner, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The bank answers at `url`: said now, not as every session's first error. */
async function checkBank(url: string): Promise<void> {
  const problem = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(5000) }).then(
    (r) => (r.ok ? undefined : `it answered ${r.status} to GET /health`),
    (err: unknown) => String((err as Error).cause ?? (err as Error).message),
  );
  if (problem) throw new Error(`the bank at ${url} does not answer (${problem}): is atm-rig bank running there, and reachable from here?`);
}
