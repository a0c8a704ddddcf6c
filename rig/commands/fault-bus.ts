/**
 * The fault command's connection to a running rig: its broker, as the simulator (password from the rig's keyring in
 * <data>/bus/credentials.json), adding and clearing rules on rig/fault/sim/* and reading rig/fault/state.
 */
import type { MqttClient } from 'mqtt';
import { connectBus } from '../../core/bus.ts';
import { topics } from '../../devices/topics.ts';
import type { RigOptions } from '../cli-args.ts';
import { parseRigConfig } from '../config.ts';
import { keyringFileOf, readKeyring } from '../bus/keyring.ts';
import { configFrom } from './shared.ts';

export interface FaultState {
  faults: { id: string; text: string; applied: number }[];
  busFaults: boolean;
}

const ANSWER_MS = 5000;

export async function faultBus(opts: RigOptions) {
  const config = parseRigConfig(await configFrom(opts, 'fault'));
  if (!config.broker.url && config.broker.port === 0)
    throw new Error("--mqtt-port 0 picks a free port for a rig's own broker; give the port the rig's banner shows (MQTT mqtt://…:<port>)");
  const brokerUrl =
    config.broker.url ?? `mqtt://${config.broker.host === '0.0.0.0' ? '127.0.0.1' : config.broker.host}:${config.broker.port}`;
  const keyringFile = keyringFileOf(config.bank.file);
  const keyring = await readKeyring(keyringFile);
  if (!keyring?.has('simulator') && !config.broker.insecure)
    throw new Error(`no simulator password in ${keyringFile}: start the rig first (atm-rig up), with the same --data`);
  let client: MqttClient;
  try {
    client = await connectBus(brokerUrl, 'fault-cli', {
      ...(keyring?.has('simulator') ? keyring.credential('simulator') : {}),
      reconnectPeriod: 0,
      connectTimeout: ANSWER_MS,
    });
  } catch (err) {
    throw new Error(`cannot reach the rig's broker at ${brokerUrl}: ${(err as Error).message} (is atm-rig up running?)`, { cause: err });
  }
  let state: FaultState | undefined;
  const errors: string[] = [];
  const waiters = new Set<() => void>();
  client.on('message', (topic, buf) => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
    } catch {
      return;
    }
    if (topic === topics.fault.state) state = body as unknown as FaultState;
    if (topic === topics.fault.error) errors.push(String(body.message));
    for (const w of waiters) w();
  });
  await client.subscribeAsync([topics.fault.state, topics.fault.error], { qos: 1 });
  const until = (test: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => test() && (waiters.delete(check), clearTimeout(timer), resolve());
      const timer = setTimeout(() => (waiters.delete(check), reject(new Error(`no answer from the rig: ${what}`))), ANSWER_MS);
      waiters.add(check);
      check();
    });
  await until(() => state !== undefined, `rig/fault/state (is this rig older than fault injection?)`);

  return {
    state: async () => state!,
    /** Add a rule; resolves with its description, or rejects with the rig's reason. */
    async add(rule: Record<string, unknown>): Promise<string> {
      const before = new Set(state!.faults.map((f) => f.id));
      const seenErrors = errors.length;
      await client.publishAsync(topics.fault.add, JSON.stringify(rule), { qos: 1 });
      await until(
        () => errors.length > seenErrors || state!.faults.some((f) => !before.has(f.id)),
        'the rule was neither added nor refused',
      );
      if (errors.length > seenErrors) throw new Error(errors[seenErrors]!);
      return state!.faults.find((f) => !before.has(f.id))!.text;
    },
    async clear(id?: string): Promise<number> {
      if (id !== undefined && !state!.faults.some((f) => f.id === id))
        throw new Error(
          `no fault called ${id} (${state!.faults.length ? `faults: ${state!.faults.map((f) => f.id).join(', ')}` : 'no faults are set'})`,
        );
      const seenErrors = errors.length;
      await client.publishAsync(topics.fault.clear, JSON.stringify(id ? { id } : {}), { qos: 1 });
      await until(
        () => errors.length > seenErrors || !state!.faults.some((f) => id === undefined || f.id === id),
        'the rule was not cleared',
      );
      if (errors.length > seenErrors) throw new Error(errors[seenErrors]!);
      return state!.faults.length;
    },
    close: () => client.endAsync(),
  };
}
