/** Child process for the lock test: opens the bank file given, prints "opened", exits. Errors go to stderr. */
import { createBankService } from '../index.ts';
import { CHEAP_HASH_COST } from '../secrets.ts';

try {
  const bank = await createBankService({ file: process.argv[2]!, hashCost: CHEAP_HASH_COST });
  process.stdout.write('opened\n');
  await bank.close();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
}
