/**
 * Brings the whole rig up: broker (embedded or external), bank, the devices of every ATM, one controller per
 * ATM; and takes it down again in reverse order. Used by the CLI, the Cucumber world and the benchmark.
 */
import type { AuthProfile } from '../machines/profiles.ts';
import type { InspectionEvent } from 'xstate';
import { createRandom, freshSeed } from '../core/random.ts';
import { startBank, type RunningBank } from './bank/index.ts';
import type { Hold } from './bank/model.ts';
import type { BankPorts } from '../machines/session.types.ts';
import { listenersOf, startBroker, type RunningBroker } from './broker.ts';
import { namePortClash } from './port-clash.ts';
import { probeBroker } from './broker-probe.ts';
import { ManualClock, systemClock, type RigClock } from '../core/clock.ts';
import { serveClock } from './clock-service.ts';
import { busUserOf, prepareBusSecurity, type BusSecurity } from './bus/security.ts';
import { FaultInjector } from './faults/injector.ts';
import { withBusFaults } from './faults/bus-faults.ts';
import { bankFaults } from './faults/bank-faults.ts';
import { serveFaults } from './faults/service.ts';
import { isBusFault } from './faults/rule.ts';
import { startRecorder } from './recording/recorder.ts';
import type { RecordingHeader, RecordLine } from './recording/format.ts';
import { TOPIC_CONTRACT_VERSION } from '../devices/topics.ts';
import { loadOrCreateTls } from './bus/tls.ts';
import { openSerialTrace } from './serial-trace.ts';
import { dirname } from 'node:path';
import { bankSettings, parseRigConfig, type RigConfig, type RigConfigInput } from './config.ts';
import type { RunningFace } from './xfs4iot/face.ts';
import { maskSpec } from './xfs4iot/remote-fingerprint.ts';
import { startAtms, type RunningAtm } from './atm-host.ts';
import { closeWithin, type Closer } from './shutdown.ts';
import { busUser } from '../devices/topics.ts';

export { sessionSeed, type RunningAtm } from './atm-host.ts';

export interface Rig {
  config: RigConfig;
  seed: number;
  clock: RigClock;
  brokerUrl: string;
  wsUrl?: string;
  tlsUrl?: string;
  wssUrl?: string;
  /** The broker's certificate, for clients to pin (when TLS is on and the certificate is on disk). */
  tlsCertPath?: string;
  bank: RunningBank;
  /** The embedded broker, when there is one. */
  broker?: RunningBroker;
  /** Bus users and ACL; `simulator` is what people and tests act with. */
  bus: BusSecurity;
  atms: RunningAtm[];
  /** Each ATM's key to the bank's ATM routes. */
  atmKeys: Map<string, string>;
  /** Holds a crash had left reserved, released at start by the restart rule. */
  releasedHolds: Hold[];
  /** ATMs whose kept bank key no longer matched the bank and was made anew at start. */
  replacedKeys: string[];
  /** Faults on the wire (docs/faults.md): bus faults need the embedded broker, bank faults work always. */
  faults: FaultInjector;
  /** The XFS4IoT face, when on (`xfs4iot` in the config; docs/xfs4iot.md). */
  xfs4iot?: RunningFace;
  close(): Promise<void>;
}

/** Belt and braces: the bank never logs bodies, and these never reach a log line even if it did. */
export const BANK_LOG_REDACT = [
  'req.headers.authorization',
  'req.headers["idempotency-key"]',
  'req.body',
  'res.body',
  '*.pin',
  '*.password',
  '*.code',
  '*.pan',
  '*.phone',
  '*.template',
];

export interface RigHooks {
  /** XState inspection events of each ATM's session actor. */
  inspect?: (atmId: string, profile: AuthProfile, event: InspectionEvent) => void;
  /** Told about every refused connection, publish or subscription on the embedded broker. */
  onDenied?: (what: string) => void;
  /** Where the bank writes its request log (pino JSON lines); none when absent. */
  bankLog?: NodeJS.WritableStream;
  /** Stand between each ATM's controller and the bank: a test that makes one kind of bank call fail. */
  wrapBank?: (atmId: string, ports: BankPorts) => BankPorts;
  /** Every serial trace line (as `traceSerial` writes them), for a test report. */
  serialTrace?: (line: string) => void;
  /** Every line of the run's recording (docs/recording.md), as it is made: the bus from the start, serial traces. */
  record?: (line: RecordLine | RecordingHeader) => void;
  /** Attach no devices: something else speaks for them on the bus (a replay). */
  withoutDevices?: boolean;
  /** Controllers draw the screen at every state, not once per turn of the event loop (a replay). */
  drawEveryState?: boolean;
  /** A clock of one's own, instead of the one `clock` names (a replay starts it where the recording did). */
  clock?: RigClock;
  /** A message the XFS4IoT face would have sent that its own schema refuses, or a handler that threw (a test fails on
   *  either); without it, a process warning. */
  xfs4iotProblem?: (problem: string) => void;
}

