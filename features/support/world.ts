/**
 * The Cucumber world. Each scenario gets its own rig: embedded broker and bank on free ports, an in-memory bank,
 * a manual clock and cheap hashing. A person talks to it over MQTT and HTTP only, like a real user. The rig
 * starts lazily at the first step that needs it, so `Given` steps can configure it first. On failure the
 * bus traffic and the last LCD screen are attached to the report, with the seed to replay.
 */
import {
  After,
  Before,
  BeforeStep,
  setDefaultTimeout,
  setDefinitionFunctionWrapper,
  setWorldConstructor,
  World,
  type ITestCaseHookParameter,
  type IWorldOptions,
} from '@cucumber/cucumber';
import { traceText } from '../../rig/bus-trace.ts';
import { parseProfile, type AuthProfile } from '../../machines/profiles.ts';
import type { BankPorts } from '../../machines/session.types.ts';
import { firstRequestedFinger } from '../../machines/session.machine.ts';
import { AtmClient } from '../../rig/atm-client.ts';
import type { AtmConfig, RigConfigInput } from '../../rig/config.ts';
import { sessionSeed, startRig, type Rig, type RunningAtm } from '../../rig/rig.ts';
import { startEmulator, type RunningEmulator } from '../../devices/serial/emulate.ts';
import type { EmulatorModule } from '../../devices/serial/emulator-module.ts';
import { busUser, topics } from '../../devices/topics.ts';
import { openPtyPair } from '../../devices/serial/pty.ts';
import { EMULATORS, SERIAL_KINDS, type DeviceKind } from '../../devices/registry.ts';
import { DEMO_CUSTOMERS } from '../../rig/seed.ts';
import { recordTransitions } from './coverage.ts';
import { attachRecording } from './recording.ts';
import type { RecordingHeader, RecordLine } from '../../rig/recording/format.ts';
import { BROKER_HASH_ITERATIONS, brokerMode, externalBroker, mosquittoMissing } from './broker.ts';
import { appScreen, startReferenceApp, untilAppScreen, type ReferenceApp } from './xfs4iot.ts';

setDefaultTimeout(20_000);

/** The `serial` profile (or ATM_RIG_SERIAL=1): every device with a serial driver runs over a pty pair against its
 *  emulator. */
function serialMode(parameters: { serial?: unknown } | undefined): boolean {
  return parameters?.serial === true || process.env.ATM_RIG_SERIAL === '1';
}

/** The `xfs4iot` profile: the reference XFS4IoT application runs the ATMs, the rig's controller stands aside. */
function xfs4iotMode(parameters: { xfs4iot?: unknown } | undefined): boolean {
  return parameters?.xfs4iot === true;
}

/**
 * The options of a step that also runs under the `xfs4iot` profile (`When('...', XFS4IOT, fn)`), against the
 * reference application: it waits on what the bus shows of any ATM application (the LCD, the devices, the phone,
 * the bank) where the rig's controller's session state is not there. Every other step is refused under that
 * profile, never passed silently (docs/steps.md lists which run there).
 */
export const XFS4IOT = { wrapperOptions: { xfs4iot: true } };

/** The run's seed: ATM_RIG_SEED replays a failure; otherwise fresh, and printed in every scenario's log. */
const RUN_SEED = process.env.ATM_RIG_SEED ? Number(process.env.ATM_RIG_SEED) >>> 0 : Math.floor(Math.random() * 0xffffffff);

/** A customer as the scenario knows them: their credentials are what the person would remember. */
export interface Person {
  name: string;
  id: string;
  phone: string;
  pin?: string;
  password?: string;
  username?: string;
  pan?: string;
  account: string;
  fingers: number[];
  /** Whose ridges the virtual sensor reads for this person: their customer id, unless enrolled another way. */
  fingerIdentity?: string;
}

/** What to tell the virtual sensor a person's finger is. */
export function fingerOf(p: Person): string {
  return p.fingerIdentity ?? p.id;
}

export const DEFAULT_GSM_DELAY_MS = 2000;
export const DEFAULT_DISPENSE_MS = 1500;

