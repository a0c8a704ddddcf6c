/**
 * What several commands run: the rig configuration from a config file and the command line, starting the rig
 * (with the demo's fallback to free ports), naming a busy port, and the banner. Loaded by the commands' actions
 * only, never for `--help`: it reads config and profile files and knows the device registry (and so serialport).
 */
import { dirname, join } from 'node:path';
import { baudProblem } from '../../devices/serial/spec.ts';
import { DEVICE_KINDS } from '../../devices/registry.ts';
import { loadProfile } from '../../machines/profiles.ts';
import { didYouMean } from '../../core/suggest.ts';
import { int, type RigOptions } from '../cli-args.ts';
import { BROKER_SCHEMES, BROKER_URL_HINT, loadRigConfig, parseRigConfig, type RigConfigInput } from '../config.ts';
import type { DashboardOptions, RunningDashboard } from '../dashboard.ts';
import type { Rig } from '../rig.ts';
import { PortInUseError } from '../port-clash.ts';
import { paint } from '../ui.ts';

// The broker, the bank and Node-RED load only when a command starts them (over a second of start-up), so a
// mistyped option or a bad file is answered at once.
const startRig: typeof import('../rig.ts').startRig = async (...a) => (await import('../rig.ts')).startRig(...a);

/** Settings the command line sets, by config key: an error about one names the option the user typed. */
const OPTION_OF: Record<string, string> = {
  seed: '--seed',
  clock: '--clock',
  'broker.url': '--broker',
  'broker.port': '--mqtt-port',
  'broker.host': '--mqtt-host',
  'bank.host': '--bank-host',
  'broker.wsPort': '--ws-port',
  'bank.port': '--bank-port',
  'bank.file': '--data',
  'bank.hashLogN': '--hash-cost',
  'dashboard.port': '--dashboard-port',
  'dashboard.flowFile': '--flows',
  'atms[0].id': '--atm',
  'atms[0].profile': '--profile',
  traceSerial: '--trace-serial',
  record: '--record',
  'xfs4iot.port': '--xfs4iot-port',
  'atms[0].controller': '--controller',
};

/** The rig configuration: the --config file, with the command line's options on top; checked, naming the option at fault. */
export async function configFrom(values: RigOptions, command: string): Promise<RigConfigInput> {
  const input = await configInput(values, command);
  try {
    parseRigConfig(input, values.config !== undefined ? `${values.config} with the command line` : 'the command line');
  } catch (err) {
    // "→ at broker.wsPort" means little to someone who typed --ws-port: name the option as well.
    throw new Error(
      (err as Error).message.replace(/→ at ([\w.[\]]+)/g, (m, key: string) => (OPTION_OF[key] ? `${m} (${OPTION_OF[key]})` : m)),
      { cause: err },
    );
  }
  return input;
}

