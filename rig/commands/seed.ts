/** `atm-rig seed`: create or reset the demo customers in the bank file and print their test credentials. */
import type { Command } from 'commander';
import { examples, runs, withOptions, type RigOptions } from '../cli-args.ts';

export function defineSeed(program: Command): void {
  const cmd = program
    .command('seed')
    .summary('create or reset the demo customers in the bank file and print their test credentials')
    .description(
      'Create or reset the demo customers in the bank file and print their test credentials (PIN, password, card, phone). ' +
        'Customers seeding did not create are never touched. A running rig holds its file: seed it with POST /staff/seed instead.',
    );
  withOptions(cmd, 'config', 'data', 'hash-cost');
  examples(cmd, [
    ['atm-rig seed', 'the demo customers in ./data/bank.json'],
    ['atm-rig seed --data /tmp/bank.json --hash-cost 10', 'another file, with cheap hashes for tests'],
  ]);
  cmd.action(
    runs(async (opts: RigOptions) => {
      const { configFrom } = await import('./shared.ts');
      const { parseRigConfig } = await import('../config.ts');
      const { DEFAULT_HASH_COST } = await import('../bank/secrets.ts');
      const { seedDemo } = await import('../seed.ts');
      const { paint } = await import('../ui.ts');
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
      const { seeded, skipped } = await seedDemo(bank);
      await bank.close();
      console.log(`Demo customers written to ${config.bank.file}:\n`);
      for (const s of skipped)
        console.log(paint('yellow', `${s.id} left out: ${s.why} (seeding never touches customers it did not create)\n`));
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
      return 0;
    }),
  );
}
