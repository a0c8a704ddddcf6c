/**
 * atm-rig command line.
 *
 *   atm-rig up        broker + bank + devices + controllers, with a live view (--dashboard: and Node-RED)
 *   atm-rig demo      what `npm start` runs: seed, then walk one customer through seed001
 *   atm-rig seed      write the demo customers into the bank file and print their test credentials
 *   atm-rig profiles  list the built-in auth profiles
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { baudProblem } from '../devices/serial/spec.ts';
import { DEVICE_KINDS } from '../devices/registry.ts';
import { busUser } from '../devices/topics.ts';
import { BUILT_IN_PROFILES, loadProfile } from '../machines/profiles.ts';
import { DEFAULT_HASH_COST } from './bank/secrets.ts';
import { parseCli } from './cli-args.ts';
import { BROKER_SCHEMES, BROKER_URL_HINT, loadRigConfig, parseRigConfig, type RigConfigInput } from './config.ts';
import type { DashboardOptions, RunningDashboard } from './dashboard.ts';
import type { Rig } from './rig.ts';
import { seedDemo } from './seed.ts';
import { namePortClash, PortInUseError } from './port-clash.ts';
import { paint } from './ui.ts';
import { systemClock } from '../core/clock.ts';
import { anonymise, classSizesOfCsv, loadHierarchies, quasiIdentifiers, toCsv } from './privacy/export.ts';
import { installLastResort } from './last-resort.ts';
import { didYouMean } from '../core/suggest.ts';

// The broker, the bank, Node-RED and serialport load only for the commands that run them (over a second of
// start-up), so a mistyped option or a bad file is answered at once.
const startRig: typeof import('./rig.ts').startRig = async (...a) => (await import('./rig.ts')).startRig(...a);
const createBankService: typeof import('./bank/index.ts').createBankService = async (...a) => (await import('./bank/index.ts')).createBankService(...a);
const runDemo: typeof import('./demo.ts').runDemo = async (...a) => (await import('./demo.ts')).runDemo(...a);
const startDashboard: typeof import('./dashboard.ts').startDashboard = async (...a) => (await import('./dashboard.ts')).startDashboard(...a);
const startLiveView: typeof import('./live-view.ts').startLiveView = async (...a) => (await import('./live-view.ts')).startLiveView(...a);
const listPorts: typeof import('../devices/serial/ports.ts').listPorts = async (...a) => (await import('../devices/serial/ports.ts')).listPorts(...a);

const HELP = `atm-rig: hardware-in-the-loop test rig for multi-factor ATMs

Usage: atm-rig <command> [options]

Commands:
  up         start the broker, the bank, the devices and the ATM controller; show a live view
  demo       seed the demo customers, then walk one through the seed001 profile over MQTT
  seed       create or reset the demo customers in the bank file and print their test credentials
  profiles   list the built-in auth profiles
  export     write a k-anonymised CSV of customers and transactions (Flash search over hierarchies)
  ports      list this machine's serial ports
  emulate    serve a device emulator on a serial port: atm-rig emulate fingerprint --port /dev/pts/3

Options:
  --config <file>      rig configuration (JSON; see docs/configuration.md)
  --broker <url>       use this MQTT broker instead of the embedded one (mqtt://host:port)
  --mqtt-port <n>      embedded broker TCP port (default 1883; 0 = any free port)
  --ws-port <n>        embedded broker WebSocket port (default 9001; 0 = any free port)
  --bank-port <n>      bank HTTP port (default 3000; 0 = any free port)
  --data <file>        bank data file (default ./data/bank.json; ":memory:" keeps nothing)
  --atm <id>           ATM id (default atm-1)
  --profile <id|file>  auth profile: seed000, seed001, seed002 or a JSON file (default seed001)
  --seed <n>           seed for every random choice, to replay a run (default: fresh, printed)
  --clock <mode>       system (default) or manual (time moves on rig/clock/sim/advance)
  --insecure-bus       let MQTT clients connect without credentials (default: every client needs a bus user)
  --tls                also listen on mqtts:// 8883 and wss:// 8884 (certificate made at first start in <data>/bus/tls)
  --hash-cost <logN>   scrypt cost as log2(N) (default 15; 10 is cheap, for tests)
  --once               demo: exit when the session is over (0 if it completed)
  --plain              up: print one line per change instead of redrawing the screen
  --dashboard          up: also start Node-RED with the Dashboard 2.0 demo (what npm run dashboard does)
  --dashboard-port <n> Node-RED's port (default 1880; 0 = any free port): editor at /, dashboard at /dashboard
  --flows <file>       the Node-RED flow file (default flows/atm-demo.json; a new file starts as a copy of it)
  --k <n>              export: every row's quasi-identifiers shared by at least k customers (default 5)
  --suppress <share>   export: largest share of customers that may be left out, 0-1 (default 0.05)
  --hierarchies <file> export: generalisation hierarchies (default rig/privacy/hierarchies.json)
  --out <file>         export: the CSV to write (default export.csv)
  --device <k=spec>    a device of the ATM, virtual or real: --device fingerprint=serial:/dev/ttyUSB0@57600
                       (repeat for several devices)
  --port <path>        emulate: the serial port to serve the emulator on
  --baud <n>           emulate: baud rate (default 57600)
  -h, --help           this help
`;

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, not "${value}"`);
  return n;
}

/** Settings the command line sets, by config key: an error about one names the option the user typed. */
const OPTION_OF: Record<string, string> = {
  seed: '--seed', clock: '--clock', 'broker.url': '--broker', 'broker.port': '--mqtt-port', 'broker.wsPort': '--ws-port',
  'bank.port': '--bank-port', 'bank.file': '--data', 'bank.hashLogN': '--hash-cost', 'dashboard.port': '--dashboard-port',
  'dashboard.flowFile': '--flows', 'atms[0].id': '--atm', 'atms[0].profile': '--profile',
};

