/**
 * Device emulators served on serial ports: the virtual device's behaviour behind the real module's protocol. An
 * emulator listens on the bus for its device's `sim/` topics (what a person does: place a finger, press a key) and
 * acts them out on the wire, so a driver, or anyone's firmware or host code, can be tested without hardware, and
 * every Gherkin scenario runs unchanged with serial devices.
 */
import { CONTRACT } from '../contract.ts';
import { connectBus } from '../../core/bus.ts';
import { createRandom } from '../../core/random.ts';
import { degrade, strangerTemplate, synthTemplate } from '../virtual/fingerprint-template.ts';
import { SerialLink } from './link.ts';
import { ZfmEmulator } from './zfm/emulator.ts';
import { KeypadLcdEmulator } from './kpl/emulator.ts';
import { LcdmEmulator } from './lcdm/emulator.ts';
import { Sim800Emulator, type GsmFault } from './sim800/emulator.ts';
import { systemClock, type RigClock } from '../../core/clock.ts';
import { topics } from '../topics.ts';
import type { z } from 'zod';

/** What an emulator serves on one port: the keypad and the LCD are one board. */
export type EmulatedKind = 'fingerprint' | 'gsm' | 'keypad-lcd' | 'dispenser';

export interface EmulatorOptions {
  atmId: string;
  /** The bus to take sim actions from; none for a wire-only emulator driven from code. */
  brokerUrl?: string;
  credentials?: { username: string; password: string };
  baudRate?: number;
  seed?: number;
  /** Time for the GSM network's delivery delay (the rig's clock in tests). */
  clock?: RigClock;
  /** The GSM emulator's own number and delivery delay. */
  gsm?: { msisdn: string; deliveryDelayMs: number };
  /** The dispenser emulator's cassettes (upper first) and counting time. */
  dispenser?: { cassettes: { denomination: number; count: number }[]; dispenseMs: number };
}

export interface RunningEmulator {
  kind: EmulatedKind;
  path: string;
  /** The protocol emulator itself, for tests that drive it from code. */
  device: ZfmEmulator | Sim800Emulator | KeypadLcdEmulator | LcdmEmulator;
  close(): Promise<void>;
}

export async function startEmulator(kind: EmulatedKind, path: string, options: EmulatorOptions): Promise<RunningEmulator> {
  const link = new SerialLink({ path, baudRate: options.baudRate ?? 57600 }, { minBackoffMs: 100, maxBackoffMs: 1000 });
  const random = createRandom(options.seed ?? 1).fork(`emulator:${kind}`);
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
  const client = options.brokerUrl ? await connectBus(options.brokerUrl, `${options.atmId}:${kind}-emulator`, options.credentials ?? {}) : undefined;
  // The bus device whose sim topics this emulator acts out.
  const simDevice = kind === 'keypad-lcd' ? 'keypad' : kind;
  const parse = (name: string, buf: Buffer) => {
    const schema = (CONTRACT[simDevice].sim as Record<string, z.ZodType>)[name];
    let raw: unknown;
    try {
      raw = JSON.parse(buf.toString('utf8'));
    } catch {
      return undefined;
    }
    const parsed = schema?.safeParse(raw);
    return parsed?.success ? (parsed.data as Record<string, unknown>) : undefined;
  };

  let device: ZfmEmulator | Sim800Emulator | KeypadLcdEmulator | LcdmEmulator;
  let onSim: (name: string, data: Record<string, unknown>) => void;
  if (kind === 'dispenser') {
    const d = options.dispenser ?? { cassettes: [{ denomination: 10_000, count: 200 }, { denomination: 5_000, count: 200 }], dispenseMs: 1500 };
    const lcdm = new LcdmEmulator(link, { upper: { ...d.cassettes[0]! }, lower: { ...d.cassettes[1]! } }, { clock: options.clock ?? systemClock, dispenseMs: d.dispenseMs });
    device = lcdm;
    onSim = (name, data) => {
      if (name === 'jam') lcdm.jammed = data.on as boolean;
      else if (name === 'hang') lcdm.hung = data.on as boolean;
      else if (name === 'rejects') lcdm.rejects = data.notes as number;
      else if (name === 'take') lcdm.take();
      else if (name === 'refill') {
        const c = data.cassettes as { denomination: number; count: number }[];
        lcdm.cassettes = { upper: { ...c[0]! }, lower: { ...(c[1] ?? { denomination: c[0]!.denomination, count: 0 }) } };
      }
    };
  } else if (kind === 'keypad-lcd') {
    const board = new KeypadLcdEmulator(link);
    device = board;
    onSim = (name, data) => {
      if (name === 'press') void board.press(data.key as string);
    };
    void board.boot();
  } else if (kind === 'fingerprint') {
    const zfm = new ZfmEmulator(link);
    device = zfm;
    onSim = (name, data) => {
      if (name !== 'place') return;
      const { customerId, finger, quality } = data as { customerId?: string; finger: number; quality: number };
      const clean = customerId ? synthTemplate(customerId, finger) : strangerTemplate(random);
      zfm.placeFinger(Buffer.from(degrade(clean, quality, random), 'base64'));
    };
  } else {
    const gsm = options.gsm ?? { msisdn: '+260970000000', deliveryDelayMs: 2000 };
    const sim800 = new Sim800Emulator(link, {
      clock: options.clock ?? systemClock,
      deliveryDelayMs: gsm.deliveryDelayMs,
      // The network delivers to the phone, as the virtual modem does.
      deliver: (to, text) => void client?.publishAsync(topics.phoneInbox(to), JSON.stringify({ from: gsm.msisdn, text, ts: (options.clock ?? systemClock).now() }), { qos: 1 }),
    });
    device = sim800;
    onSim = (name, data) => {
      if (name === 'network') sim800.registered = data.registered as boolean;
      else if (name === 'fault') sim800.fault = data as GsmFault;
      else if (name === 'receive') sim800.receive(data.from as string, data.text as string);
    };
    sim800.boot();
  }
  if (client) {
    client.on('message', (topic, buf) => {
      const name = topic.split('/')[4] ?? '';
      const data = parse(name, buf);
      if (data) onSim(name, data);
    });
    await client.subscribeAsync(`atm/${options.atmId}/${simDevice}/sim/+`, { qos: 1 });
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
