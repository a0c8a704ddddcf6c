/**
 * The bank's persistence: one lowdb JSON document, written durably (DurableJsonFile: temp file, fsync, rename).
 * Every mutation goes through `update`, which runs one at a time, so two requests can never interleave a
 * read-modify-write. A mutation that throws leaves the file untouched and the in-memory copy is restored from the
 * last good state.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low, Memory } from 'lowdb';
import { DurableJsonFile } from './durable-file.ts';
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
    db = new Low<BankData>(new DurableJsonFile<BankData>(file), emptyBank());
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
