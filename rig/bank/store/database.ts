/** A new bank database (schema and starting counters), and a whole bank document loaded into one. */
import Database from 'better-sqlite3';
import { emptyBank, type BankData } from '../model.ts';
import { COUNTER_NAMES, SCHEMA, SCHEMA_VERSION } from './schema.ts';
import { SqlRecords } from './sql-records.ts';

/** An empty bank at `path` (a file that does not exist yet, or ':memory:'). */
export function createBankDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.transaction(() => {
    db.exec(SCHEMA);
    const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    meta.run('version', SCHEMA_VERSION);
    const counters = emptyBank().counters;
    for (const name of COUNTER_NAMES) meta.run(`counter.${name}`, counters[name]);
  })();
  return db;
}

/** Put every record of `data` into `records` (an empty bank), counters included. One transaction. */
export function loadDocument(records: SqlRecords, data: BankData): void {
  records.db.transaction(() => {
    records.setCounters(data.counters);
    for (const c of data.customers) records.putCustomer(c);
    for (const a of data.accounts) records.putAccount(a);
    for (const c of data.cards) records.putCard(c);
    for (const f of data.fingers) records.putFinger(f);
    for (const o of data.otps) records.putOtp(o);
    for (const e of data.ledger) records.addLedger(e);
    for (const h of data.holds) records.putHold(h);
    for (const s of data.staff) records.putStaff(s);
    for (const c of data.clients) records.putClient(c);
    for (const [id, value] of Object.entries(data.idempotency)) records.putIdempotency(id, value as { request: string; result: unknown });
  })();
}
