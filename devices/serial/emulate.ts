/**
 * Device emulators served on serial ports: the virtual device's behaviour behind the real module's protocol. An
 * emulator listens on the bus for its device's `sim/` topics (what a person does: place a finger, press a key) and
 * acts them out on the wire, so a driver, or anyone's firmware or host code, can be tested without hardware, and
 * every Gherkin scenario runs unchanged with serial devices.
 */
import { CONTRACT } from '../contract.ts';
import { connectBus } from '../bus.ts';
import { createRandom } from '../../machines/random.ts';
import { degrade, strangerTemplate, synthTemplate } from '../virtual/fingerprint-template.ts';
import { SerialLink } from './link.ts';
import { ZfmEmulator } from './zfm/emulator.ts';

export type EmulatedKind = 'fingerprint';

export interface EmulatorOptions {
  atmId: string;
  /** The bus to take sim actions from; none for a wire-only emulator driven from code. */
  brokerUrl?: string;
  credentials?: { username: string; password: string };
  baudRate?: number;
  seed?: number;
}

export interface RunningEmulator {
  kind: EmulatedKind;
  path: string;
  /** The protocol emulator itself, for tests that drive it from code. */
  device: ZfmEmulator;
  close(): Promise<void>;
}

export async function startEmulator(kind: EmulatedKind, path: string, options: EmulatorOptions): Promise<RunningEmulator> {
  const link = new SerialLink({ path, baudRate: options.baudRate ?? 57600 }, { minBackoffMs: 100, maxBackoffMs: 1000 });
  const random = createRandom(options.seed ?? 1).fork(`emulator:${kind}`);
  const device = new ZfmEmulator(link);
  const ready = new Promise<void>((resolve) => link.once('up', () => resolve()));
  link.start();
  await ready;
  const client = options.brokerUrl ? await connectBus(options.brokerUrl, `${options.atmId}:${kind}-emulator`, options.credentials ?? {}) : undefined;
  if (client) {
    client.on('message', (topic, buf) => {
      if (!topic.endsWith('/sim/place')) return;
      const parsed = CONTRACT.fingerprint.sim.place.safeParse((() => { try { return JSON.parse(buf.toString('utf8')); } catch { return undefined; } })());
      if (!parsed.success) return;
      const { customerId, finger, quality } = parsed.data;
      const clean = customerId ? synthTemplate(customerId, finger) : strangerTemplate(random);
      device.placeFinger(Buffer.from(degrade(clean, quality, random), 'base64'));
    });
    await client.subscribeAsync(`atm/${options.atmId}/${kind}/sim/+`, { qos: 1 });
  }
  return {
    kind,
    path,
    device,
    async close() {
      await client?.endAsync();
      await link.close();
    },
  };
}
