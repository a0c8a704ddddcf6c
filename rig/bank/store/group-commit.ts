/**
 * Group commit. Operations that arrive while the store is busy (or in the same turn of the event loop) run
 * together in one SQLite transaction, each inside its own savepoint: one that throws is rolled back alone and its
 * caller gets the error, the others go on. The batch is then made durable once (the SQLite store: COMMIT, one fsync
 * of the WAL; the JSON store: the whole document written and fsynced, then COMMIT) and only then is every caller
 * answered. So "acknowledged means durable" holds, and ten concurrent requests cost one fsync instead of ten.
 *
 * Operations are synchronous functions of the records: slow work (hashing) is done before, never inside a batch.
 */
import type { Database } from 'better-sqlite3';
import type { SqlRecords } from './sql-records.ts';

interface Pending {
  apply: (records: SqlRecords) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit {
  #queue: Pending[] = [];
  #running: Promise<void> | undefined;
  /** Batches made durable, and the operations in them: for the bench and the tests. */
  readonly stats = { batches: 0, operations: 0 };

  /** `persist` runs with the batch's transaction still open: if it throws, the batch is rolled back. */
  constructor(
    private readonly db: Database,
    private readonly records: SqlRecords,
    private readonly persist?: () => Promise<void>,
  ) {}

  run<T>(apply: (records: SqlRecords) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ apply, resolve: resolve as (v: unknown) => void, reject });
      // setImmediate: requests already read from their sockets in this turn join the batch.
      this.#running ??= new Promise<void>((r) => setImmediate(r)).then(() => this.#drain());
    });
  }

  /** Resolves once everything queued so far is durable (or failed). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#batch(this.#queue.splice(0));
    } finally {
      this.#running = undefined;
    }
  }

  async #batch(batch: Pending[]): Promise<void> {
    const outcomes: ReturnType<GroupCommit['one']>[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      for (const op of batch) op.reject(err);
      return;
    }
    for (const op of batch) outcomes.push(this.one(op));
    try {
      await this.persist?.();
      this.db.exec('COMMIT');
      this.stats.batches += 1;
      this.stats.operations += batch.length;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.records.forget();
      for (const op of batch) op.reject(err);
      return;
    }
    batch.forEach((op, i) => {
      const o = outcomes[i]!;
      if (o.ok) op.resolve(o.value);
      else op.reject(o.error);
    });
  }

  private one(op: Pending): { ok: true; value: unknown } | { ok: false; error: unknown } {
    this.db.exec('SAVEPOINT op');
    try {
      const value = op.apply(this.records);
      if (value instanceof Promise) throw new Error('a store operation must be synchronous: hash before update(), not inside it');
      this.db.exec('RELEASE op');
      return { ok: true, value };
    } catch (error) {
      this.db.exec('ROLLBACK TO op');
      this.db.exec('RELEASE op');
      this.records.forget();
      return { ok: false, error };
    }
  }
}
