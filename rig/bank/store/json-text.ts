/**
 * The JSON store's document (model.ts's BankData) written straight from the stored records: each record is kept as
 * JSON text already (schema.ts), so the document is those texts joined, not every record parsed and stringified
 * again. What JSON.parse gives back is what `snapshot()` returns (a test compares them).
 */
import type { Database } from 'better-sqlite3';
import type { BankData } from '../model.ts';

const TABLES = ['customers', 'accounts', 'cards', 'fingers', 'otps', 'ledger', 'holds', 'staff', 'idempotency', 'clients'] as const;

export function bankJsonText(db: Database, counters: BankData['counters']): string {
  const parts: string[] = [`{"version":1,"counters":${JSON.stringify(counters)}`];
  for (const table of TABLES) {
    const items = table === 'idempotency' ? idempotencyTexts(db) : table === 'fingers' ? fingerTexts(db) : docTexts(db, table);
    const [open, close] = table === 'idempotency' ? ['{', '}'] : ['[', ']'];
    parts.push(`,${JSON.stringify(table)}:${open}${items.join(',')}${close}`);
  }
  return parts.join('') + '}';
}

const docTexts = (db: Database, table: string) => db.prepare(`SELECT doc FROM ${table} ORDER BY rowid`).pluck().all() as string[];

function idempotencyTexts(db: Database): string[] {
  const rows = db.prepare('SELECT id, doc FROM idempotency ORDER BY rowid').raw().all() as [string, string][];
  return rows.map(([id, doc]) => `${JSON.stringify(id)}:${doc}`);
}

function fingerTexts(db: Database): string[] {
  const rows = db.prepare('SELECT customer_id, finger, template, enrolled_at FROM fingers ORDER BY seq').raw().all() as [
    string,
    number,
    Buffer,
    number,
  ][];
  return rows.map(([customerId, finger, template, enrolledAt]) =>
    JSON.stringify({ customerId, finger, template: template.toString('base64'), enrolledAt }),
  );
}
