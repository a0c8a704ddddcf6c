/**
 * atm-rig command line, on commander: one file per command under rig/commands/, each with its own options, help
 * and examples; the options several commands share are defined once in rig/cli-args.ts.
 *
 *   atm-rig up        broker + bank + devices + controllers, with a live view (--dashboard: and Node-RED)
 *   atm-rig demo      what `npm start` runs: seed, then walk one customer through seed001
 *   atm-rig seed      write the demo customers into the bank file and print their test credentials (--customers N:
 *                     a synthetic population for load runs)
 *   atm-rig profiles  list the built-in auth profiles
 *   atm-rig export    a verified k-anonymised CSV of the bank's customers
 *   atm-rig bank-copy a bank into another store (JSON to SQLite and back)
 *   atm-rig ports     this machine's serial ports
 *   atm-rig emulate   a device emulator on a serial port
 *   atm-rig bank      the bank alone; atm-rig broker, the broker alone; atm-rig atms, ATMs against them (a lab's roles)
 *
 * Importing this module runs nothing (rig/bin.js calls runCli), and loads nothing heavy: each command loads what
 * it runs (the broker, the bank, Node-RED, serialport) inside its action, so `--help` and a mistyped option are
 * answered at once.
 */
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { RigCommand, UsageError } from './cli-args.ts';
import { defineAtms } from './commands/atms.ts';
import { defineBank } from './commands/bank.ts';
import { defineBankCopy } from './commands/bank-copy.ts';
import { defineBroker } from './commands/broker.ts';
import { defineHostKeys } from './commands/host-keys.ts';
import { defineDemo } from './commands/demo.ts';
import { defineEmulate } from './commands/emulate.ts';
import { defineEnrol } from './commands/enrol.ts';
import { defineExport } from './commands/export.ts';
import { defineFault } from './commands/fault.ts';
import { defineReplay } from './commands/replay.ts';
import { defineLoad } from './commands/load.ts';
import { definePorts } from './commands/ports.ts';
import { defineProfiles } from './commands/profiles.ts';
import { defineSeed } from './commands/seed.ts';
import { defineUp } from './commands/up.ts';
import { installLastResort } from './last-resort.ts';
import { paint } from './ui.ts';

function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The atm-rig program: every command, --version, help [command]. Its parse errors throw UsageError. */
export function buildProgram(): RigCommand {
  const program = new RigCommand('atm-rig')
    .description('hardware-in-the-loop test rig for multi-factor ATMs')
    .usage('<command> [options]')
    .version(version(), '-V, --version', "print atm-rig's version")
    .helpOption('-h, --help', 'show this help')
    .helpCommand(false)
    // Options before the command are the program's (--help, --version); after it, the command's.
    .enablePositionalOptions()
    .showSuggestionAfterError()
    // Help and --version end the parse with a CommanderError that main turns into an exit code, never process.exit.
    .exitOverride()
    .configureHelp({ sortOptions: false, showGlobalOptions: false }) as RigCommand;
  defineUp(program);
  defineDemo(program);
  defineSeed(program);
  defineProfiles(program);
  defineExport(program);
  defineBankCopy(program);
  definePorts(program);
  defineEmulate(program);
  defineEnrol(program);
  defineFault(program);
  defineReplay(program);
  defineLoad(program);
  defineBank(program);
  defineBroker(program);
  defineAtms(program);
  defineHostKeys(program);
  program
    .command('help')
    .argument('[command]', 'the command to explain')
    .description('show the help of a command, or this help')
    .action((name: string | undefined) => {
      if (name === undefined) return program.help();
      const cmd = program.commands.find((c) => c.name() === name);
      // An unknown name is the same mistake as `atm-rig <name>`: the same message, with the nearest command.
      if (!cmd || cmd.name() === 'help') return program.error(`error: unknown command '${name}'`, { code: 'commander.unknownCommand' });
      cmd.help();
    });
  program.addHelpText(
    'after',
    `
Run atm-rig help <command> (or atm-rig <command> --help) for a command's options and examples.
Settings, and the options that set them: docs/configuration.md.

Examples:
  atm-rig demo --once              what npm start -- --once runs: one customer, then exit
  atm-rig up                       the rig with a live view; atm-rig up --dashboard adds Node-RED
  atm-rig seed                     (re)create the demo customers and print their test credentials
`,
  );
  return program;
}

/** Run one command line; resolves with the exit code. A mistake in it throws UsageError, a failure its error. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    // No command: the help, and the exit code of a usage error (as before commander).
    program.outputHelp();
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    // --help, --version and `help` have printed what was asked: 0.
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
  return program.outcome;
}

/** What rig/bin.js runs: main with a last-resort handler, and a user's mistake as one red line and exit 1 (2 for a wrong command). */
export async function runCli(argv: string[]): Promise<never> {
  installLastResort('atm-rig');
  try {
    process.exit(await main(argv));
  } catch (err) {
    console.error(paint('red', `atm-rig: ${err instanceof Error ? err.message : String(err)}`));
    process.exit(err instanceof UsageError ? err.exitCode : 1);
  }
}