async function configFrom(values: Record<string, string | boolean | string[] | undefined>, command: string): Promise<RigConfigInput> {
  const input = await configInput(values, command);
  try {
    parseRigConfig(input, typeof values.config === 'string' ? `${values.config} with the command line` : 'the command line');
  } catch (err) {
    // "→ at broker.wsPort" means little to someone who typed --ws-port: name the option as well.
    throw new Error((err as Error).message.replace(/→ at ([\w.[\]]+)/g, (m, key: string) => (OPTION_OF[key] ? `${m} (${OPTION_OF[key]})` : m)));
  }
  return input;
}

async function configInput(values: Record<string, string | boolean | string[] | undefined>, command: string): Promise<RigConfigInput> {
  const base: RigConfigInput = typeof values.config === 'string' ? await loadRigConfig(values.config) : {};
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const atm = { ...(base.atms?.[0] ?? {}), id: str('atm') ?? base.atms?.[0]?.id ?? 'atm-1' };
  for (const d of (values.device as string[] | undefined) ?? []) {
    const m = /^([a-z-]+)=(.+)$/.exec(d);
    if (!m) throw new Error(`--device wants <kind>=<spec>, e.g. fingerprint=serial:/dev/ttyUSB0@57600, not "${d}"`);
    const kind = m[1]!;
    const spec = m[2]!;
    if (!(DEVICE_KINDS as readonly string[]).includes(kind)) throw new Error(`--device ${d}: no device "${kind}"${didYouMean(kind, DEVICE_KINDS)}; devices: ${DEVICE_KINDS.join(', ')}`);
    const serial = /^serial:.+@(\d+)$/.exec(spec);
    if (spec !== 'virtual' && !serial) throw new Error(`--device ${d}: a device is "virtual" or "serial:<path>@<baud>", e.g. ${kind}=serial:/dev/ttyUSB0@57600`);
    const badBaud = serial ? baudProblem(Number(serial[1])) : undefined;
    if (badBaud) throw new Error(`--device ${d}: ${badBaud}`);
    atm.devices = { ...atm.devices, [kind]: spec };
  }
  const broker = str('broker');
  if (broker !== undefined && !BROKER_SCHEMES.some((scheme) => broker.startsWith(`${scheme}://`))) throw new Error(`--broker ${broker}: not ${BROKER_URL_HINT}`);
  if (str('profile')) atm.profile = str('profile');
  // A profile's mistakes (an unknown id, a bad file) are found now, before anything starts; startRig loads it again.
  if (atm.profile) await loadProfile(atm.profile);
  if (command === 'demo') {
    // A demo should not keep anyone waiting: quick SMS and a quick count of notes.
    atm.gsm = { deliveryDelayMs: 800, ...(atm.gsm as object) };
    atm.dispenser = { dispenseMs: 600, ...(atm.dispenser as object) };
  }
  return {
    ...base,
    seed: int('seed', str('seed')) ?? base.seed,
    clock: (str('clock') as 'system' | 'manual' | undefined) ?? base.clock,
    broker: {
      ...base.broker,
      ...(str('broker') ? { url: str('broker') } : {}),
      ...(str('mqtt-port') !== undefined ? { port: int('mqtt-port', str('mqtt-port')) } : {}),
      ...(str('ws-port') !== undefined ? { wsPort: int('ws-port', str('ws-port')) } : {}),
      ...(values['insecure-bus'] ? { insecure: true } : {}),
      ...(values.tls && !base.broker?.tls ? { tls: {} } : {}),
    },
    bank: {
      ...base.bank,
      ...(str('bank-port') !== undefined ? { port: int('bank-port', str('bank-port')) } : {}),
      ...(str('data') ? { file: str('data') } : {}),
      ...(str('hash-cost') !== undefined ? { hashLogN: int('hash-cost', str('hash-cost')) } : {}),
    },
    dashboard: {
      ...base.dashboard,
      ...(str('dashboard-port') !== undefined ? { port: int('dashboard-port', str('dashboard-port')) } : {}),
      ...(str('flows') ? { flowFile: str('flows') } : {}),
    },
    atms: [atm, ...(base.atms?.slice(1) ?? [])],
  };
}

