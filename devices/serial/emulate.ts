/**
 * Device emulators served on serial ports: the virtual device's behaviour behind the real module's protocol. An
 * emulator listens on the bus for its device's `sim/` topics (what a person does: place a finger, press a key) and
 * acts them out on the wire, so a driver, or anyone's firmware or host code, can be tested without hardware, and
 * every Gherkin scenario runs unchanged with serial devices. Which emulators exist is the registry's to say.
 */
import { connectBus } from '../../core/bus.ts';
import { decode } from '../../core/decode.ts';
import { systemClock, type RigClock } from '../../core/clock.ts';
import { createRandom } from '../../core/random.ts';
import { didYouMean } from '../../core/suggest.ts';
import { CONTRACT, schemaFor } from '../contract.ts';
import { EMULATORS, type DeviceKind } from '../registry.ts';
import type { EmulatorModule } from './emulator-module.ts';
import { SerialLink } from './link.ts';
import { topics } from '../topics.ts';

export interface EmulatorOptions {
  atmId: string;
  /** The bus to take sim actions from; none for a wire-only emulator driven from code. */
  brokerUrl?: string;
  credentials?: { username: string; password: string };
  baudRate?: number;
  seed?: number;
  /** Time for delays (the GSM network's delivery, counting notes): the rig's clock in tests. */
  clock?: RigClock;
  /** The ATM's settings by device kind (an AtmConfig will do): the GSM number, the cassettes, ... */
  settings?: Readonly<Record<string, unknown>>;
}

export interface RunningEmulator {
  name: string;
  path: string;
  /** The protocol emulator itself, for tests that drive it from code. */
  device: unknown;
  /** How many sim actions from the bus it has acted out: a test waits for its fault to be in place. */
  readonly simsActed: number;
  close(): Promise<void>;
}

export function emulatorNamed(name: string): EmulatorModule {
  const found = EMULATORS.find((e) => e.name === name);
  const names = EMULATORS.map((e) => e.name);
  if (!found) throw new Error(`no emulator "${name}"${didYouMean(name, names)}; emulators in this build: ${names.join(', ')}`);
  return found;
}

export async function startEmulator(name: string, path: string, options: EmulatorOptions): Promise<RunningEmulator> {
  const module = emulatorNamed(name);
  const link = new SerialLink({ path, baudRate: options.baudRate ?? 57600 }, { minBackoffMs: 100, maxBackoffMs: 1000 });
  // A port that cannot be opened at all is a mistake to report, not a module to wait for.
  let onDown: (reason: string) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    link.once('up', () => resolve());
    onDown = (reason) => reject(new Error(`cannot open ${path}: ${reason.replace(/^Error: /, '')}`));
    link.once('down', onDown);
  });
  link.start();
  try {
    await ready;
  } catch (err) {
    await link.close();
    throw err;
  } finally {
    link.off('down', onDown);
  }
  const client = options.brokerUrl
    ? await connectBus(options.brokerUrl, `${options.atmId}:${module.name}-emulator`, options.credentials ?? {})
    : undefined;
  const emulation = module.start(link, {
    atmId: options.atmId,
    random: createRandom(options.seed ?? 1).fork(`emulator:${module.name}`),
    clock: options.clock ?? systemClock,
    settings: options.settings ?? {},
    publish: (topic, payload) => void client?.publishAsync(topic, JSON.stringify(payload), { qos: 1 }),
  });
  let simsActed = 0;
  // The bus device whose sim topics this emulator acts out.
  const simDevice = module.serves[0] as DeviceKind;
  if (client) {
    client.on('message', (topic, buf) => {
      const name = topic.split('/')[4] ?? '';
      const schema = schemaFor(CONTRACT[simDevice].sim, name);
      // The device on the bus answers bad payloads with its evt/error; the emulator just ignores them.
      const parsed = schema ? decode(buf, schema) : undefined;
      try {
        if (parsed?.ok) emulation.onSim(name, parsed.data as Record<string, unknown>);
      } catch (err) {
        // A person's action the module cannot act out is reported, never the end of the emulator.
        process.emitWarning(`atm-rig emulate ${module.name}: sim/${name} not acted out: ${(err as Error).message}`);
      }
      simsActed += 1;
    });
    await client.subscribeAsync(topics.device(options.atmId, simDevice, 'sim', '+'), { qos: 1 });
  }
  return {
    name: module.name,
    path,
    device: emulation.device,
    get simsActed() {
      return simsActed;
    },
    async close() {
      await client?.endAsync();
      await link.close();
    },
  };
}
