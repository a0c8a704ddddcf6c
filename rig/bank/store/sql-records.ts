/**
 * The bank's records over SQLite (schema.ts): every lookup of records.ts is one prepared statement on an index.
 * Both stores use it: the SQLite store on its file, the JSON store on an in-memory database it loads the file into.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Account, BankData, Card, Customer, FingerEnrolment, Hold, LedgerEntry, Otp } from '../model.ts';
import type { AnyRecord, BankClient, BankWriter, CounterName, FingerTemplate, StaffMember } from '../records.ts';
import { COUNTER_NAMES } from './schema.ts';

type Row = Record<string, unknown>;
const doc = <T>(row: unknown): T | undefined => (row === undefined ? undefined : (JSON.parse((row as { doc: string }).doc) as T));
const docs = <T>(rows: unknown[]): T[] => rows.map((r) => doc<T>(r)!);
function* iterDocs<T>(rows: IterableIterator<unknown>): IterableIterator<T> {
  for (const r of rows) yield doc<T>(r)!;
}
const finger = (r: Row): FingerEnrolment => ({
  customerId: r.customer_id as string,
  finger: r.finger as number,
  template: (r.template as Buffer).toString('base64'),
  enrolledAt: r.enrolled_at as number,
});

export class SqlRecords implements BankWriter {
  readonly #statements = new Map<string, Statement>();
  #counters: BankData['counters'] | undefined;

  constructor(readonly db: Database) {}

  /** A prepared statement, made once. */
  protected sql(text: string): Statement {
    let s = this.#statements.get(text);
    if (!s) this.#statements.set(text, (s = this.db.prepare(text)));
    return s;
  }

  customer = (id: string) => doc<Customer>(this.sql('SELECT doc FROM customers WHERE id = ?').get(id));
  customerByUsername = (u: string) => doc<Customer>(this.sql('SELECT doc FROM customers WHERE username = ?').get(u));
  customers = () => iterDocs<Customer>(this.sql('SELECT doc FROM customers ORDER BY seq').iterate());
  customerCount = () => (this.sql('SELECT count(*) AS n FROM customers').get() as { n: number }).n;

  account = (n: string) => doc<Account>(this.sql('SELECT doc FROM accounts WHERE number = ?').get(n));
  accountOf = (c: string) => doc<Account>(this.sql('SELECT doc FROM accounts WHERE customer_id = ? ORDER BY seq LIMIT 1').get(c));
  accounts = () => iterDocs<Account>(this.sql('SELECT doc FROM accounts ORDER BY seq').iterate());

  card = (pan: string) => doc<Card>(this.sql('SELECT doc FROM cards WHERE pan = ?').get(pan));
  cardsOf = (c: string) => docs<Card>(this.sql('SELECT doc FROM cards WHERE customer_id = ? ORDER BY seq').all(c));

  fingersOf = (c: string) => (this.sql('SELECT * FROM fingers WHERE customer_id = ? ORDER BY finger').all(c) as Row[]).map(finger);
  finger(customerId: string, n: number): FingerEnrolment | undefined {
    const row = this.sql('SELECT * FROM fingers WHERE customer_id = ? AND finger = ?').get(customerId, n) as Row | undefined;
    return row && finger(row);
  }
  fingerTemplates(after: number, limit: number): (FingerTemplate & { position: number })[] {
    const rows = this.sql('SELECT seq, customer_id, finger, template FROM fingers WHERE seq > ? ORDER BY seq LIMIT ?')
      .raw(true)
      .all(after, limit);
    return (rows as [number, string, number, Buffer][]).map(([position, customerId, finger, bytes]) => ({
      position,
      customerId,
      finger,
      bytes,
    }));
  }
  *fingers(): IterableIterator<FingerEnrolment> {
    for (const r of this.sql('SELECT * FROM fingers ORDER BY seq').iterate() as IterableIterator<Row>) yield finger(r);
  }
  fingerCount = () => (this.sql('SELECT count(*) AS n FROM fingers').get() as { n: number }).n;

  otp = (id: string) => doc<Otp>(this.sql('SELECT doc FROM otps WHERE id = ?').get(id));

  ledgerOf(account: string, limit: number, moneyOnly = false): LedgerEntry[] {
    const where = moneyOnly ? 'AND amount != 0' : '';
    return docs(this.sql(`SELECT doc FROM ledger WHERE account = ? ${where} ORDER BY seq DESC LIMIT ?`).all(account, limit));
  }
  ledger = () => iterDocs<LedgerEntry>(this.sql('SELECT doc FROM ledger ORDER BY seq').iterate());
  ledgerCount = () => (this.sql('SELECT count(*) AS n FROM ledger').get() as { n: number }).n;

  hold = (id: string) => doc<Hold>(this.sql('SELECT doc FROM holds WHERE id = ?').get(id));
  holds(filter: { status?: Hold['status']; account?: string } = {}): Hold[] {
    const by = [filter.status && 'status = @status', filter.account && 'account = @account'].filter(Boolean);
    const where = by.length ? `WHERE ${by.join(' AND ')}` : '';
    return docs(this.sql(`SELECT doc FROM holds ${where} ORDER BY seq DESC`).all({ status: filter.status, account: filter.account }));
  }
  heldAmount(account: string): number {
    const sql = "SELECT coalesce(sum(amount), 0) AS n FROM holds WHERE account = ? AND status = 'reserved'";
    return (this.sql(sql).get(account) as { n: number }).n;
  }
  withdrawnSince(account: string, since: number): number {
    const sql = `SELECT coalesce(sum(amount), 0) AS n FROM holds WHERE account = ? AND status IN ('reserved', 'committed') AND created_at >= ?`;
    return (this.sql(sql).get(account, since) as { n: number }).n;
  }

  staffMember = (u: string) => doc<StaffMember>(this.sql('SELECT doc FROM staff WHERE username = ?').get(u));
  client = (id: string) => doc<BankClient>(this.sql('SELECT doc FROM clients WHERE id = ?').get(id));
  idempotency = (id: string) => doc<{ request: string; result: unknown }>(this.sql('SELECT doc FROM idempotency WHERE id = ?').get(id));
  counters(): BankData['counters'] {
    const rows = this.sql('SELECT key, value FROM meta').all() as { key: string; value: number }[];
    const values = new Map(rows.map((r) => [r.key, r.value]));
    return Object.fromEntries(COUNTER_NAMES.map((k) => [k, values.get(`counter.${k}`) ?? 0])) as BankData['counters'];
  }

  next(counter: CounterName): number {
    const value = (this.#counters ??= this.counters())[counter] + 1;
    this.sql('UPDATE meta SET value = ? WHERE key = ?').run(value, `counter.${counter}`);
    this.#counters[counter] = value;
    return value;
  }

  setCounters(counters: BankData['counters']): void {
    for (const name of COUNTER_NAMES) this.sql('UPDATE meta SET value = ? WHERE key = ?').run(counters[name], `counter.${name}`);
    this.#counters = { ...counters };
  }

  /** Forget what was read (the counters): a rollback may have undone it. */
  forget(): void {
    this.#counters = undefined;
  }
  putCustomer(c: Customer): void {
    const sql =
      'INSERT INTO customers (id, username, doc) VALUES (@id, @username, @doc) ON CONFLICT (id) DO UPDATE SET username = @username, doc = @doc';
    this.sql(sql).run({ id: c.id, username: c.username ?? null, doc: JSON.stringify(c) });
  }
  putAccount(a: Account): void {
    const sql = 'INSERT INTO accounts (number, customer_id, doc) VALUES (?, ?, ?) ON CONFLICT (number) DO UPDATE SET doc = excluded.doc';
    this.sql(sql).run(a.number, a.customerId, JSON.stringify(a));
  }
  putCard(c: Card): void {
    const sql = 'INSERT INTO cards (pan, customer_id, doc) VALUES (?, ?, ?) ON CONFLICT (pan) DO UPDATE SET doc = excluded.doc';
    this.sql(sql).run(c.pan, c.customerId, JSON.stringify(c));
  }
  putFinger(f: FingerEnrolment): void {
    const sql = `INSERT INTO fingers (customer_id, finger, template, enrolled_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (customer_id, finger) DO UPDATE SET template = excluded.template, enrolled_at = excluded.enrolled_at`;
    this.sql(sql).run(f.customerId, f.finger, Buffer.from(f.template, 'base64'), f.enrolledAt);
  }
  putOtp(o: Otp): void {
    const sql = 'INSERT INTO otps (id, expires_at, doc) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc';
    this.sql(sql).run(o.id, o.expiresAt, JSON.stringify(o));
  }
  pruneOtps(before: number): void {
    this.sql('DELETE FROM otps WHERE expires_at <= ?').run(before);
  }
  addLedger(e: LedgerEntry): void {
    const sql = 'INSERT INTO ledger (id, account, amount, ref, type, doc) VALUES (?, ?, ?, ?, ?, ?)';
    this.sql(sql).run(e.id, e.account, e.amount, e.ref ?? null, e.type, JSON.stringify(e));
  }
  putHold(h: Hold): void {
    const sql = `INSERT INTO holds (id, account, key, status, amount, created_at, doc) VALUES (@id, @account, @key, @status, @amount, @createdAt, @doc)
      ON CONFLICT (id) DO UPDATE SET status = @status, doc = @doc`;
    this.sql(sql).run({
      id: h.id,
      account: h.account,
      key: h.key,
      status: h.status,
      amount: h.amount,
      createdAt: h.createdAt,
      doc: JSON.stringify(h),
    });
  }
  putStaff(s: StaffMember): void {
    this.sql('INSERT OR REPLACE INTO staff (username, doc) VALUES (?, ?)').run(s.username, JSON.stringify(s));
  }
  putClient(c: BankClient): void {
    this.sql('INSERT OR REPLACE INTO clients (id, doc) VALUES (?, ?)').run(c.id, JSON.stringify(c));
  }
  putIdempotency(id: string, value: { request: string; result: unknown }): void {
    this.sql('INSERT OR REPLACE INTO idempotency (id, doc) VALUES (?, ?)').run(id, JSON.stringify(value));
  }

  integrityProblems(): string[] {
    const problems: string[] = [];
    const accounts = `SELECT number, doc ->> '$.balance' AS balance,
      (SELECT coalesce(sum(amount), 0) FROM ledger WHERE ledger.account = number) AS sum,
      (SELECT coalesce(sum(amount), 0) FROM holds WHERE holds.account = number AND status = 'reserved') AS held FROM accounts`;
    for (const a of this.sql(accounts).iterate() as IterableIterator<{ number: string; balance: number; sum: number; held: number }>) {
      if (a.sum !== a.balance) problems.push(`account ${a.number}: ledger sums to ${a.sum}, balance is ${a.balance}`);
      if (a.balance - a.held < 0) problems.push(`account ${a.number}: overdrawn (balance ${a.balance}, held ${a.held})`);
    }
    const holds = `SELECT id, status, (SELECT count(*) FROM ledger WHERE ref = holds.id AND type = 'withdrawal') AS debits FROM holds`;
    for (const h of this.sql(holds).iterate() as IterableIterator<{ id: string; status: string; debits: number }>) {
      if (h.status === 'committed' && h.debits !== 1) problems.push(`withdrawal ${h.id}: committed with ${h.debits} debits`);
      if (h.status !== 'committed' && h.debits !== 0) problems.push(`withdrawal ${h.id}: ${h.status} but debited`);
    }
    return problems;
  }

  *everything(): IterableIterator<AnyRecord> {
    for (const table of ['customers', 'accounts', 'cards', 'otps', 'ledger', 'holds', 'staff', 'clients'] as const)
      for (const r of this.sql(`SELECT doc FROM ${table} ORDER BY rowid`).iterate()) yield { table, value: doc(r) } as AnyRecord;
    for (const value of this.fingers()) yield { table: 'fingers', value };
    for (const r of this.sql('SELECT id, doc FROM idempotency ORDER BY rowid').iterate() as IterableIterator<{ id: string; doc: string }>)
      yield { table: 'idempotency', value: { id: r.id, ...(JSON.parse(r.doc) as { request: string; result: unknown }) } };
  }

  putRecord(r: AnyRecord): void {
    if (r.table === 'idempotency') return this.putIdempotency(r.value.id, { request: r.value.request, result: r.value.result });
    const put = {
      customers: 'putCustomer',
      accounts: 'putAccount',
      cards: 'putCard',
      fingers: 'putFinger',
      otps: 'putOtp',
      ledger: 'addLedger',
      holds: 'putHold',
      staff: 'putStaff',
      clients: 'putClient',
    } as const;
    (this[put[r.table]] as (v: unknown) => void).call(this, r.value);
  }

  snapshot(): BankData {
    const all = <T>(table: string) => docs<T>(this.sql(`SELECT doc FROM ${table} ORDER BY rowid`).all());
    const idempotency: Record<string, unknown> = {};
    for (const r of this.sql('SELECT id, doc FROM idempotency ORDER BY rowid').iterate() as IterableIterator<{ id: string; doc: string }>)
      Object.defineProperty(idempotency, r.id, { value: JSON.parse(r.doc), enumerable: true, writable: true, configurable: true });
    return {
      version: 1,
      counters: this.counters(),
      customers: all('customers'),
      accounts: all('accounts'),
      cards: all('cards'),
      fingers: [...this.fingers()],
      otps: all('otps'),
      ledger: all('ledger'),
      holds: all('holds'),
      staff: all('staff'),
      idempotency,
      clients: all('clients'),
    };
  }
}
