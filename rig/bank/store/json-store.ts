/**
 * The JSON store, for small rigs and the demo: the bank is one readable JSON document (model.ts's BankData),
 * loaded at open into an in-memory SQLite database, so lookups use the same indexed records as the SQLite store.
 * Each group of operations (group-commit.ts) is written as the whole document, durably (DurableJsonFile: temp file,
 * fsync, rename), before its callers are answered: the cost of a write grows with the bank, which is why banks
 * of more than a few thousand customers belong in a `.sqlite` file. At each open the last good copy is kept as
 * `<file>.bak` and temp files a crash left behind are removed.
 */
import { copyFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { BankDataSchema } from '../model.ts';
import type { BankStore, StoreOptions } from '../store.ts';
import { DurableJsonFile } from '../durable-file.ts';
import { lockFile } from '../file-lock.ts';
import { createBankDatabase, loadDocument } from './database.ts';
import { BankFileError, exists, prepareBankPath, removeLeftoverTemps } from './files.ts';
import { GroupCommit } from './group-commit.ts';
import { bankJsonText } from './json-text.ts';
import { SqlRecords } from './sql-records.ts';

/** A bank that lives in memory only (':memory:'): nothing is kept. */
export function openMemoryStore(): BankStore {
  const records = new SqlRecords(createBankDatabase(':memory:'));
  return storeOver(records, ':memory:', new GroupCommit(records.db, records), async () => {});
}

export async function openJsonStore(path: string, options: StoreOptions): Promise<BankStore> {
  const file = await prepareBankPath(path);
  const lock = options.readOnly ? undefined : await lockFile(file);
  try {
    const adapter = new DurableJsonFile<unknown>(file);
    const hasBackup = await exists(`${file}.bak`);
    let raw: unknown;
    try {
      raw = await adapter.read();
    } catch (err) {
      // Refuse to run on a file we do not understand rather than overwrite somebody's data.
      throw new BankFileError(file, (err as Error).message, hasBackup);
    }
    const records = new SqlRecords(createBankDatabase(':memory:'));
    if (raw !== null) {
      const parsed = BankDataSchema.safeParse(raw);
      if (!parsed.success) throw new BankFileError(file, `not atm-rig bank data (${describeIssue(parsed.error)})`, hasBackup);
      try {
        loadDocument(records, parsed.data);
      } catch (err) {
        throw new BankFileError(file, `not atm-rig bank data (${(err as Error).message})`, hasBackup);
      }
    }
    if (lock) {
      await removeLeftoverTemps(file);
      if (await exists(file)) {
        await copyFile(file, `${file}.bak.tmp`);
        await rename(`${file}.bak.tmp`, `${file}.bak`);
      }
    }
    const persist = async () => {
      try {
        await adapter.writeText(bankJsonText(records.db, records.counters()));
      } catch (err) {
        if (err instanceof RangeError)
          throw new Error(
            `the bank is too large for a JSON file (${(err as Error).message}): keep it in a .sqlite file (docs/configuration.md)`,
            {
              cause: err,
            },
          );
        throw err;
      }
    };
    const commits = new GroupCommit(records.db, records, persist);
    const store = storeOver(records, file, commits, async () => lock?.release());
    if (options.readOnly) return { ...store, update: () => Promise.reject(new Error(`${file} is open read-only`)) };
    return store;
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

function storeOver(records: SqlRecords, location: string, commits: GroupCommit, release: () => Promise<void>): BankStore {
  return {
    kind: location === ':memory:' ? 'memory' : 'json',
    location,
    records,
    stats: commits.stats,
    update: (apply) => commits.run(apply),
    async close() {
      await commits.idle();
      records.db.close();
      await release();
    },
  };
}

export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return `${issue.path.join('.') || 'top level'}: ${issue.message}`;
}
