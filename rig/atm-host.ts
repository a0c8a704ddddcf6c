/**
 * The ATMs of one host: each ATM's devices and, unless an outside application runs it, its controller, on a broker
 * and a bank that may be anywhere. `startRig` runs them beside its own broker and bank; `atm-rig atms` runs them
 * against a lab's shared broker and bank (docs/roles.md).
 */
import type { InspectionEvent } from 'xstate';
import { attachDevice, type AttachedDevice } from '../devices/device.ts';
import type { DeviceKind } from '../devices/registry.ts';
import { busUser } from '../devices/topics.ts';
import type { SerialTracer } from '../devices/serial/trace.ts';
import type { RigClock } from '../core/clock.ts';
import type { Random } from '../core/random.ts';
import { loadProfile, type AuthProfile } from '../machines/profiles.ts';
import type { BankPorts } from '../machines/session.types.ts';
import type { BusCredential } from './bus/security.ts';
import type { AtmConfig, RigConfig } from './config.ts';
import { AtmController } from './controller/controller.ts';
import { createDevice } from './device-factory.ts';
import { createRandom } from '../core/random.ts';
import { mapLimit } from '../core/pool.ts';

export interface RunningAtm {
  id: string;
  profile: AuthProfile;
  /** The rig's own controller; none when an outside application runs the ATM (`controller: external`). */
  controller?: AtmController;
  devices: AttachedDevice[];
}

export interface AtmHostOptions {
  atms: readonly AtmConfig[];
  brokerUrl: string;
  bankUrl: string;
  /** Each ATM's key to the bank's ATM routes. */
  atmKeys: ReadonlyMap<string, string>;
  /** A bus user's credential: `<atm>.<device>`, `<atm>.controller`. */
  credential: (user: string) => BusCredential;
  bank: Pick<RigConfig['bank'], 'currency' | 'minorDigits'>;
  clock: RigClock;
  seed: number;
  random: Random;
  tracer?: SerialTracer;
  withoutDevices?: boolean;
  /** Controllers draw every state, not once per turn (a replay: AtmController's drawEveryState). */
  drawEveryState?: boolean;
  inspect?: (atmId: string, profile: AuthProfile, event: InspectionEvent) => void;
  wrapBank?: (atmId: string, ports: BankPorts) => BankPorts;
  /** Told of each part as it starts, so the caller closes what started if a later part fails. */
  started: (name: string, close: () => Promise<unknown>) => void;
}

/** The session machine's seed for one ATM, derived from the rig seed. */
export function sessionSeed(rigSeed: number, atmId: string): number {
  return createRandom(rigSeed).fork(`${atmId}:session`).int(0, 0xffffffff);
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** ATMs started at once: a host of hundreds comes up in seconds, not one connection after another. */
const AT_ONCE = 16;

export function startAtms(o: AtmHostOptions): Promise<RunningAtm[]> {
  return mapLimit(o.atms, AT_ONCE, (atm) => startAtm(o, atm));
}

async function startAtm(o: AtmHostOptions, atm: AtmConfig): Promise<RunningAtm> {
  const profile = await loadProfile(atm.profile);
  const devices: AttachedDevice[] = [];
  for (const kind of o.withoutDevices ? [] : (Object.keys(atm.devices) as DeviceKind[])) {
    const attached = await attachDevice(createDevice(kind, atm, o.tracer), {
      brokerUrl: o.brokerUrl,
      atmId: atm.id,
      clock: o.clock,
      random: o.random.fork(`${atm.id}:${kind}`),
      mqttOptions: o.credential(busUser(atm.id, kind)),
    });
    devices.push(attached);
    o.started(`${atm.id} ${kind}`, () => attached.close());
  }
  if (atm.controller === 'external') return { id: atm.id, profile, devices };
  const controller = await AtmController.start({
    atmId: atm.id,
    profile,
    brokerUrl: o.brokerUrl,
    bankUrl: o.bankUrl,
    bankKey: o.atmKeys.get(atm.id),
    devices: Object.keys(atm.devices) as DeviceKind[],
    ...(o.wrapBank ? { wrapBank: (ports: BankPorts) => o.wrapBank!(atm.id, ports) } : {}),
    clock: o.clock,
    seed: sessionSeed(o.seed, atm.id),
    money: {
      currency: o.bank.currency,
      minorDigits: o.bank.minorDigits,
      amountStep: atm.dispenser.cassettes.map((c) => c.denomination).reduce(gcd),
      maxWithdrawal: atm.maxWithdrawal,
    },
    mqttOptions: o.credential(busUser(atm.id, 'controller')),
    ...(o.drawEveryState ? { drawEveryState: true } : {}),
    ...(o.inspect ? { inspect: (e: InspectionEvent) => o.inspect!(atm.id, profile, e) } : {}),
  });
  o.started(`${atm.id} controller`, () => controller.stop());
  return { id: atm.id, profile, controller, devices };
}
