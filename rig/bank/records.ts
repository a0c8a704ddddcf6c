/**
 * What the bank's logic asks of its store: records looked up by what identifies them (a customer by id or
 * username, a card by number, a ledger by account, holds by account and status), never a scan of a whole table,
 * so an operation costs the same at 200 customers as at 100,000. Both stores (store.ts) answer through one SQL
 * implementation (store/sql-records.ts) with an index behind every lookup here.
 *
 * Records are copies: change one, then `put` it back inside `BankStore.update`. The iterators (`customers()`,
 * `accounts()`, `fingers()`, `ledger()`, `everything()`) read as they go: finish one (or spread it into an array)
 * before the next lookup, which SQLite would refuse while it is reading.
 */
import type { Account, BankData, Card, Customer, FingerEnrolment, Hold, LedgerEntry, Otp } from './model.ts';

export type StaffMember = BankData['staff'][number];
export type BankClient = BankData['clients'][number];
export type CounterName = keyof BankData['counters'];
export interface FingerTemplate {
  customerId: string;
  finger: number;
  bytes: Uint8Array;
}

/** One record of any table, for copying a bank record by record (copy.ts). */
export type AnyRecord =
  | { table: 'customers'; value: Customer }
  | { table: 'accounts'; value: Account }
  | { table: 'cards'; value: Card }
  | { table: 'fingers'; value: FingerEnrolment }
  | { table: 'otps'; value: Otp }
  | { table: 'ledger'; value: LedgerEntry }
  | { table: 'holds'; value: Hold }
  | { table: 'staff'; value: StaffMember }
  | { table: 'clients'; value: BankClient }
  | { table: 'idempotency'; value: { id: string; request: string; result: unknown } };

export interface BankReader {
  customer(id: string): Customer | undefined;
  customerByUsername(username: string): Customer | undefined;
  /** Every customer, oldest first: for staff lists and exports, whose cost is the population's by nature. */
  customers(): IterableIterator<Customer>;
  customerCount(): number;

  account(number: string): Account | undefined;
  /** A customer's (first) account. */
  accountOf(customerId: string): Account | undefined;
  accounts(): IterableIterator<Account>;

  card(pan: string): Card | undefined;
  cardsOf(customerId: string): Card[];

  fingersOf(customerId: string): FingerEnrolment[];
  finger(customerId: string, finger: number): FingerEnrolment | undefined;
  fingers(): IterableIterator<FingerEnrolment>;
  /** Enrolled fingers' templates as bytes, in the order they were stored, `limit` after position `after` (0: from the
   *  start): what the 1:N index (finger-library.ts) is loaded from, a chunk at a time. */
  fingerTemplates(after: number, limit: number): (FingerTemplate & { position: number })[];
  fingerCount(): number;

  otp(id: string): Otp | undefined;

  /** An account's entries, newest first. */
  ledgerOf(account: string, limit: number, moneyOnly?: boolean): LedgerEntry[];
  ledger(): IterableIterator<LedgerEntry>;
  ledgerCount(): number;

  hold(id: string): Hold | undefined;
  /** Holds, newest first. */
  holds(filter?: { status?: Hold['status']; account?: string }): Hold[];
  /** Money reserved on the account and not yet settled. */
  heldAmount(account: string): number;
  /** Money withdrawn or reserved (not reversed) from the account since `since` (ms). */
  withdrawnSince(account: string, since: number): number;

  staffMember(username: string): StaffMember | undefined;
  client(id: string): BankClient | undefined;
  /** The stored answer of an idempotent operation. */
  idempotency(id: string): { request: string; result: unknown } | undefined;
  counters(): BankData['counters'];

  /** Problems that would mean money was lost or doubled: each account's ledger adds up to its balance, no
   *  account is overdrawn by its holds, a committed hold is debited exactly once and an open or reversed one never.
   *  Empty when consistent. */
  integrityProblems(): string[];
  /** The whole bank as one document (the JSON file's format): O(population), for exports and tests. */
  snapshot(): BankData;
  /** Every record, table by table, oldest first, without holding them all. */
  everything(): IterableIterator<AnyRecord>;
}

export interface BankWriter extends BankReader {
  /** Increment a counter and return its new value. */
  next(counter: CounterName): number;
  /** Set every counter (a copy of another bank). */
  setCounters(counters: BankData['counters']): void;
  /** Put a record of any table (a copy of another bank). */
  putRecord(r: AnyRecord): void;
  putCustomer(c: Customer): void;
  putAccount(a: Account): void;
  putCard(c: Card): void;
  /** Enrol (or re-enrol) one finger of a customer. */
  putFinger(f: FingerEnrolment): void;
  putOtp(o: Otp): void;
  /** Drop OTPs that expired before `before`. */
  pruneOtps(before: number): void;
  addLedger(e: LedgerEntry): void;
  putHold(h: Hold): void;
  putStaff(s: StaffMember): void;
  putClient(c: BankClient): void;
  putIdempotency(id: string, value: { request: string; result: unknown }): void;
}