export class AtmWorld extends World {
  rig?: Rig;
  /** The person at the first ATM. */
  person?: AtmClient;
  /** The ATMs of the scenario ("Given ATMs atm-1 and atm-2 running seed001"); the first is the default. */
  atmIds: string[] = ['atm-1'];
  /** A person at each ATM, by ATM id. */
  readonly clients = new Map<string, AtmClient>();
  /** The world itself; a view of it at another ATM (`at`) shares everything with it. */
  readonly root: AtmWorld = this;
  seed = RUN_SEED;
  profile: string | AuthProfile = 'seed001';
  /** Settings the Given steps add before the rig starts. */
  atmOverrides: Partial<AtmConfig> = {};
  bankOverrides: NonNullable<RigConfigInput['bank']> = {};
  readonly people = new Map<string, Person>();
  /** Who the scenario is about ("she" in the steps). */
  current?: Person;
  /** The last OTP each person read on their phone (to try it again). */
  readonly lastOtp = new Map<string, string>();
  /** Bank calls that fail in this scenario ("Given the bank fails to issue OTPs"). */
  readonly failingBankCalls = new Set<keyof BankPorts>();
  #starting?: Promise<{ rig: Rig; person: AtmClient }>;

  /** The `serial` profile: the first ATM's devices on serial ports, against their emulators. */
  readonly serialMode: boolean;
  /** `embedded`, `mosquitto` or a broker's URL (the `broker` profile, ATM_RIG_BROKER): see support/broker.ts. */
  readonly brokerMode: string;
  /** The `xfs4iot` profile: the reference application runs every ATM over XFS4IoT (support/xfs4iot.ts). */
  readonly xfs4iot: boolean;
  /** That application, once the rig runs. */
  referenceApp?: ReferenceApp;
  /** What the XFS4IoT face would have sent that its own schema refuses: a scenario with any fails. */
  readonly xfs4iotProblems: string[] = [];
  /** The step running now, for a refusal to name it. */
  currentStep?: string;

  constructor(options: IWorldOptions) {
    super(options);
    this.serialMode = serialMode(options.parameters as { serial?: unknown });
    this.brokerMode = brokerMode(options.parameters as { broker?: unknown });
    this.xfs4iot = xfs4iotMode(options.parameters as { xfs4iot?: unknown });
    if (this.xfs4iot && (this.serialMode || this.brokerMode !== 'embedded'))
      throw new Error('the xfs4iot profile runs on the embedded broker with virtual devices: not with serial or broker');
  }

  /** The ATM the steps act on: the first, unless this is a view of the world at another (`at`). */
  get atmId(): string {
    return this.atmIds[0]!;
  }

  /** This world at another ATM, for a step that names it ("When Bob authenticates at atm-2"). */
  at(atmId: string): AtmWorld {
    if (!this.atmIds.includes(atmId)) throw new Error(`no ATM "${atmId}" in this scenario (ATMs: ${this.atmIds.join(', ')})`);
    const view = Object.create(this.root) as AtmWorld;
    Object.defineProperty(view, 'atmId', { value: atmId });
    return view;
  }

  /** The running ATM the steps act on. */
  get atm(): RunningAtm {
    const atm = this.root.rig?.atms.find((a) => a.id === this.atmId);
    if (!atm) throw new Error(`the rig is not running ${this.atmId}`);
    return atm;
  }

  /** The configuration of the ATM the steps act on. */
  get atmConfig(): AtmConfig {
    return this.root.rig!.config.atms.find((a) => a.id === this.atmId)!;
  }

