/**
 * Child process for the crash test: opens the bank on a file, then writes as fast as it can (deposits,
 * withdrawals reserved and committed or reversed, transfers) until it is killed. Prints "ready" once writing, then
 * "ledger N" after each batch: N entries are acknowledged, so durable.
 */
import { createRandom } from '../../../core/random.ts';
import { createBankService } from '../index.ts';
import { CHEAP_HASH_COST } from '../secrets.ts';

const file = process.argv[2]!;
const bank = await createBankService({ file, hashCost: CHEAP_HASH_COST, dailyWithdrawalLimit: 1e12 });
const kyc = {
  phone: '+260971000099',
  email: 'burst@example.test',
  address: '1 Test St',
  city: 'Lusaka',
  gender: 'undisclosed' as const,
  dateOfBirth: '1990-01-01',
};
const a = bank.records.accountOf('C0001') ?? (await bank.openCustomer({ ...kyc, name: 'Burst A' }, { deposit: 1_000_000 })).account;
const b = bank.records.accountOf('C0002') ?? (await bank.openCustomer({ ...kyc, name: 'Burst B' }, { deposit: 1_000_000 })).account;
const random = createRandom(Number(process.argv[3] ?? 1));
let n = 0;
process.stdout.write('ready\n');
for (;;) {
  const key = `burst-${process.pid}-${n++}`;
  const op = random.int(0, 3);
  const ops: Promise<unknown>[] = [];
  // Several writes in flight at once, as concurrent HTTP requests would be.
  for (let i = 0; i < 4; i++) {
    const k = `${key}-${i}`;
    if (op === 0) ops.push(bank.deposit(a.number, random.int(1, 500) * 100, k));
    else if (op === 1) ops.push(bank.transfer(a.number, b.number, random.int(1, 50) * 100, k).catch(() => undefined));
    else
      ops.push(
        bank
          .reserveWithdrawal(b.number, random.int(1, 50) * 100, k)
          .then((w) => (op === 2 ? bank.commitWithdrawal(w.withdrawalId) : bank.reverseWithdrawal(w.withdrawalId)))
          .catch(() => undefined),
      );
  }
  await Promise.all(ops);
  process.stdout.write(`ledger ${bank.records.ledgerCount()}\n`);
}
