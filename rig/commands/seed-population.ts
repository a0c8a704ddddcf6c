/** `atm-rig seed --customers N`: the work behind the option, loaded only when it is given. */
import { freshSeed } from '../../core/random.ts';
import { int, type RigOptions } from '../cli-args.ts';
import type { RigConfig } from '../config.ts';
import type { BankService } from '../bank/service.ts';
import { CHEAP_HASH_COST } from '../bank/secrets.ts';
import { credentialsFileOf, seedPopulation } from '../population-seed.ts';
import { progressLine } from '../progress.ts';
import { paint } from '../ui.ts';

export async function seedLoadPopulation(bank: BankService, config: RigConfig, customers: number, opts: RigOptions): Promise<number> {
  if (customers < 1) throw new Error('--customers must be at least 1');
  const seed = int('seed', opts.seed) ?? freshSeed();
  // The population's PINs at the test cost unless --hash-cost says otherwise (the bank's default, 15, would take hours).
  const hashCost = opts.hashCost !== undefined ? { ...CHEAP_HASH_COST, logN: config.bank.hashLogN } : CHEAP_HASH_COST;
  const file = config.bank.file;
  const credentialsFile = file === ':memory:' ? undefined : credentialsFileOf(file);
  if (bank.storeKind === 'json' && customers > 5_000)
    console.error(paint('yellow', `${file} is a JSON bank: every write rewrites it whole. A .sqlite bank suits ${customers} customers.`));
  console.error(`Seeding ${customers.toLocaleString('en')} customers into ${file} (seed ${seed}, PIN hashes scrypt logN ${hashCost.logN})`);
  const started = performance.now();
  const report = await seedPopulation(bank, { customers, seed, hashCost, credentialsFile, onProgress: progressLine('customers') });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${paint('bold', String(report.added))} customers added to ${file} in ${seconds.toFixed(1)} s (seed ${seed}: the same seed makes the same customers)`,
  );
  if (report.skipped) console.log(paint('yellow', `${report.skipped} left out: the bank already had their id or card`));
  if (credentialsFile)
    console.log(`Their test credentials (id, PIN, card, phone, account; fingers 1-10): ${credentialsFile} (mode 0600, for load runs only)`);
  return 0;
}