  /** Given steps that configure the rig must come before any step that uses it. */
  configure(what: string, apply: () => void) {
    if (this.root.#starting)
      throw new Error(`"${what}" must come before any step that uses the ATM or the bank: the rig is already running`);
    apply();
  }

  /** Use a seed whose first session asks for `finger` (the search starts at the run's seed, so it stays replayable). */
  seedAskingFor(finger: number) {
    for (let s = this.seed; ; s = (s + 1) >>> 0) {
      if (firstRequestedFinger(sessionSeed(s, this.atmId)) === finger) {
        this.seed = s;
        return;
      }
    }
  }

  /** Emulators and pty pairs of the serial mode and an external broker: closed after the scenario, after the rig. */
  readonly cleanup: (() => Promise<unknown>)[] = [];
  /** The serial trace of the serial mode (every byte on every port, decoded, masked), attached to the report. */
  readonly serialTrace: string[] = [];
  /** The scenario's recording (docs/recording.md): attached masked to the report; kept whole with ATM_RIG_RECORD_DIR. */
  readonly recording: { header?: RecordingHeader; lines: RecordLine[] } = { lines: [] };
  /** The serial mode's emulators, by the device kinds they serve: a scenario cuts their power. */
  readonly emulators = new Map<string, RunningEmulator>();

  /** The rig, started on first use with whatever the Given steps configured, and the person at this ATM. */
  async ready(): Promise<{ rig: Rig; person: AtmClient }> {
    const root = this.root;
    root.#starting ??= root.#start();
    const { rig } = await root.#starting;
    return { rig, person: root.clients.get(this.atmId)! };
  }

  #start(): Promise<{ rig: Rig; person: AtmClient }> {
    return (async () => {
      const profileSpec = typeof this.profile === 'string' ? this.profile : await this.#writeProfile(this.profile);
      // Serial mode: each device with a serial driver sits on a pty pair with its emulator at the other end.
      // The keypad and the LCD are one board on one port.
      const serialEnds = new Map<EmulatorModule, string>();
      // Serial mode puts the first ATM's devices on ports; the others stay virtual.
      let firstDevices = this.atmOverrides.devices;
      if (this.serialMode) {
        const devices: Record<string, string> = {};
        for (const emulator of EMULATORS) {
          if (!emulator.serves.every((k) => (SERIAL_KINDS as readonly string[]).includes(k))) continue;
          const pair = await openPtyPair();
          this.cleanup.push(() => pair.close());
          for (const k of emulator.serves) devices[k] = `serial:${pair.a}@57600`;
          serialEnds.set(emulator, pair.b);
        }
        firstDevices = { ...firstDevices, ...devices } as AtmConfig['devices'];
      }
      // Another broker (the broker profile): the rig's bus users provisioned in it, the bank's file next to them.
      const external = this.brokerMode === 'embedded' ? undefined : await externalBroker(this.brokerMode, this.atmIds);
      if (external) this.cleanup.push(() => external.close());
      this.rig = await startRig(
        {
          seed: this.seed,
          clock: 'manual',
          broker: external ? { url: external.url, hashIterations: BROKER_HASH_ITERATIONS } : { port: 0, wsPort: null, hashIterations: 10 },
          bank: { port: 0, file: external?.bankFile ?? ':memory:', hashLogN: 10, ...this.bankOverrides },
          // The xfs4iot profile: the face on a free port, the rig's controller standing aside.
          ...(this.xfs4iot ? { xfs4iot: { port: 0 } } : {}),
          atms: this.atmIds.map((id, i) => ({
            id,
            profile: profileSpec,
            gsm: { deliveryDelayMs: DEFAULT_GSM_DELAY_MS },
            dispenser: { dispenseMs: DEFAULT_DISPENSE_MS },
            ...this.atmOverrides,
            ...(i === 0 && firstDevices ? { devices: firstDevices } : {}),
            ...(this.xfs4iot ? { controller: 'external' as const } : {}),
          })),
        },
        {
          // Path coverage counts the rig's statechart only: an outside application takes none of its transitions.
          ...(this.xfs4iot ? { xfs4iotProblem: (p: string) => void this.xfs4iotProblems.push(p) } : { inspect: recordTransitions }),
          record: (line) => {
            if ('recording' in line) this.recording.header = line;
            else this.recording.lines.push(line);
          },
          ...(this.serialMode ? { serialTrace: (line: string) => void this.serialTrace.push(line) } : {}),
          // Bank calls a scenario has made fail (a bank that is up but refuses one kind of request).
          wrapBank: (_atm, ports) =>
            new Proxy(ports, {
              get: (target, name: keyof BankPorts) =>
                this.failingBankCalls.has(name) ? () => Promise.reject(new Error(`bank ${name} fails (scenario)`)) : target[name],
            }),
        },
      );
      for (const [module, end] of serialEnds) {
        const emulator = await startEmulator(module.name, end, {
          atmId: this.atmId,
          brokerUrl: this.rig.brokerUrl,
          credentials: this.rig.bus.internal.get(busUser(this.atmId, module.serves[0]))!,
          seed: this.seed,
          clock: this.rig.clock,
          settings: this.atmConfig,
        });
        this.cleanup.unshift(() => emulator.close());
        for (const kind of module.serves) this.emulators.set(kind, emulator);
      }
      for (const id of this.atmIds) this.clients.set(id, await AtmClient.connect(this.rig.brokerUrl, id, this.rig.bus.simulator));
      this.person = this.clients.get(this.atmId)!;
      // In serial mode, wait until every serial device has shaken hands with its module.
      for (const kind of Object.keys(this.atmConfig.devices).filter((k) => this.atmConfig.devices[k as DeviceKind] !== 'virtual')) {
        const state = () => this.person!.messages.findLast((m) => m.topic === topics.deviceState(this.atmId, kind))?.payload;
        await this.person.until(
          () => state()?.online === true && String(state()?.impl).startsWith('serial:'),
          `the serial ${kind} to come online`,
          10_000,
        );
      }
      if (this.xfs4iot) {
        // The reference application at every ATM, in this process but only over XFS4IoT and HTTP; the rig is ready
        // when it shows its welcome screen, which it draws once a key or card would reach it.
        this.referenceApp = await startReferenceApp(
          this.rig,
          this.atmIds,
          typeof this.profile === 'string' ? this.profile : this.profile.id,
        );
        for (const [id, person] of this.clients)
          await untilAppScreen(person, (s) => s.screen === 'welcome' && s.ready, `${id} welcome`, 10_000);
        return { rig: this.rig, person: this.person };
      }
      // Out of service until every device is there; then idle.
      for (const [id, person] of this.clients) await person.until(() => person.session?.state === 'idle', `${id} to be idle`, 10_000);
      return { rig: this.rig, person: this.person };
    })();
  }

