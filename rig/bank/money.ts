/**
 * The bank's money: accounts, the ledger, withdrawals (reserve, then commit or reverse), holds, transfers, each
 * money request applied once per idempotency key. BankService (service.ts) builds on it with customers, secrets
 * and authentication.
 */
import { BankError, type Account, type BankData, type Customer, type Hold, type LedgerEntry } from './model.ts';
import type { BankOptions } from './options.ts';
import type { BankReader, BankWriter } from './records.ts';
import type { BankStore } from './store.ts';

export type { BankOptions } from './options.ts';

export const DAY = 86_400_000;

export class BankMoney {
  constructor(protected readonly o: BankOptions) {}

  /** The records as they are now (lookups by key; see records.ts). */
  get records(): BankReader {
    return this.o.store.records;
  }

  /** Which store keeps the bank (store.ts). */
  get storeKind(): BankStore['kind'] {
    return this.o.store.kind;
  }

  /** Durable writes so far, and the operations they carried (group commit: several a write under load). */
  get stats(): BankStore['stats'] {
    return this.o.store.stats;
  }

  /** The whole bank as one document: O(population), for exports and tests. */
  snapshot(): BankData {
    return this.o.store.records.snapshot();
  }

  // ---- accounts and money ----

  account(number: string): Account & { available: number } {
    const account = this.findAccount(this.records, number);
    return { ...account, available: this.available(this.records, account) };
  }