async function configInput(values: RigOptions, command: string): Promise<RigConfigInput> {
  const base: RigConfigInput = values.config !== undefined ? await loadRigConfig(values.config) : {};
  const atm = { ...(base.atms?.[0] ?? {}), id: values.atm ?? base.atms?.[0]?.id ?? 'atm-1' };
  for (const d of values.device ?? []) {
    const m = /^([a-z-]+)=(.+)$/.exec(d);
    if (!m) throw new Error(`--device wants <kind>=<spec>, e.g. fingerprint=serial:/dev/ttyUSB0@57600, not "${d}"`);
    const kind = m[1]!;
    const spec = m[2]!;
    if (!(DEVICE_KINDS as readonly string[]).includes(kind))
      throw new Error(`--device ${d}: no device "${kind}"${didYouMean(kind, DEVICE_KINDS)}; devices: ${DEVICE_KINDS.join(', ')}`);
    const serial = /^serial:.+@(\d+)$/.exec(spec);
    const xfs4iot = /^xfs4iot:wss?:\/\/.+$/.test(spec);
    if (xfs4iot && kind !== 'fingerprint')
      throw new Error(`--device ${d}: an xfs4iot: device is a fingerprint only (an XFS4IoT Biometric service)`);
    if (spec !== 'virtual' && !serial && !xfs4iot)
      throw new Error(
        `--device ${d}: a device is "virtual", "serial:<path>@<baud>" (e.g. ${kind}=serial:/dev/ttyUSB0@57600) or, for a fingerprint, "xfs4iot:ws://user:password@host:port/xfs4iot/v1.0/<service>/"`,
      );
    const badBaud = serial ? baudProblem(Number(serial[1])) : undefined;
    if (badBaud) throw new Error(`--device ${d}: ${badBaud}`);
    atm.devices = { ...atm.devices, [kind]: spec };
  }
  const broker = values.broker;
  if (broker !== undefined && !BROKER_SCHEMES.some((scheme) => broker.startsWith(`${scheme}://`)))
    throw new Error(`--broker ${broker}: not ${BROKER_URL_HINT}`);
  if (values.profile) atm.profile = values.profile;
  if (values.controller) atm.controller = values.controller as 'rig' | 'external';
  // A profile's mistakes (an unknown id, a bad file) are found now, before anything starts; startRig loads it again.
  if (atm.profile) await loadProfile(atm.profile);
  if (command === 'demo') {
    // A demo should not keep anyone waiting: quick SMS and a quick count of notes.
    atm.gsm = { deliveryDelayMs: 800, ...(atm.gsm as object) };
    atm.dispenser = { dispenseMs: 600, ...(atm.dispenser as object) };
  }
  return {
    ...base,
    seed: int('seed', values.seed) ?? base.seed,
    ...(values.traceSerial !== undefined ? { traceSerial: typeof values.traceSerial === 'string' ? values.traceSerial : 'console' } : {}),
    clock: (values.clock as 'system' | 'manual' | undefined) ?? base.clock,
    ...(values.record !== undefined ? { record: values.record } : {}),
    broker: {
      ...base.broker,
      ...(values.broker ? { url: values.broker } : {}),
      ...(values.mqttPort !== undefined ? { port: int('mqtt-port', values.mqttPort) } : {}),
      ...(values.mqttHost !== undefined ? { host: values.mqttHost } : {}),
      ...(values.wsPort !== undefined ? { wsPort: int('ws-port', values.wsPort) } : {}),
      ...(values.insecureBus ? { insecure: true } : {}),
      ...(values.tls && !base.broker?.tls ? { tls: {} } : {}),
    },
    bank: {
      ...base.bank,
      ...(values.bankPort !== undefined ? { port: int('bank-port', values.bankPort) } : {}),
      ...(values.bankHost !== undefined ? { host: values.bankHost } : {}),
      ...(values.data ? { file: values.data } : {}),
      ...(values.hashCost !== undefined ? { hashLogN: int('hash-cost', values.hashCost) } : {}),
    },
    ...(values.xfs4iot || values.xfs4iotPort !== undefined
      ? { xfs4iot: { ...base.xfs4iot, ...(values.xfs4iotPort !== undefined ? { port: int('xfs4iot-port', values.xfs4iotPort) } : {}) } }
      : {}),
    dashboard: {
      ...base.dashboard,
      ...(values.dashboardPort !== undefined ? { port: int('dashboard-port', values.dashboardPort) } : {}),
      ...(values.flows ? { flowFile: values.flows } : {}),
    },
    atms: [atm, ...(base.atms?.slice(1) ?? [])],
  };
}

