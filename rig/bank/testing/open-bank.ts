/** Child process for the lock tests: opens the bank file given, prints "opened", holds it for the milliseconds
 *  given (default 0), closes. Errors go to stderr, exit code 1. */
import { createBankService } from '../index.ts';
import { CHEAP_HASH_COST } from '../secrets.ts';

try {
  const bank = await createBankService({ file: process.argv[2]!, hashCost: CHEAP_HASH_COST });
  process.stdout.write('opened\n');
  await new Promise((r) => setTimeout(r, Number(process.argv[3] ?? 0)));
  await bank.close();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
}
