/**
 * The bank's persistence: one lowdb JSON document, written durably (DurableJsonFile: temp file, fsync, rename).
 * Every mutation goes through `update`, which runs one at a time, so two requests can never interleave a
 * read-modify-write. A mutation that throws leaves the file untouched and the in-memory copy is restored from the
 * last good state. The file has one owner process (file-lock.ts); at each open the last good copy is kept as
 * `<file>.bak` and temp files a crash left behind are removed.
 */
import { copyFile, lstat, mkdir, readdir, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Low, Memory } from 'lowdb';
import { z } from 'zod';
import { SerialQueue } from '../../core/serial-queue.ts';
import { DurableJsonFile } from './durable-file.ts';
import { lockFile } from './file-lock.ts';
import { BankDataSchema, emptyBank, type BankData } from './model.ts';

export interface BankStore {
  /** Current data; treat as read-only outside `update`. */
  read(): BankData;
  update<T>(mutate: (data: BankData) => T | Promise<T>): Promise<T>;
  /** Where the data lives, for messages. */
  readonly location: string;
  /** Wait for queued writes, then let the file go (its lock released). */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Read only (the export): no lock, no writes, no backup. */
  readOnly?: boolean;
}

export class BankFileError extends Error {
  constructor(file: string, problem: string, hasBackup: boolean) {
    const recover = hasBackup
      ? `The last good copy is ${file}.bak (kept at the last start): copy it over ${file} (with no atm-rig running on it), or move ${file} aside to start with an empty bank.`
      : `Move ${file} aside to start with an empty bank.`;
    super(`bank data file ${file} cannot be used: ${problem}. ${recover}`);
    this.name = 'BankFileError';
  }
}

export async function openStore(file: string | ':memory:', options: StoreOptions = {}): Promise<BankStore> {
  if (file === ':memory:') return storeOver(new Low<BankData>(new Memory<BankData>(), emptyBank()), file, async () => {});
  await mkdir(dirname(file), { recursive: true, mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    throw new Error(
      `cannot make the folder ${dirname(file)} for the bank data file: ${err.code === 'EEXIST' || err.code === 'ENOTDIR' ? 'a file is in the way' : err.message}`,
    );
  });
  if (
    await stat(file).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    throw new Error(`bank data file ${file} is a folder: give a file, e.g. ${join(file, 'bank.json')}`);
  file = await physical(file);
  const lock = options.readOnly ? undefined : await lockFile(file);
  try {
    const db = new Low<BankData>(new DurableJsonFile<BankData>(file), emptyBank());
    const hasBackup = await exists(`${file}.bak`);
    try {
      await db.read();
    } catch (err) {
      // Refuse to run on a file we do not understand rather than overwrite somebody's data.
      throw new BankFileError(file, (err as Error).message, hasBackup);
    }
    const parsed = BankDataSchema.safeParse(db.data);
    if (!parsed.success) throw new BankFileError(file, `not atm-rig bank data (${describeIssue(parsed.error)})`, hasBackup);
    db.data = parsed.data;
    if (lock) {
      await removeLeftoverTemps(file);
      if (await exists(file)) {
        await copyFile(file, `${file}.bak.tmp`);
        await rename(`${file}.bak.tmp`, `${file}.bak`);
      }
    }
    const store = storeOver(db, file, async () => lock?.release());
    if (options.readOnly) return { ...store, update: () => Promise.reject(new Error(`${file} is open read-only`)) };
    return store;
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

/** The file itself, not a symlink to it: the lock and every write must be on the one real file (a write renames
 *  over the path, which would replace a symlink with a copy). A file with other hard links would be split from
 *  them by the first write, so it is refused. */
async function physical(file: string, depth = 0): Promise<string> {
  const link = await lstat(file).then(
    (s) => s.isSymbolicLink(),
    () => false,
  );
  // A link to a file not made yet (a fresh bank) has no realpath: follow it by hand.
  if (link && depth < 16) return physical(resolve(dirname(file), await readlink(file)), depth + 1);
  const real = await realpath(file).catch(async () => join(await realpath(dirname(file)), basename(file)));
  const links = await stat(real).then(
    (s) => s.nlink,
    () => 1,
  );
  if (links > 1)
    throw new Error(
      `bank data file ${file} has ${links} hard links; atm-rig replaces the file on every write, which would split them: give it a file of its own`,
    );
  return real;
}

function storeOver(db: Low<BankData>, location: string, release: () => Promise<void>): BankStore {
  const queue = new SerialQueue();
  return {
    location,
    read: () => db.data,
    update<T>(mutate: (data: BankData) => T | Promise<T>): Promise<T> {
      return queue.run(async () => {
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
    },
    async close() {
      await queue.idle();
      await release();
    },
  };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return `${issue.path.join('.') || 'top level'}: ${issue.message}`;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** `.bank.json.<pid>.<n>.tmp` files are half-written copies from a crash; the owner of the lock may remove them. */
async function removeLeftoverTemps(file: string): Promise<void> {
  const prefix = `.${basename(file)}.`;
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) await unlink(join(dirname(file), name)).catch(() => undefined);
  }
}

/** Problems that would mean money was lost or doubled: each account's ledger must add up to its balance, and no
 *  hold may be both settled and still counted. Empty when the data is consistent. */
export function integrityProblems(data: BankData): string[] {
  const problems: string[] = [];
  for (const a of data.accounts) {
    const sum = data.ledger.filter((e) => e.account === a.number).reduce((s, e) => s + e.amount, 0);
    if (sum !== a.balance) problems.push(`account ${a.number}: ledger sums to ${sum}, balance is ${a.balance}`);
    const held = data.holds.filter((h) => h.account === a.number && h.status === 'reserved').reduce((s, h) => s + h.amount, 0);
    if (a.balance - held < 0) problems.push(`account ${a.number}: overdrawn (balance ${a.balance}, held ${held})`);
  }
  for (const h of data.holds) {
    const debits = data.ledger.filter((e) => e.ref === h.id && e.type === 'withdrawal').length;
    if (h.status === 'committed' && debits !== 1) problems.push(`withdrawal ${h.id}: committed with ${debits} debits`);
    if (h.status !== 'committed' && debits !== 0) problems.push(`withdrawal ${h.id}: ${h.status} but debited`);
  }
  return problems;
}
