/**
 * The bank's persistence, chosen by the data file's name:
 *   - `*.json`: the JSON store (store/json-store.ts), one readable document, for small rigs and the demo;
 *   - `*.sqlite`, `*.sqlite3`, `*.db`: the SQLite store (store/sqlite-store.ts), for banks of any size;
 *   - `:memory:`: nothing kept.
 * Either way the bank's logic sees the same indexed records (records.ts), every change goes through `update`, and
 * concurrent updates are committed together, each answered only once it is durable (store/group-commit.ts).
 * A data file has one owner process (file-lock.ts); a file that is not an atm-rig bank is refused with a
 * BankFileError that says what to do.
 */
import { extname } from 'node:path';
import type { BankReader, BankWriter } from './records.ts';
import { openJsonStore, openMemoryStore } from './store/json-store.ts';
import { openSqliteStore } from './store/sqlite-store.ts';
import { refuseFolder } from './store/files.ts';

export { BankFileError } from './store/files.ts';

export interface BankStore {
  readonly kind: 'json' | 'sqlite' | 'memory';
  /** Where the data lives, for messages. */
  readonly location: string;
  /** The records as they are now; change them only through `update`. */
  readonly records: BankReader;
  /** Run one operation: a synchronous function of the records, all of whose changes are kept or none. Resolves
   *  with its result once the change is durable; rejects with its error (and nothing changed) if it throws. */
  update<T>(apply: (records: BankWriter) => T): Promise<T>;
  /** Durable writes (batches) so far, and the operations in them. */
  readonly stats: { readonly batches: number; readonly operations: number };
  /** Wait for queued writes, then let the file go (its lock released). */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Read only (the export): no lock, no writes, no backup. */
  readOnly?: boolean;
}

export const SQLITE_EXTENSIONS = ['.sqlite', '.sqlite3', '.db'];

/** Which store a file name asks for. */
export function storeKind(file: string): BankStore['kind'] {
  if (file === ':memory:') return 'memory';
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (SQLITE_EXTENSIONS.includes(ext)) return 'sqlite';
  throw new Error(
    `bank data file ${file}: the name says which store keeps it: end it in .json (one readable file, for small rigs) or ${SQLITE_EXTENSIONS.join(', ')} (SQLite, any size), or give ":memory:"`,
  );
}

export async function openStore(file: string, options: StoreOptions = {}): Promise<BankStore> {
  if (file !== ':memory:') await refuseFolder(file);
  switch (storeKind(file)) {
    case 'memory':
      return openMemoryStore();
    case 'json':
      return openJsonStore(file, options);
    case 'sqlite':
      return openSqliteStore(file, options);
  }
}
