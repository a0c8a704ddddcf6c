/**
 * The bank's persistence: one lowdb JSON document. lowdb's file adapter writes atomically (temp file + rename,
 * via steno); on top of that every mutation goes through `update`, which runs one at a time, so two requests
 * can never interleave a read-modify-write. A mutation that throws leaves the file untouched and the
 * in-memory copy is restored from the last good state.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low, Memory } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { BankDataSchema, emptyBank, type BankData } from './model.ts';

export interface BankStore {
  /** Current data; treat as read-only outside `update`. */
  read(): BankData;
  update<T>(mutate: (data: BankData) => T | Promise<T>): Promise<T>;
  /** Where the data lives, for messages. */
  readonly location: string;
}

export async function openStore(file: string | ':memory:'): Promise<BankStore> {
  let db: Low<BankData>;
  if (file === ':memory:') {
    db = new Low<BankData>(new Memory<BankData>(), emptyBank());
  } else {
    await mkdir(dirname(file), { recursive: true });
    db = new Low<BankData>(new JSONFile<BankData>(file), emptyBank());
    await db.read();
    const parsed = BankDataSchema.safeParse(db.data);
    if (!parsed.success) {
      // Refuse to run on a file we do not understand rather than overwrite somebody's data.
      const head = (await readFile(file, 'utf8').catch(() => '')).slice(0, 80);
      throw new Error(`bank data file ${file} is not valid atm-rig bank data (${parsed.error.issues[0]?.message ?? 'invalid'}): ${head}`);
    }
    db.data = parsed.data;
  }
  let queue: Promise<unknown> = Promise.resolve();

  return {
    location: file,
    read: () => db.data,
    update<T>(mutate: (data: BankData) => T | Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        const before = structuredClone(db.data);
        try {
          const result = await mutate(db.data);
          await db.write();
          return result;
        } catch (err) {
          db.data = before;
          throw err;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
