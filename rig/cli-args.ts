/**
 * What the `atm-rig` commands share, on commander: the options several commands take (each defined once, in a
 * group a command attaches), the command class that turns commander's parse errors into one line naming the
 * mistake and the nearest real name, and the small parsers the commands use.
 *
 * Light on purpose: this module and the command definitions load for `atm-rig --help`; what a command runs (the
 * broker, the bank, Node-RED, serialport) loads only inside its action.
 */
import { Command, Option, type ErrorOptions } from 'commander';
import { nearest } from '../core/suggest.ts';
import { DEVICE_KIND_NAMES } from './commands/device-names.ts';

/** A mistake in the command line: printed as one line, exit code `exitCode`. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The options the shared groups define, as commander hands them to an action (camelCase). */
export interface RigOptions {
  config?: string;
  broker?: string;
  insecureBus?: boolean;
  tls?: boolean;
  mqttPort?: string;
  wsPort?: string;
  bankPort?: string;
  /** The role commands (docs/roles.md). */
  bankHost?: string;
  mqttHost?: string;
  data?: string;
  hashCost?: string;
  atm?: string;
  profile?: string;
  device?: string[];
  seed?: string;
  clock?: string;
  dashboardPort?: string;
  flows?: string;
  traceSerial?: string | boolean;
  record?: string;
  /** `up` only. */
  xfs4iot?: boolean;
  xfs4iotPort?: string;
  controller?: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Every shared option, once. Values stay strings: the config layer checks them and names the option in its errors. */
const SHARED = {
  config: () => new Option('--config <file>', 'rig configuration (JSON; see docs/configuration.md)'),
  broker: () => new Option('--broker <url>', 'use this MQTT broker instead of the embedded one (mqtt://host:port)'),
  'insecure-bus': () =>
    new Option('--insecure-bus', 'let MQTT clients connect without credentials (default: every client needs a bus user)'),
  tls: () => new Option('--tls', 'also listen on mqtts:// 8883 and wss:// 8884 (certificate made at first start in <data>/bus/tls)'),
  'mqtt-port': () => new Option('--mqtt-port <n>', 'embedded broker TCP port (default 1883; 0 = any free port)'),
  'ws-port': () => new Option('--ws-port <n>', 'embedded broker WebSocket port (default 9001; 0 = any free port)'),
  'bank-port': () => new Option('--bank-port <n>', 'bank HTTP port (default 3000; 0 = any free port)'),
  'bank-host': () =>
    new Option(
      '--bank-host <addr>',
      'the address the bank listens on (default 127.0.0.1; 0.0.0.0 for every interface: ATMs log in with their keys)',
    ),
  'mqtt-host': () =>
    new Option('--mqtt-host <addr>', 'the address the embedded broker listens on (default 127.0.0.1; 0.0.0.0 for every interface)'),
  data: () => new Option('--data <file>', 'bank data file (default ./data/bank.json; ":memory:" keeps nothing)'),
  'hash-cost': () => new Option('--hash-cost <logN>', 'scrypt cost as log2(N) (default 15; 10 is cheap, for tests)'),
  atm: () => new Option('--atm <id>', 'ATM id (default atm-1)'),
  profile: () => new Option('--profile <id|file>', 'auth profile: seed000, seed001, seed002 or a JSON file (default seed001)'),
  device: () =>
    new Option(
      '--device <kind=spec>',
      `a device of the ATM, virtual or real: fingerprint=serial:/dev/ttyUSB0@57600 (repeat for several); kinds: ${DEVICE_KIND_NAMES.join(', ')}`,
    ).argParser(collect),
  seed: () => new Option('--seed <n>', 'seed for every random choice, to replay a run (default: fresh, printed)'),
  clock: () =>
    new Option('--clock <mode>', 'system (default) or manual (time moves on rig/clock/sim/advance)').choices(['system', 'manual']),
  'dashboard-port': () =>
    new Option('--dashboard-port <n>', "Node-RED's port (default 1880; 0 = any free port): editor at /, dashboard at /dashboard"),
  'trace-serial': () =>
    new Option(
      '--trace-serial [file]',
      "every byte on each serial device's port, both ways, timed and decoded, secrets masked: to the console, or appended to <file>",
    ),
  record: () =>
    new Option(
      '--record <file>',
      'record the whole bus (and serial traces) as NDJSON on the rig clock, for atm-rig replay (typed secrets included: mode 0600)',
    ),
  flows: () =>
    new Option('--flows <file>', 'the Node-RED flow file (default flows/nodes/examples/atm-demo.json; a new file starts as a copy of it)'),
} satisfies Record<string, () => Option>;

export type SharedOption = keyof typeof SHARED;

/** The groups commands attach: a command that takes one option of a group usually takes them all. */
export const GROUPS = {
  config: ['config'],
  bus: ['broker', 'insecure-bus', 'tls'],
  ports: ['mqtt-port', 'ws-port', 'bank-port'],
  data: ['data'],
  'atm-setup': ['atm', 'profile', 'device', 'trace-serial'],
  run: ['seed', 'clock', 'record'],
  dashboard: ['dashboard-port', 'flows'],
} as const satisfies Record<string, readonly SharedOption[]>;

export type Group = keyof typeof GROUPS;

/** Attach shared groups (`'bus'`) or single shared options (`'mqtt-port'`) to a command, in that order. A group's name
 * never shadows an option's, except `config`, which is both. */
export function withOptions(cmd: Command, ...items: (Group | SharedOption)[]): Command {
  for (const item of items) {
    const names: readonly SharedOption[] = item in GROUPS ? GROUPS[item as Group] : [item as SharedOption];
    for (const name of names) cmd.addOption(SHARED[name]());
  }
  return cmd;
}

/** A shared option whose meaning or default differs for this command (`--hash-cost` of a population is 10). */
export function describeOption(cmd: Command, long: string, description: string): Command {
  const option = cmd.options.find((o) => o.long === long);
  if (!option) throw new Error(`${cmd.name()} has no ${long}`);
  option.description = description;
  return cmd;
}

/** `--name`'s value as a non-negative integer, or undefined when not given. */
export function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, not "${value}"`);
  return n;
}

/** Examples for a command's help: `atm-rig <cmd> ...   what it does`. */
export function examples(cmd: Command, lines: [string, string][]): Command {
  const width = Math.max(...lines.map(([c]) => c.length));
  return cmd.addHelpText('after', `\nExamples:\n${lines.map(([c, what]) => `  ${c.padEnd(width)}   ${what}`).join('\n')}\n`);
}

function rootOf(cmd: Command): RigCommand {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c as RigCommand;
}

/** An action that returns the process's exit code. */
export function runs<A extends unknown[]>(fn: (...args: A) => Promise<number>) {
  return async function (this: Command, ...args: A): Promise<void> {
    rootOf(this).outcome = await fn(...args);
  };
}

/**
 * commander's Command, with its parse errors (unknown command or option, a missing value, an option of another
 * command) thrown as one UsageError line in atm-rig's words, with the nearest real name, instead of printed.
 */
export class RigCommand extends Command {
  /** The exit code the action returned. */
  outcome = 0;

  override createCommand(name?: string): RigCommand {
    return new RigCommand(name);
  }

  override error(message: string, options?: ErrorOptions): never {
    const root = rootOf(this);
    const bin = root.name();
    // `atm-rig fault add`, not `atm-rig add`: the whole path of a subcommand.
    const path = commandPath(this).join(' ');
    const where =
      this === root
        ? `${bin} --help lists the commands`
        : `${bin} ${path} --help lists its ${this.commands.length ? 'commands' : 'options'}`;
    const plain = message.replace(/^error: /, '').replace(/\n?\(Did you mean [^)]*\)/, '');
    switch (options?.code) {
      case 'commander.unknownOption': {
        const given = /'([^']*)'/.exec(plain)?.[1] ?? '';
        const flag = given.split('=')[0]!;
        const owners = root.commands
          .filter((c) => c !== this && c.options.some((o) => o.long === flag || o.short === flag))
          .map((c) => c.name());
        if (owners.length && this !== root) {
          throw new UsageError(
            `${this.name()} does not take ${flag} (${owners.join(', ')} ${owners.length > 1 ? 'do' : 'does'}); ${where}`,
          );
        }
        const mine = this.options.flatMap((o) => (o.long ? [o.long.slice(2)] : []));
        const near = flag.startsWith('--') ? nearest(flag.slice(2), mine) : undefined;
        throw new UsageError(`unknown option ${given}${near ? ` (did you mean --${near}?)` : ''}; ${where}`);
      }
      case 'commander.unknownCommand': {
        const given = /'([^']*)'/.exec(plain)?.[1] ?? '';
        // A command with subcommands (atm-rig fault) suggests among its own.
        const near = nearest(
          given,
          (this.commands.length ? this.commands : root.commands).map((c) => c.name()),
        );
        // The exit code of a wrong command stays 2, as before commander.
        throw new UsageError(`unknown command "${given}"${near ? ` (did you mean ${near}?)` : ''}; ${where}`, 2);
      }
      default:
        throw new UsageError(
          `${this === root || plain.includes(`'${this.name()}'`) ? '' : `${this.name()}: `}${plain.replace(/\.$/, '')}; ${where}`,
          options?.exitCode ?? 1,
        );
    }
  }
}

/** The names from below the root to this command: ['fault', 'add']. */
function commandPath(cmd: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names;
}
