/** `atm-rig export`: a k-anonymised CSV of the bank's customers and transactions, verified from the file written. */
import type { Command } from 'commander';
import { examples, int, runs, withOptions, type RigOptions } from '../cli-args.ts';

interface ExportOptions extends RigOptions {
  k?: string;
  suppress?: string;
  hierarchies?: string;
  out?: string;
}

export function defineExport(program: Command): void {
  const cmd = program
    .command('export')
    .summary('write a k-anonymised CSV of customers and transactions (Flash search over hierarchies)')
    .description(
      "Write a k-anonymised CSV of the bank's customers and transactions: Flash searches the generalisation hierarchies for the " +
        "least information loss, then the written file is checked to be k-anonymous. Reads the bank file only (a running rig's too). See docs/privacy.md.",
    )
    .option('--k <n>', "every row's quasi-identifiers shared by at least k customers (default 5)")
    .option('--suppress <share>', 'largest share of customers that may be left out, 0-1 (default 0.05)')
    .option('--hierarchies <file>', 'generalisation hierarchies (default rig/privacy/hierarchies.json)')
    .option('--out <file>', 'the CSV to write (default export.csv)');
  withOptions(cmd, 'config', 'data');
  examples(cmd, [
    ['atm-rig export --k 5 --out export.csv', "a verified 5-anonymous export of ./data/bank.json's customers"],
    ['atm-rig export --k 10 --suppress 0 --data /tmp/bank.json', 'stricter, nobody left out'],
  ]);
  cmd.action(
    runs(async (opts: ExportOptions) => {
      const { existsSync } = await import('node:fs');
      const { readFile, writeFile } = await import('node:fs/promises');
      const { configFrom } = await import('./shared.ts');
      const { parseRigConfig } = await import('../config.ts');
      const { systemClock } = await import('../../core/clock.ts');
      const { anonymise, classSizesOfCsv, loadHierarchies, quasiIdentifiers, toCsv } = await import('../privacy/export.ts');
      const { paint } = await import('../ui.ts');
      const config = parseRigConfig(await configFrom(opts, 'export'));
      const k = int('k', opts.k) ?? 5;
      const share = opts.suppress === undefined ? 0.05 : Number(opts.suppress);
      if (k < 2) throw new Error('--k must be at least 2');
      if (!(share >= 0 && share <= 1)) throw new Error(`--suppress must be a share between 0 and 1, not "${opts.suppress}"`);
      const out = opts.out ?? 'export.csv';
      const hierarchies = await loadHierarchies(opts.hierarchies);
      // The bank would take a missing file for a new, empty bank (and create its directory): not what export means.
      if (config.bank.file !== ':memory:' && !existsSync(config.bank.file)) {
        throw new Error(
          `bank file ${config.bank.file} does not exist: give the bank's file with --data (atm-rig seed --data ${config.bank.file} makes one)`,
        );
      }
      // Read only: works on a running rig's file too (no lock, no writes).
      const { createBankService } = await import('../bank/index.ts');
      const bank = await createBankService({ file: config.bank.file, readOnly: true });
      const customers = quasiIdentifiers(bank.records, new Date(systemClock.now()));
      const result = anonymise(customers, { k, maxSuppression: share, hierarchies });
      if (!result) {
        console.error(
          paint(
            'red',
            `No generalisation makes ${customers.length} customers ${k}-anonymous with at most ${share * 100}% suppressed: allow more suppression or use a smaller k.`,
          ),
        );
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
      console.log(
        verified
          ? paint('green', `✔ verified: every class in ${out} has at least ${k} customers`)
          : paint('red', `✘ ${out} is NOT ${k}-anonymous`),
      );
      return verified ? 0 : 1;
    }),
  );
}
