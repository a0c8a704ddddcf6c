/** `atm-rig seed`: the demo customers with their test credentials printed, or (`--customers N`) a synthetic
 *  population for load runs with its credentials in a file beside the bank. */
import type { Command } from 'commander';
import { describeOption, examples, int, runs, withOptions, type RigOptions } from '../cli-args.ts';

interface SeedOptions extends RigOptions {
  customers?: string;
}

export function defineSeed(program: Command): void {
  const cmd = program
    .command('seed')
    .summary('create or reset the demo customers (credentials printed), or --customers N synthetic ones for load runs')
    .description(
      'Create or reset the demo customers in the bank file and print their test credentials (PIN, password, card, phone). ' +
        'Customers seeding did not create are never touched. A running rig holds its file: seed it with POST /staff/seed instead.\n\n' +
        'With --customers N: add N synthetic customers (names, phones, cards, PINs, fingers 1-10, balances), the same for the same ' +
        "--seed, each PIN a salted scrypt hash at --hash-cost (here 10 unless given, the test cost: the bank's default of 15 would take hours). Their credentials go to " +
        'population-credentials.ndjson beside the bank file (mode 0600, test data: never printed). Use a .sqlite bank for more than a few thousand.',
    )
    .option('--customers <n>', 'add this many synthetic customers for load runs instead of the demo customers');
  withOptions(cmd, 'config', 'data', 'hash-cost', 'seed');
  describeOption(
    cmd,
    '--hash-cost',
    'scrypt cost of the PINs and passwords as log2(N) (default 15 for the demo customers, 10 with --customers)',
  );
  examples(cmd, [
    ['atm-rig seed', 'the demo customers in ./data/bank.json'],
    ['atm-rig seed --data /tmp/bank.json --hash-cost 10', 'another file, with cheap hashes for tests'],
    ['atm-rig seed --customers 100000 --seed 7 --data data/load.sqlite', 'a population for load runs (credentials beside it)'],
  ]);
  cmd.action(
    runs(async (opts: SeedOptions) => {
      const { configFrom } = await import('./shared.ts');
      const { parseRigConfig } = await import('../config.ts');
      const { DEFAULT_HASH_COST } = await import('../bank/secrets.ts');
      const config = parseRigConfig(await configFrom(opts, 'seed'));
      const { createBankService } = await import('../bank/index.ts');
      const bank = await createBankService({
        file: config.bank.file,
        hashCost: { ...DEFAULT_HASH_COST, logN: config.bank.hashLogN },
        currency: config.bank.currency,
      }).catch((err: Error) => {
        // The rig that holds the file can seed itself: say how.
        throw err.name === 'FileLockedError'
          ? new Error(`${err.message} To seed a running rig, ask its bank: POST /staff/seed as staff (docs/api.md).`)
          : err;
      });
      try {
        const customers = int('customers', opts.customers);
        if (customers !== undefined) return await (await import('./seed-population.ts')).seedLoadPopulation(bank, config, customers, opts);
        await seedDemoCustomers(bank, config.bank.file);
        return 0;
      } finally {
        await bank.close();
      }
    }),
  );
}

async function seedDemoCustomers(bank: import('../bank/service.ts').BankService, file: string): Promise<void> {
  const { seedDemo } = await import('../seed.ts');
  const { paint } = await import('../ui.ts');
  const { seeded, skipped } = await seedDemo(bank);
  console.log(`Demo customers written to ${file}:\n`);
  for (const s of skipped) console.log(paint('yellow', `${s.id} left out: ${s.why} (seeding never touches customers it did not create)\n`));
  for (const c of seeded) {
    const account = bank.records.accountOf(c.id)!;
    console.log(
      `${paint('bold', c.id)} ${c.kyc.name}  phone ${c.kyc.phone}  account ${account.number}  balance ${(account.balance / 100).toFixed(2)} ${account.currency}`,
    );
    console.log(
      `   PIN ${c.pin}   password ${c.password}   username ${c.username}   card ${c.pan} (${c.provider})   fingers 1-10 enrolled\n`,
    );
  }
  console.log('These are test credentials for a simulator. The bank stores only their scrypt hashes.');
}