/** Start the rig; for the demo, fall back to free ports when the usual ones are taken. */
export async function bringUp(config: RigConfigInput, fallback: boolean): Promise<Rig> {
  try {
    return await startRig(config);
  } catch (err) {
    if (!fallback || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw explainPortClash(err);
    console.error(paint('yellow', `A default port is busy (${(err as Error).message}); using free ports instead.`));
    const tls = config.broker?.tls ? { tls: { ...config.broker.tls, port: 0, wsPort: config.broker.tls.wsPort === null ? null : 0 } } : {};
    return startRig({
      ...config,
      broker: { ...config.broker, port: 0, wsPort: config.broker?.wsPort === null ? null : 0, ...tls },
      bank: { ...config.bank, port: 0 },
    }).catch((again: unknown) => {
      throw explainPortClash(again);
    });
  }
}

export function explainPortClash(err: unknown): unknown {
  if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') return err;
  // The broker, the rig and the dashboard's caller name the option behind a busy port.
  if (err instanceof PortInUseError) {
    const mqtt = err.option.startsWith('--mqtt-port');
    const who = mqtt ? 'another program (another atm-rig, or a mosquitto service?)' : 'another program (another atm-rig?)';
    const broker = mqtt ? `, or use that broker with --broker mqtt://localhost:${err.port}` : '';
    return new Error(`${err.message}: ${who} holds it. Pick another with ${err.option} (0 = any free port)${broker}`);
  }
  return new Error(
    `${(err as Error).message}: another program (a mosquitto service?) holds the port. Pick another with --mqtt-port/--ws-port/--bank-port/--dashboard-port (0 = any free port), or use that broker with --broker mqtt://localhost:1883`,
  );
}

/** mosquitto_sub/_pub options to connect as the simulator role. */
export function mosquittoArgs(rig: Rig): string {
  const u = new URL(rig.brokerUrl);
  return `-h ${u.hostname} -p ${u.port} -u ${rig.bus.simulator.username} -P '${rig.bus.simulator.password}'`;
}

/** `demo`: the demo is about to seed its customers, so their absence is not news. */
export function describe(rig: Rig, { demo = false } = {}): string[] {
  const where = rig.bus.dir ? `passwords in ${rig.bus.dir}/credentials.json` : 'in memory only';
  return [
    paint('bold', 'atm-rig is up'),
    `  MQTT        ${rig.brokerUrl}${rig.wsUrl ? `   WebSocket ${rig.wsUrl}` : ''}`,
    ...(rig.tlsUrl
      ? [`  MQTT/TLS    ${rig.tlsUrl}${rig.wssUrl ? `   ${rig.wssUrl}` : ''}   (certificate: ${rig.tlsCertPath ?? 'in memory'})`]
      : []),
    `  bank        ${rig.bank.url}   (OpenAPI: ${rig.bank.url}/openapi.json, data: ${rig.config.bank.file})`,
    `  ATMs        ${rig.atms.map((a) => `${a.id} (${a.profile.id}: ${a.devices.map((d) => d.device.kind + (d.device.impl === 'virtual' ? '' : ` ${d.device.impl}`)).join(', ')})`).join('; ')}`,
    ...(rig.bank.service.records.customerCount() === 0 && !demo
      ? [paint('yellow', `  customers   none yet: npm start, atm-rig seed (rig stopped) or POST /staff/seed adds the demo customers`)]
      : []),
    ...rig.atms.flatMap((a) => {
      const fp = rig.config.atms.find((c) => c.id === a.id)?.fingerprint;
      const serialSensor = a.devices.some((d) => d.device.kind === 'fingerprint' && d.device.impl !== 'virtual');
      return serialSensor && fp?.match === 'module' ? [`  matching    ${a.id}: the fingerprint module decides (match: module)`] : [];
    }),
    ...(rig.config.traceSerial
      ? [
          `  serial      trace ${rig.config.traceSerial === 'console' ? 'on the console (stderr)' : `appended to ${rig.config.traceSerial}`}; secrets masked`,
        ]
      : []),
    ...(rig.config.record
      ? [
          `  recording   the whole bus to ${rig.config.record} (typed PINs and OTPs included: mode 0600); atm-rig replay ${rig.config.record}`,
          ...(rig.bank.service.records.customerCount() > 0
            ? [
                paint(
                  'yellow',
                  `              the bank has customers already: keep a copy of ${rig.config.bank.file} as it is now for atm-rig replay --data`,
                ),
              ]
            : []),
        ]
      : []),
    ...describeXfs4iot(rig),
    ...(rig.faults.rules.length ? [`  faults      ${rig.faults.rules.length} set from the config; atm-rig fault list`] : []),
    `  seed        ${rig.seed}   (replay with --seed ${rig.seed})   clock: ${rig.config.clock}`,
    `  bus users   ${rig.config.broker.insecure ? 'anonymous allowed (--insecure-bus)' : 'required'}; act as "simulator", watch as "observer" (${where})`,
    `  try         mosquitto_sub ${mosquittoArgs(rig)} -t 'atm/#' -t 'phone/#' -v`,
    ...(rig.bank.service.deterministicSecrets
      ? [
          paint(
            'yellow',
            `  OTP codes   from the seed (deterministic test run): anyone who knows the seed knows them; never send them to real phones`,
          ),
        ]
      : []),
    ...(rig.replacedKeys.length
      ? [
          paint(
            'yellow',
            `  ATM keys    ${rig.replacedKeys.join(', ')}: the key kept for it no longer matched the bank; a new one is in atm-keys.json (an ATM application needs it)`,
          ),
        ]
      : []),
    ...(rig.releasedHolds.length
      ? [
          paint(
            'yellow',
            `  holds       released ${rig.releasedHolds.length} withdrawal hold(s) still open when the rig last stopped (${rig.releasedHolds.map((h) => h.id).join(', ')}); staff: GET /staff/holds`,
          ),
        ]
      : []),
  ];
}

/** The XFS4IoT face's URIs, and who runs each ATM. */
function describeXfs4iot(rig: Rig): string[] {
  const face = rig.xfs4iot;
  const external = rig.atms.filter((a) => !a.controller).map((a) => a.id);
  const lines = external.length
    ? [`  controller  ${external.join(', ')}: external (the rig's controller stands aside; an XFS4IoT application runs it)`]
    : [];
  if (!face) return lines;
  return [
    ...lines,
    `  XFS4IoT     ${face.publisherUrl}   (service publisher; docs/xfs4iot.md)`,
    ...face.services.map((s) => `              ${s.uri}   ${s.interfaces.filter((i) => i !== 'Common').join(', ')}`),
    ...rig.atms
      .filter((a) => a.controller)
      .map((a) =>
        paint(
          'yellow',
          `  note        ${a.id} is run by the rig's controller: its keypad is not read over XFS4IoT; --controller external hands it to your application`,
        ),
      ),
    // The application logs in as the ATM's controller (HTTP Basic in the upgrade) and calls the bank with its key.
    ...rig.atms.map((a) => {
      const c = rig.bus.internal.get(`${a.id}.controller`)!;
      const password = rig.bus.dir ? `password in ${rig.bus.dir}/credentials.json` : `password '${c.password}'`;
      const key = rig.bus.dir ? `in ${dirname(rig.bus.dir)}/atm-keys.json` : `'${rig.atmKeys.get(a.id)}'`;
      return `  login       ${a.id}: HTTP Basic ${c.username}, ${password}; bank key ${key}`;
    }),
    // One-service users, e.g. for another rig's xfs4iot: fingerprint (Biometric only).
    ...(face.serviceUsersFile
      ? [`  one service <atm>.<Interface> (e.g. atm-1.Biometric) opens that service only: passwords in ${face.serviceUsersFile}`]
      : rig.atms.map(
          (a) =>
            `  one service ${face.serviceUsers
              .filter((u) => u.atmId === a.id)
              .map((u) => `${u.username} '${u.password}'`)
              .join(', ')}`,
        )),
  ];
}

export function dashboardOptions(rig: Rig, plain: boolean): DashboardOptions {
  const d = rig.config.dashboard;
  const dataDir = rig.config.bank.file === ':memory:' ? './data' : dirname(rig.config.bank.file);
  return {
    host: d.host,
    port: d.port,
    userDir: d.userDir ?? join(dataDir, 'node-red'),
    ...(d.flowFile ? { flowFile: d.flowFile } : {}),
    // The live view owns the screen; with --plain, Node-RED's warnings may interleave.
    ...(plain ? { onWarning: (line: string) => console.error(paint('yellow', line)) } : {}),
  };
}

export function describeDashboard(d: RunningDashboard): string[] {
  return [
    `  dashboard   ${paint('bold', d.dashboardUrl)}   (Node-RED editor: ${d.editorUrl})`,
    `  flows       ${d.flowFile}   (Deploy saves here; Node-RED log: ${d.logFile})`,
  ];
}

export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