  async balanceInquiry(number: string): Promise<{ balance: number; available: number; currency: string }> {
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      const account = this.findAccount(d, number);
      this.post(d, account, 'balance', 0, now);
      return { balance: account.balance, available: this.available(d, account), currency: account.currency };
    });
  }

  history(number: string, limit = 20, moneyOnly = false): LedgerEntry[] {
    this.findAccount(this.records, number);
    return this.records.ledgerOf(number, limit, moneyOnly);
  }

  async deposit(number: string, amount: number, key: string): Promise<{ balance: number; entryId: string }> {
    const now = this.o.clock.now();
    return this.idempotent({ operation: 'deposit', account: number, key, request: { amount } }, (d) => {
      const account = this.findAccount(d, number);
      const entry = this.post(d, account, 'deposit', amount, now, { ref: key });
      return { balance: account.balance, entryId: entry.id };
    });
  }

  /** A staff correction (or the demo seed): posts a deposit or a debit without limits. */
  async adjust(number: string, amount: number, ref: string): Promise<{ balance: number }> {
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      const account = this.findAccount(d, number);
      this.post(d, account, amount >= 0 ? 'deposit' : 'withdrawal', amount, now, { ref });
      return { balance: account.balance };
    });
  }

  /** Step 1 of a withdrawal: hold the money so nothing else can spend it while notes are counted. */
  async reserveWithdrawal(
    number: string,
    amount: number,
    key: string,
    /** The reserving ATM, recorded on the hold: only it may settle it (session-guard.ts). */
    atm?: string,
  ): Promise<{ withdrawalId: string; available: number }> {
    const now = this.o.clock.now();
    return this.idempotent({ operation: 'withdrawal', account: number, key, request: { amount } }, (d) => {
      const account = this.findAccount(d, number);
      const available = this.available(d, account);
      if (amount > available) throw new BankError('insufficient-funds', 'insufficient funds');
      if (this.withdrawnToday(d, account, now) + amount > this.o.dailyWithdrawalLimit) {
        throw new BankError('daily-limit', 'daily withdrawal limit reached');
      }
      const hold: Hold = {
        id: `W${d.next('hold')}`,
        account: account.number,
        amount,
        key,
        ...(atm !== undefined ? { atm } : {}),
        status: 'reserved',
        createdAt: now,
      };
      d.putHold(hold);
      return { withdrawalId: hold.id, available: available - amount };
    });
  }

  /** Step 2: the notes left the machine; debit the account. Committing twice is a no-op. */
  async commitWithdrawal(withdrawalId: string, by: 'atm' | 'staff' = 'atm'): Promise<{ balance: number }> {
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      const hold = this.findHold(d, withdrawalId);
      const account = this.findAccount(d, hold.account);
      // A hold the restart rule released may still be debited: by staff, once the cassette count shows its notes did
      // leave, and by an ATM that outlived the bank (a lab's ATM hosts, docs/roles.md): its commit says they did.
      const restartReleased = hold.status === 'reversed' && hold.settledBy === 'restart';
      if (hold.status === 'reversed' && !restartReleased) throw new BankError('invalid-state', 'withdrawal was reversed');
      if (hold.status === 'reserved' || restartReleased) {
        hold.status = 'committed';
        hold.settledAt = now;
        hold.settledBy = by;
        this.post(d, account, 'withdrawal', -hold.amount, now, { ref: hold.id });
        hold.balanceAfter = account.balance;
        d.putHold(hold);
      }
      // Asked again, the first answer: not the account's balance now, which the settling ATM has no session to read.
      return { balance: hold.balanceAfter ?? account.balance };
    });
  }

  /** Step 2': the dispenser failed; release the hold. Reversing twice is a no-op. */
  async reverseWithdrawal(withdrawalId: string, by: 'atm' | 'staff' = 'atm'): Promise<{ balance: number }> {
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      const hold = this.findHold(d, withdrawalId);
      const account = this.findAccount(d, hold.account);
      if (hold.status === 'committed') throw new BankError('invalid-state', 'withdrawal was committed');
      if (hold.status === 'reserved') {
        hold.status = 'reversed';
        hold.settledAt = now;
        hold.settledBy = by;
        hold.balanceAfter = account.balance;
        d.putHold(hold);
      }
      return { balance: hold.balanceAfter ?? account.balance };
    });
  }

  /** Holds, newest first; staff look here for money held by a withdrawal that never finished. */
  holds(filter: { status?: Hold['status']; account?: string } = {}): Hold[] {
    return this.records.holds(filter);
  }

  /** The restart rule (docs/security.md): a hold still reserved when the bank opens was left by a crash between
   *  reserve and commit. It is released, so the customer's money is not held for ever, and marked `settledBy:
   *  restart`, so that staff, when the cassette count shows the notes left the machine, or an ATM that outlived the
   *  bank (its session's commit, retried until the bank answers) can debit it after all. Returns the holds it released. */
  async releaseHoldsLeftByACrash(): Promise<Hold[]> {
    const now = this.o.clock.now();
    // Nothing open (the usual start): no write.
    if (this.records.holds({ status: 'reserved' }).length === 0) return [];
    return this.o.store.update((d) => {
      const open = d.holds({ status: 'reserved' }).reverse();
      for (const h of open) d.putHold(Object.assign(h, { status: 'reversed', settledAt: now, settledBy: 'restart' } as const));
      return open;
    });
  }

  async transfer(from: string, to: string, amount: number, key: string): Promise<{ balance: number }> {
    const now = this.o.clock.now();
    return this.idempotent({ operation: 'transfer', account: from, key, request: { to, amount } }, (d) => {
      const source = this.findAccount(d, from);
      const target = d.account(to);
      if (!target) throw new BankError('unknown-account', `no account ${to}`);
      if (target.number === source.number) throw new BankError('same-account', 'cannot transfer to the same account');
      if (amount > this.available(d, source)) throw new BankError('insufficient-funds', 'insufficient funds');
      this.post(d, source, 'transfer-out', -amount, now, { ref: key, counterparty: target.number });
      this.post(d, target, 'transfer-in', amount, now, { ref: key, counterparty: source.number });
      return { balance: source.balance };
    });
  }

  /** Run a money operation once per (operation, account, key). The same key with a different request is refused:
   *  answering it with the first result would tell the caller a lie about what happened. */
  protected async idempotent<T>(
    scope: { operation: string; account: string; key: string; request: object },
    apply: (d: BankWriter) => T,
  ): Promise<T> {
    const id = `${scope.operation} ${scope.account} ${scope.key}`;
    const request = JSON.stringify(scope.request);
    return this.o.store.update((d) => {
      const seen = d.idempotency(id) as { request: string; result: T } | undefined;
      if (seen) {
        if (seen.request !== request) {
          throw new BankError(
            'idempotency-key-reused',
            `idempotency key already used for a different ${scope.operation} on account ${scope.account}`,
          );
        }
        return seen.result;
      }
      const result = apply(d);
      d.putIdempotency(id, { request, result });
      return result;
    });
  }

  /** Post an entry to the account's ledger and move its balance with it (both saved). */
  protected post(
    d: BankWriter,
    account: Account,
    type: LedgerEntry['type'],
    amount: number,
    ts: number,
    extra: { ref?: string; counterparty?: string } = {},
  ): LedgerEntry {
    const entry = this.entry(d, account, type, amount, ts, extra);
    d.putAccount(account);
    return entry;
  }

  /** Post an entry and move the (unsaved) account's balance: the caller saves the account once after several. */
  protected entry(
    d: BankWriter,
    account: Account,
    type: LedgerEntry['type'],
    amount: number,
    ts: number,
    extra: { ref?: string; counterparty?: string } = {},
  ): LedgerEntry {
    account.balance += amount;
    const entry: LedgerEntry = {
      id: `E${d.next('entry')}`,
      account: account.number,
      ts,
      type,
      amount,
      balanceAfter: account.balance,
      ...extra,
    };
    d.addLedger(entry);
    return entry;
  }

  protected available(d: BankReader, account: Account): number {
    return account.balance - d.heldAmount(account.number);
  }

  protected withdrawnToday(d: BankReader, account: Account, now: number): number {
    return d.withdrawnSince(account.number, Math.floor(now / DAY) * DAY);
  }

  protected findAccount(d: BankReader, number: string): Account {
    const a = d.account(number);
    if (!a) throw new BankError('unknown-account', `no account ${number}`);
    return a;
  }

  protected findHold(d: BankReader, id: string): Hold {
    const h = d.hold(id);
    if (!h) throw new BankError('not-found', `no withdrawal ${id}`);
    return h;
  }
}

export function findCustomer(d: BankReader, id: string): Customer {
  const c = d.customer(id);
  if (!c) throw new BankError('not-found', `no customer ${id}`);
  return c;
}
