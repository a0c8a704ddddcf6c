/**
 * The SQLite store (better-sqlite3), for banks of any size: each operation changes only the rows it touches, and
 * every lookup is an index search (schema.ts).
 *
 * Durability: WAL journal with `synchronous = FULL`, so each COMMIT fsyncs the WAL before it returns, and a caller
 * is answered only after the COMMIT of its batch (group-commit.ts). `NORMAL` would skip that fsync (WAL frames reach
 * the disk only at the next checkpoint): a SIGKILL would lose nothing, but a power cut could lose operations the
 * bank had already acknowledged, which a bank must not do. Group commit pays the fsync (about 0.5 ms on the bench
 * machine) once per batch, not once per operation, so FULL costs little under load.
 *
 * A new bank is made under a temp name and renamed into place, so a crash while creating it never leaves an empty
 * or half-made file where the bank should be.
 */
import { chmod, open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { BankStore, StoreOptions } from '../store.ts';
import { lockFile } from '../file-lock.ts';
import { createBankDatabase } from './database.ts';
import { BankFileError, exists, prepareBankPath, removeLeftoverTemps } from './files.ts';
import { GroupCommit } from './group-commit.ts';
import { SCHEMA_VERSION } from './schema.ts';
import { SqlRecords } from './sql-records.ts';

export async function openSqliteStore(path: string, options: StoreOptions): Promise<BankStore> {
  const file = await prepareBankPath(path);
  const lock = options.readOnly ? undefined : await lockFile(file);
  let db: Database.Database | undefined;
  try {
    if (lock) {
      await removeLeftoverTemps(file);
      if (!(await exists(file))) await createFile(file);
    }
    db = openChecked(file, options.readOnly === true);
    const records = new SqlRecords(db);
    const commits = new GroupCommit(db, records);
    const opened = db;
    return {
      kind: 'sqlite',
      location: file,
      records,
      stats: commits.stats,
      update: options.readOnly ? () => Promise.reject(new Error(`${file} is open read-only`)) : (apply) => commits.run(apply),
      async close() {
        await commits.idle();
        opened.close();
        await lock?.release();
      },
    };
  } catch (err) {
    db?.close();
    await lock?.release();
    throw err;
  }
}

/** Open an existing bank file, refusing (with BankFileError) one that is not an atm-rig bank. */
function openChecked(file: string, readOnly: boolean): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: readOnly, fileMustExist: true, timeout: 5000 });
    const size = db.pragma('page_count', { simple: true }) as number;
    if (size === 0) throw new Error('the file is empty');
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta) throw new Error('not atm-rig bank data (an SQLite database without its tables)');
    const version = (db.prepare("SELECT value FROM meta WHERE key = 'version'").get() as { value?: number } | undefined)?.value;
    if (version !== SCHEMA_VERSION) throw new Error(`not atm-rig bank data of version ${SCHEMA_VERSION} (version ${String(version)})`);
    if (!readOnly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    // Pages read through a memory map and a larger page cache: a lookup in a bank larger than SQLite's default 2 MiB
    // cache costs no system call (the index searches stay the same; only the page reads get cheaper).
    db.pragma(`mmap_size = ${1 << 30}`);
    db.pragma('cache_size = -65536');
    return db;
  } catch (err) {
    db?.close();
    if (!readOnly && (err as { code?: string }).code === 'SQLITE_BUSY') throw err;
    const message = (err as { code?: string }).code === 'SQLITE_NOTADB' ? 'it is not an SQLite database' : (err as Error).message;
    throw new BankFileError(file, message, false);
  }
}

/** Make an empty bank at a temp name, then rename it into place and fsync the folder. */
async function createFile(file: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.new.tmp`);
  const db = createBankDatabase(temp);
  db.pragma('journal_mode = WAL');
  db.close(); // checkpoints and removes the WAL: the temp file is the whole bank
  await chmod(temp, 0o600); // secrets' hashes and KYC: the owner's only (SQLite gives its WAL the same mode)
  await rename(temp, file);
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