  async #writeProfile(profile: AuthProfile): Promise<string> {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(await mkdtemp(join(tmpdir(), 'atm-rig-profile-')), `${profile.id}.json`);
    await writeFile(file, JSON.stringify(profile));
    return file;
  }

  useProfile(data: unknown) {
    this.profile = parseProfile(data, 'the scenario');
  }

  get profileTiers(): string[] {
    const p = this.root.rig?.atms.find((a) => a.id === this.atmId)?.profile;
    return p ? p.tiers.map((t) => t.kind) : [];
  }

  /** "Alice", "Alice Banda", or a customer enrolled from a table. */
  named(name: string): Person {
    const p = this.people.get(name) ?? [...this.people.values()].find((x) => x.name.split(' ')[0] === name);
    if (!p)
      throw new Error(
        `nobody called "${name}" is enrolled in this scenario: use "Given the demo customers are enrolled" or a customers table (known: ${[...this.people.keys()].join(', ') || 'none'})`,
      );
    this.root.current = p;
    return p;
  }

  registerDemoCustomers(accounts: Map<string, string>) {
    for (const c of DEMO_CUSTOMERS) {
      this.people.set(c.kyc.name, {
        name: c.kyc.name,
        id: c.id,
        phone: c.kyc.phone,
        pin: c.pin,
        password: c.password,
        username: c.username,
        pan: c.pan,
        account: accounts.get(c.id)!,
        fingers: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      });
    }
  }

  async http<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    const { rig } = await this.ready();
    // Staff and ATM routes need a login (staff, as the branch's own tools would have); the web ATM's routes are
    // the customer's own.
    const staff = path.startsWith('/web/') ? {} : await rig.bank.staffHeaders();
    const res = await fetch(rig.bank.url + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...staff, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** An HTTP call that must succeed. */
  async bank<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.http<T>(method, path, body, headers);
    if (res.status >= 400) throw new Error(`bank ${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async balanceOf(p: Person): Promise<{ balance: number; available: number }> {
    return this.bank('GET', `/accounts/${p.account}`);
  }
}

setWorldConstructor(AtmWorld);

let warnedNoMosquitto = false;
/** The hooks run under every profile (the refusal below is for steps). */
const hooks = new WeakSet<object>();
const hook = <F extends object>(fn: F): F => (hooks.add(fn), fn);

Before(
  hook(function (this: AtmWorld) {
    this.log(`seed ${this.seed} (replay with ATM_RIG_SEED=${this.seed})`);
    if (this.xfs4iot) this.log('xfs4iot: the reference application runs the ATMs over XFS4IoT; the rig seed does not choose its fingers');
    if (this.brokerMode !== 'embedded') this.log(`broker: ${this.brokerMode}`);
    const missing = mosquittoMissing(this.brokerMode);
    if (!missing) return;
    if (!warnedNoMosquitto) console.warn(`\natm-rig: skipping the scenarios on Mosquitto: ${missing}`);
    warnedNoMosquitto = true;
    return 'skipped';
  }),
);

BeforeStep(
  hook(function (this: AtmWorld, { pickleStep }: { pickleStep: { text: string } }) {
    this.currentStep = pickleStep.text;
  }),
);

/** A failing step says how to replay it in its own error: the console summary and the JUnit report show the
 *  error message, not the scenario's log. */
const REPLAY = `replay with ATM_RIG_SEED=${RUN_SEED}`;
setDefinitionFunctionWrapper((fn: (...args: unknown[]) => unknown, options?: { xfs4iot?: boolean }) => {
  // Cucumber reads a step's parameter count from `length`: keep it.
  const wrapped = async function (this: unknown, ...args: unknown[]) {
    if (this instanceof AtmWorld && this.xfs4iot && !options?.xfs4iot && !hooks.has(fn))
      throw new Error(
        `refused under the xfs4iot profile: the step "${this.currentStep}" has not been made to work against an XFS4IoT ` +
          "application (it needs the rig's own controller: its session state or events, or its seed); the steps " +
          'that run there are marked xfs4iot in the tables of docs/steps.md',
      );
    try {
      return await fn.apply(this, args);
    } catch (err) {
      if (err instanceof Error && !err.message.includes(REPLAY)) err.message += `\n(${REPLAY})`;
      throw err;
    }
  };
  Object.defineProperty(wrapped, 'length', { value: fn.length });
  return wrapped;
});

After(
  hook(async function (this: AtmWorld, { result, pickle }: ITestCaseHookParameter) {
    if (this.referenceApp) {
      await this.referenceApp.stop();
      if (result?.status === 'FAILED')
        this.attach(this.referenceApp.log.join('\n'), { mediaType: 'text/plain', fileName: 'reference application log' });
    }
    if (result?.status === 'FAILED' && this.person) {
      this.log(REPLAY);
      const shown = this.xfs4iot
        ? `reference application's screen: ${JSON.stringify(appScreen(this.person))}`
        : `session: ${JSON.stringify(this.person.session, null, 2)}`;
      this.attach(`${this.person.lcd.join('\n')}\n\n${shown}`, {
        mediaType: 'text/plain',
        fileName: 'LCD and session',
      });
      this.attach(traceText(this.person.messages), { mediaType: 'text/plain', fileName: 'bus trace (rig clock, secrets masked)' });
    }
    // A serial scenario's report carries the bytes of its ports, pass or fail: the hardware engineer's evidence.
    if (this.serialTrace.length > 0)
      this.attach(this.serialTrace.join('\n'), { mediaType: 'text/plain', fileName: 'serial trace (rig clock, secrets masked)' });
    for (const client of this.clients.values()) await client.close();
    await this.rig?.close();
    await attachRecording(this, pickle.name);
    for (const c of this.cleanup) await c().catch(() => undefined);
    if (this.xfs4iotProblems.length > 0)
      throw new Error(`the XFS4IoT face refused to send its own messages:\n${this.xfs4iotProblems.join('\n')}`);
  }),
);
