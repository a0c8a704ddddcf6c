/**
 * The bank's tables. Each record is kept whole as JSON in `doc` (its shape is model.ts's, one schema for both
 * stores and the API), with the fields it is looked up by in columns of their own, each with an index: a lookup is
 * a B-tree search, whatever the population. Fingers keep their template as bytes (a third smaller than base64).
 * `seq` keeps the order records were made in (the ledger's and holds' "newest first").
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE customers (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, username TEXT UNIQUE, doc TEXT NOT NULL);
CREATE TABLE accounts (seq INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE, customer_id TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX accounts_by_customer ON accounts (customer_id, seq);
CREATE TABLE cards (seq INTEGER PRIMARY KEY, pan TEXT NOT NULL UNIQUE, customer_id TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX cards_by_customer ON cards (customer_id);
CREATE TABLE fingers (
  seq INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, finger INTEGER NOT NULL, template BLOB NOT NULL,
  enrolled_at INTEGER NOT NULL, UNIQUE (customer_id, finger));
CREATE TABLE otps (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX otps_by_expiry ON otps (expires_at);
CREATE TABLE ledger (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, account TEXT NOT NULL, amount INTEGER NOT NULL,
  ref TEXT, type TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX ledger_by_account ON ledger (account, seq);
CREATE INDEX ledger_by_ref ON ledger (ref, type);
CREATE TABLE holds (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, account TEXT NOT NULL, key TEXT NOT NULL,
  status TEXT NOT NULL, amount INTEGER NOT NULL, created_at INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX holds_by_account ON holds (account, status, created_at);
CREATE INDEX holds_by_status ON holds (status);
CREATE INDEX holds_by_key ON holds (key);
CREATE TABLE staff (username TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE clients (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE idempotency (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
`;

/** The counters a new bank starts from (model.ts's emptyBank). */
export const COUNTER_NAMES = ['customer', 'account', 'entry', 'otp', 'hold'] as const;