/** Start the rig; for the demo, fall back to free ports when the usual ones are taken. */
async function bringUp(config: RigConfigInput, fallback: boolean): Promise<Rig> {
  try {
    return await startRig(config);
  } catch (err) {
    if (!fallback || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw explainPortClash(err);
    console.error(paint('yellow', `A default port is busy (${(err as Error).message}); using free ports instead.`));
    const tls = config.broker?.tls ? { tls: { ...config.broker.tls, port: 0, wsPort: config.broker.tls.wsPort === null ? null : 0 } } : {};
    return startRig({ ...config, broker: { ...config.broker, port: 0, wsPort: config.broker?.wsPort === null ? null : 0, ...tls }, bank: { ...config.bank, port: 0 } }).catch((again: unknown) => {
      throw explainPortClash(again);
    });
  }
}

function explainPortClash(err: unknown): unknown {
  if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') return err;
  // The broker, the rig and the dashboard's caller name the option behind a busy port.
  if (err instanceof PortInUseError) {
    const mqtt = err.option.startsWith('--mqtt-port');
    const who = mqtt ? 'another program (another atm-rig, or a mosquitto service?)' : 'another program (another atm-rig?)';
    const broker = mqtt ? `, or use that broker with --broker mqtt://localhost:${err.port}` : '';
    return new Error(`${err.message}: ${who} holds it. Pick another with ${err.option} (0 = any free port)${broker}`);
  }
  return new Error(`${(err as Error).message}: another program (a mosquitto service?) holds the port. Pick another with --mqtt-port/--ws-port/--bank-port/--dashboard-port (0 = any free port), or use that broker with --broker mqtt://localhost:1883`);
}

/** mosquitto_sub/_pub options to connect as the simulator role. */
function mosquittoArgs(rig: Rig): string {
  const u = new URL(rig.brokerUrl);
  return `-h ${u.hostname} -p ${u.port} -u ${rig.bus.simulator.username} -P '${rig.bus.simulator.password}'`;
}

function describe(rig: Rig): string[] {
  const where = rig.bus.dir ? `passwords in ${rig.bus.dir}/credentials.json` : 'in memory only';
  return [
    paint('bold', 'atm-rig is up'),
    `  MQTT        ${rig.brokerUrl}${rig.wsUrl ? `   WebSocket ${rig.wsUrl}` : ''}`,
    ...(rig.tlsUrl ? [`  MQTT/TLS    ${rig.tlsUrl}${rig.wssUrl ? `   ${rig.wssUrl}` : ''}   (certificate: ${rig.tlsCertPath ?? 'in memory'})`] : []),
    `  bank        ${rig.bank.url}   (OpenAPI: ${rig.bank.url}/openapi.json, data: ${rig.config.bank.file})`,
    `  ATMs        ${rig.atms.map((a) => `${a.id} (${a.profile.id})`).join(', ')}`,
    `  seed        ${rig.seed}   (replay with --seed ${rig.seed})   clock: ${rig.config.clock}`,
    `  bus users   ${rig.config.broker.insecure ? 'anonymous allowed (--insecure-bus)' : 'required'}; act as "simulator", watch as "observer" (${where})`,
    `  try         mosquitto_sub ${mosquittoArgs(rig)} -t 'atm/#' -v`,
    ...(rig.bank.service.deterministicSecrets
      ? [paint('yellow', `  OTP codes   from the seed (deterministic test run): anyone who knows the seed knows them; never send them to real phones`)]
      : []),
    ...(rig.releasedHolds.length
      ? [paint('yellow', `  holds       released ${rig.releasedHolds.length} withdrawal hold(s) still open when the rig last stopped (${rig.releasedHolds.map((h) => h.id).join(', ')}); staff: GET /staff/holds`)]
      : []),
  ];
}

function dashboardOptions(rig: Rig, plain: boolean): DashboardOptions {
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

function describeDashboard(d: RunningDashboard): string[] {
  return [
    `  dashboard   ${paint('bold', d.dashboardUrl)}   (Node-RED editor: ${d.editorUrl})`,
    `  flows       ${d.flowFile}   (Deploy saves here; Node-RED log: ${d.logFile})`,
  ];
}

/** Is something listening at this MQTT URL? (The emulator works without a bus, driven from code.) */
function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port || 1883) });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv);
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 2;
  }

  switch (command) {
    case 'profiles': {
      for (const p of Object.values(BUILT_IN_PROFILES)) {
        console.log(`${paint('bold', p.id)}  ${p.name}\n  tiers: ${p.tiers.map((t) => t.kind).join(' -> ')}\n  ${p.description}\n`);
      }
      return 0;
    }

    case 'seed': {
      const config = parseRigConfig(await configFrom(values, command));
      const bank = await createBankService({ file: config.bank.file, hashCost: { ...DEFAULT_HASH_COST, logN: config.bank.hashLogN }, currency: config.bank.currency }).catch((err: Error) => {
        // The rig that holds the file can seed itself: say how.
        throw err.name === 'FileLockedError' ? new Error(`${err.message} To seed a running rig, ask its bank: POST /staff/seed as staff (docs/api.md).`) : err;
      });
      const { seeded, skipped } = await seedDemo(bank);
      await bank.close();
      console.log(`Demo customers written to ${config.bank.file}:\n`);
      for (const s of skipped) console.log(paint('yellow', `${s.id} left out: ${s.why} (seeding never touches customers it did not create)\n`));
      for (const c of seeded) {
        const account = bank.data.accounts.find((a) => a.customerId === c.id)!;
        console.log(`${paint('bold', c.id)} ${c.kyc.name}  phone ${c.kyc.phone}  account ${account.number}  balance ${(account.balance / 100).toFixed(2)} ${account.currency}`);
        console.log(`   PIN ${c.pin}   password ${c.password}   username ${c.username}   card ${c.pan} (${c.provider})   fingers 1-10 enrolled\n`);
      }
      console.log('These are test credentials for a simulator. The bank stores only their scrypt hashes.');
      return 0;
    }

    case 'ports': {
      const { ports, note } = await listPorts();
      if (note) console.log(paint('yellow', note));
      if (ports.length === 0) console.log('No serial ports found. Plug the module in, or check `dmesg` for its device node.');
      for (const p of ports) console.log(`${paint('bold', p.path)}${p.byId ? `  (${p.byId})` : ''}${p.manufacturer ? `  ${p.manufacturer}` : ''}${p.vendorId ? `  ${p.vendorId}:${p.productId}` : ''}`);
      return 0;
    }

    case 'emulate': {
      const { emulatorNamed, startEmulator } = await import('../devices/serial/emulate.ts');
      const module = emulatorNamed(positionals[1] ?? '');
      const ptyHint = 'a serial port (atm-rig ports lists them) or one end of a pty pair: socat -d -d pty,raw,echo=0 pty,raw,echo=0';
      if (!values.port) throw new Error(`emulate needs --port <path>: ${ptyHint}`);
      if (!existsSync(values.port)) throw new Error(`--port ${values.port} does not exist: give ${ptyHint}`);
      const baud = int('baud', values.baud) ?? 57600;
      const badBaud = baudProblem(baud);
      if (badBaud) throw new Error(`--baud: ${badBaud}`);
      const config = parseRigConfig(await configFrom(values, command));
      const atmId = config.atms[0]!.id;
      // Take sim actions from the rig's bus when there is one to reach, as the device's own user.
      const brokerUrl = config.broker.url ?? `mqtt://${config.broker.host}:${config.broker.port}`;
      const keyring = config.bank.file === ':memory:' ? undefined : await readFile(join(dirname(config.bank.file), 'bus', 'credentials.json'), 'utf8').then((t) => JSON.parse(t) as Record<string, string>, () => undefined);
      const user = busUser(atmId, module.serves[0]);
      const emulator = await startEmulator(module.name, values.port, {
        settings: config.atms[0]!,
        atmId,
        baudRate: baud,
        ...(await reachable(brokerUrl) ? { brokerUrl, credentials: keyring?.[user] ? { username: user, password: keyring[user]! } : undefined } : {}),
      });
      console.log(`${module.hint(values.port, atmId)} Ctrl-C to stop.`);
      await untilSignal();
      await emulator.close();
      return 0;
    }

    case 'export': {
      const config = parseRigConfig(await configFrom(values, command));
      const k = int('k', values.k) ?? 5;
      const share = values.suppress === undefined ? 0.05 : Number(values.suppress);
      if (k < 2) throw new Error('--k must be at least 2');
      if (!(share >= 0 && share <= 1)) throw new Error(`--suppress must be a share between 0 and 1, not "${values.suppress}"`);
      const out = values.out ?? 'export.csv';
      const hierarchies = await loadHierarchies(values.hierarchies);
      // The bank would take a missing file for a new, empty bank (and create its directory): not what export means.
      if (config.bank.file !== ':memory:' && !existsSync(config.bank.file)) {
        throw new Error(`bank file ${config.bank.file} does not exist: give the bank's file with --data (atm-rig seed --data ${config.bank.file} makes one)`);
      }
      // Read only: works on a running rig's file too (no lock, no writes).
      const bank = await createBankService({ file: config.bank.file, readOnly: true });
      const customers = quasiIdentifiers(bank.data, new Date(systemClock.now()));
      const result = anonymise(customers, { k, maxSuppression: share, hierarchies });
      if (!result) {
        console.error(paint('red', `No generalisation makes ${customers.length} customers ${k}-anonymous with at most ${share * 100}% suppressed: allow more suppression or use a smaller k.`));
        return 1;
      }
      const csv = toCsv(result.columns, result.rows);
      await writeFile(out, csv);
      // Verify what was written, from the file alone.
      const names = Object.keys(hierarchies.quasiIdentifiers);
      const sizes = classSizesOfCsv(await readFile(out, 'utf8'), names);
      const verified = sizes.length > 0 && Math.min(...sizes) >= k;
      console.log(`${paint('bold', 'k-anonymised export')} of ${config.bank.file}: ${result.customers} customers`);
      console.log(`  generalisation   ${names.map((n) => `${n}@${result.node[n]}`).join('  ')}   (levels; 0 = as is)`);
      console.log(`  information loss ${(result.loss * 100).toFixed(1)}%   (average generalisation height)`);
      console.log(`  Flash            ${result.checks} of ${result.lattice} lattice nodes checked`);
      console.log(`  suppressed       ${result.suppressed} customers (limit ${Math.floor(share * result.customers)})`);
      console.log(`  classes          ${sizes.length}; sizes ${sizes.join(', ')}`);
      console.log(`  wrote            ${out}: ${result.rows.length} rows`);
      console.log(verified ? paint('green', `✔ verified: every class in ${out} has at least ${k} customers`) : paint('red', `✘ ${out} is NOT ${k}-anonymous`));
      return verified ? 0 : 1;
    }

    case 'up': {
      const rig = await bringUp(await configFrom(values, command), false);
      let dashboard: RunningDashboard | undefined;
      try {
        if (values.dashboard) dashboard = await startDashboard(rig, dashboardOptions(rig, values.plain === true));
      } catch (err) {
        await rig.close();
        throw explainPortClash(namePortClash(err, rig.config.dashboard.port, '--dashboard-port / dashboard.port'));
      }
      const banner = [...describe(rig), ...(dashboard ? describeDashboard(dashboard) : [])];
      const view = await startLiveView(rig, banner, { plain: values.plain === true });
      await untilSignal();
      await view.close();
      await dashboard?.close();
      await rig.close();
      return 0;
    }

    case 'demo': {
      const rig = await bringUp(await configFrom(values, command), true);
      describe(rig).forEach((l) => console.log(l));
      let ok = false;
      try {
        ok = (await runDemo(rig)).ok;
      } catch (err) {
        console.error(paint('red', `✘ demo failed: ${(err as Error).message}`));
      }
      if (!values.once) {
        console.log(`\nThe rig stays up for you to play with (Ctrl-C to stop). Press ENTER on the keypad with:\n  mosquitto_pub ${mosquittoArgs(rig)} -t atm/${rig.atms[0]!.id}/keypad/sim/press -m '{"key":"ENTER"}'`);
        await untilSignal();
      }
      await rig.close();
      return ok ? 0 : 1;
    }

    default:
      console.error(`unknown command "${command}"\n`);
      process.stderr.write(HELP);
      return 2;
  }
}

/** What rig/bin.js runs: main with a last-resort handler, and a user's mistake as one red line and exit 1. */
export async function runCli(argv: string[]): Promise<never> {
  installLastResort('atm-rig');
  try {
    process.exit(await main(argv));
  } catch (err) {
    console.error(paint('red', `atm-rig: ${err instanceof Error ? err.message : String(err)}`));
    process.exit(1);
  }
}
