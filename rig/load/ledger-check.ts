/**
 * After a load run: every account a session touched has a ledger that adds up to its balance, and the bank debited
 * exactly the cash the customers took (each dispensed note once). Read from the bank's service in process (its
 * HTTP API limits staff to 600 requests a minute, fewer than a large run's accounts need), or from the bank's file
 * after a lab's bank process stopped.
 */
import type { BankService } from '../bank/service.ts';
import type { SessionResult } from './run-load.ts';

interface LedgerEntry {
  amount: number;
  type: string;
  ts: number;
}

/** `since`: the rig clock when the run began (a seeded population has a history of its own before it). */
export function checkLedgers(bank: Pick<BankService, 'account' | 'history'>, results: readonly SessionResult[], since: number): string[] {
  const dispensed = new Map<string, number>();
  for (const r of results) dispensed.set(r.account, (dispensed.get(r.account) ?? 0) + r.dispensed);
  const problems: string[] = [];
  for (const [account, paid] of dispensed) {
    const { balance } = bank.account(account);
    const entries: LedgerEntry[] = bank.history(account, 100_000, false);
    const sum = entries.reduce((s, e) => s + e.amount, 0);
    if (sum !== balance) problems.push(`account ${account}: ledger sums to ${sum}, balance is ${balance}`);
    const debited = -entries.filter((e) => e.type === 'withdrawal' && e.ts >= since).reduce((s, e) => s + e.amount, 0);
    if (debited !== paid) problems.push(`account ${account}: ${paid} dispensed during the run, ${debited} debited`);
  }
  return problems;
}
