/** `atm-rig bank-copy <from> <to>`: a bank into another store (JSON to SQLite and back), by the files' names. */
import type { Command } from 'commander';
import { examples, runs } from '../cli-args.ts';

export function defineBankCopy(program: Command): void {
  const cmd = program
    .command('bank-copy')
    .argument('<from>', 'the bank file to copy (only read: a running rig may hold it)')
    .argument('<to>', 'the new bank file; its name says the store: .json, or .sqlite / .sqlite3 / .db')
    .summary('copy a bank into another store: JSON to SQLite when it grows, SQLite to readable JSON')
    .description(
      'Copy every customer, account, card, finger, ledger entry, hold, OTP, staff and ATM login and the counters of one bank file ' +
        'into a new one, whole or not at all. The store is chosen by the name: .json (one readable file, for small rigs) or ' +
        '.sqlite/.sqlite3/.db (SQLite, any size). The new file must not exist. Then run the rig with --data <to>.',
    );
  examples(cmd, [
    ['atm-rig bank-copy data/bank.json data/bank.sqlite', 'move a growing bank to SQLite'],
    ['atm-rig bank-copy data/load.sqlite /tmp/look.json', 'a readable copy of a SQLite bank'],
  ]);
  cmd.action(
    runs(async (from: string, to: string) => {
      const { copyBank } = await import('../bank/copy.ts');
      const { progressLine } = await import('../progress.ts');
      const report = await copyBank(from, to, progressLine('customers copied'));
      console.log(`Copied ${report.from} into ${report.to}: ${report.customers} customers, ${report.records} records.`);
      return 0;
    }),
  );
}