export async function startRig(input: RigConfigInput = {}, hooks: RigHooks = {}): Promise<Rig> {
  const config = parseRigConfig(input);
  const seed = config.seed ?? freshSeed();
  const random = createRandom(seed);
  const clock: RigClock = hooks.clock ?? (config.clock === 'manual' ? new ManualClock() : systemClock);
  const closers: Closer[] = [];
  // Shut down in reverse order, each part within its time.
  const close = async () => {
    for (const part of closers.reverse()) await closeWithin(part);
  };

  let closeRecorder: { name: string; close: () => Promise<unknown> } | undefined;
  let abandonBank: (() => Promise<unknown>) | undefined;
  const replacedKeys: string[] = [];
  try {
    const faults = new FaultInjector(
      clock,
      random.fork('faults'),
      config.atms.map((a) => a.id),
    );
    for (const [i, rule] of config.faults.entries()) {
      if (isBusFault(faults.add(rule, `faults[${i}]`)) && config.broker.url)
        throw new Error(`invalid rig configuration: faults[${i}] is a bus fault, which needs the embedded broker (broker.url is set)`);
    }
    // The bank (its store, its staff password's slow hash check) starts beside the bus (its users' password checks):
    // each waits on hashing in the thread pool, and side by side they save a fifth of `atm-rig up`'s start.
    const deterministicSecrets = config.clock === 'manual' || config.record !== undefined || config.bank.deterministicSecrets;
    // The face comes up after the devices; the bank's SMS gateway finds it then.
    let face: RunningFace | undefined;
    const bankStarting = startBank({
      ...bankSettings(config.bank, seed),
      clock,
      // Replayable codes only where a run is meant to replay: a manual clock, a recording, or asked for (the banner
      // says so).
      deterministicSecrets,
      atmWire: bankFaults(faults),
      // The bank sends an OTP's SMS itself only for an application over XFS4IoT, which has no modem interface.
      ...(config.xfs4iot
        ? {
            smsGateway: (atmId: string, sms: { to: string; text: string }) =>
              face ? face.sendSms(atmId, sms) : Promise.resolve({ ok: false as const, reason: 'the XFS4IoT face is not up yet' }),
          }
        : {}),
      ...(hooks.bankLog ? { logger: { level: 'trace', stream: hooks.bankLog, redact: BANK_LOG_REDACT } } : {}),
    }).catch((err: unknown) => {
      throw namePortClash(err, config.bank.port, '--bank-port / bank.port');
    });
    // A bank that starts while the bus fails is closed all the same (the closers are not told of it until then).
    bankStarting.catch(() => undefined);
    abandonBank = () => bankStarting.then((b) => b.close()).catch(() => undefined);
    // No session survives a restart: holds still reserved now were left by a crash (docs/security.md). The ATMs' keys
    // are checked against the bank's hashes (slow on purpose) meanwhile too.
    const bankReady = bankStarting.then(async (b) => ({
      releasedHolds: await b.service.releaseHoldsLeftByACrash(),
      atmKeys: await b.provisionAtms(
        config.atms.map((a) => a.id),
        { replaced: (ids) => replacedKeys.push(...ids) },
      ),
    }));
    bankReady.catch(() => undefined);
    const dataDir = config.bank.file === ':memory:' ? undefined : dirname(config.bank.file);
    const bus = await prepareBusSecurity(
      config.atms.map((a) => a.id),
      dataDir,
      { insecure: config.broker.insecure, iterations: config.broker.hashIterations, onDenied: hooks.onDenied },
    );
    const creds = (role: string) => {
      const c = bus.internal.get(role)!;
      return { username: c.username, password: c.password };
    };
    let broker: RunningBroker | undefined;
    let tlsCertPath: string | undefined;
    // The broker's TLS identity; the XFS4IoT face serves wss:// with it too.
    const t = config.broker.tls;
    const tls =
      t && (!config.broker.url || config.xfs4iot) ? await loadOrCreateTls({ certPath: t.cert, keyPath: t.key, dir: bus.dir }) : undefined;
    if (tls) tlsCertPath = tls.certPath;
    if (!config.broker.url) {
      broker = await startBroker({
        ...listenersOf(config.broker, tls),
        hooks: withBusFaults(bus.hooks, faults, () => broker!.aedes, busUserOf),
        ...(hooks.onDenied ? { onRefused: hooks.onDenied } : {}),
      });
      closers.push({ name: 'broker', close: () => broker!.close() });
    }
    const brokerUrl = config.broker.url ?? broker!.url;
    if (config.broker.url) await probeBroker(config.broker.url, { ...creds('rig.clock'), busDir: bus.dir });

    const clockService = await serveClock(clock, brokerUrl, creds('rig.clock'));
    closers.push({ name: 'clock service', close: () => clockService.close() });
    const faultService = await serveFaults(faults, brokerUrl, creds('rig.faults'), { busFaults: !config.broker.url });
    closers.push({ name: 'fault service', close: () => faultService.close() });

    const bank = await bankStarting;
    closers.push({ name: 'bank', close: () => bank.close() });
    abandonBank = undefined;
    // The config's bank faults are checked against the bank's routes, now that it has them.
    const unreachable = faults.unreachableRules();
    if (unreachable.length) throw new Error(`invalid rig configuration: faults ${unreachable.join('; ')}`);
    const { releasedHolds, atmKeys } = await bankReady;

    // The recorder starts before any device, so the recording has every device's first state.
    const recorder =
      config.record || hooks.record
        ? await startRecorder({
            brokerUrl,
            credentials: creds('rig.recorder'),
            clock,
            header: {
              contract: TOPIC_CONTRACT_VERSION,
              seed,
              clock: config.clock,
              deterministicSecrets,
              // An xfs4iot: device's password stays out of the file.
              atms: config.atms.map((a) => ({
                id: a.id,
                profile: a.profile,
                devices: Object.fromEntries(Object.entries(a.devices).map(([k, v]) => [k, maskSpec(v)])),
              })),
              customers: bank.service.records.customerCount() === 0 ? 'none' : 'unknown',
            },
            ...(config.record ? { file: config.record } : {}),
            ...(hooks.record ? { onLine: hooks.record } : {}),
          })
        : undefined;
    const offNote = recorder && bank.service.onNote((note) => recorder.bank(note));
    // A recording ends where the run ends, before the rig's own shutdown: first to close (pushed below, last).
    closeRecorder = recorder && { name: 'recorder', close: () => (offNote?.(), recorder.close()) };
    const traceLine =
      recorder || hooks.serialTrace
        ? (line: string) => {
            hooks.serialTrace?.(line);
            recorder?.serial(line);
          }
        : undefined;
    const serialTrace = openSerialTrace(config.traceSerial, traceLine, clock);
    closers.push({ name: 'serial trace', close: () => serialTrace.close() });
    const atms = await startAtms({
      atms: config.atms,
      brokerUrl,
      bankUrl: bank.url,
      atmKeys,
      credential: creds,
      bank: config.bank,
      clock,
      seed,
      random,
      tracer: serialTrace.tracer,
      ...(hooks.withoutDevices ? { withoutDevices: true } : {}),
      ...(hooks.drawEveryState ? { drawEveryState: true } : {}),
      ...(hooks.inspect ? { inspect: hooks.inspect } : {}),
      ...(hooks.wrapBank ? { wrapBank: hooks.wrapBank } : {}),
      started: (name, c) => closers.push({ name, close: c }),
    });

    if (config.xfs4iot) {
      const { startFace } = await import('./xfs4iot/face.ts');
      const x = config.xfs4iot;
      face = await startFace({
        brokerUrl,
        host: x.host,
        ...(x.port !== undefined ? { port: x.port } : {}),
        ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
        clock,
        money: { currency: config.bank.currency, minorDigits: config.bank.minorDigits },
        atms: config.atms.map((a) => ({ id: a.id, credential: creds(busUser(a.id, 'controller')), controller: a.controller })),
        ...(dataDir ? { dataDir } : {}),
        ...(hooks.xfs4iotProblem
          ? { onInvalid: hooks.xfs4iotProblem, onError: (e: unknown) => hooks.xfs4iotProblem!(`handler failed: ${String(e)}`) }
          : {}),
      });
      const running = face;
      closers.push({ name: 'XFS4IoT face', close: () => running.close() });
    }

    if (closeRecorder) closers.push(closeRecorder);
    return {
      config,
      seed,
      clock,
      brokerUrl,
      wsUrl: broker?.wsUrl,
      tlsUrl: broker?.tlsUrl,
      wssUrl: broker?.wssUrl,
      tlsCertPath,
      bank,
      broker,
      bus,
      atms,
      atmKeys,
      releasedHolds,
      replacedKeys,
      faults,
      ...(face ? { xfs4iot: face } : {}),
      close,
    };
  } catch (err) {
    await closeRecorder?.close().catch(() => undefined);
    await abandonBank?.();
    await close();
    throw err;
  }
}
