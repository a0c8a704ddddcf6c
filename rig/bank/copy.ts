/**
 * A bank copied from one store to another (`atm-rig bank-copy`): a JSON bank into SQLite when it outgrows one
 * file, or a SQLite bank out to readable JSON. Record by record, every table and the counters, in one transaction
 * of the new bank: the copy is whole or not there. The source is only read (a running rig's too), and the copy
 * is always a new file: an existing one is never overwritten.
 */
import { exists } from './store/files.ts';
import { openStore, storeKind } from './store.ts';

export interface CopyReport {
  records: number;
  customers: number;
  from: string;
  to: string;
}

export async function copyBank(from: string, to: string, onProgress?: (done: number, total: number) => void): Promise<CopyReport> {
  if (from === ':memory:' || to === ':memory:') throw new Error('bank-copy copies between files: ":memory:" keeps nothing to copy');
  storeKind(to); // a name that says no store is refused before anything is read
  if (!(await exists(from))) throw new Error(`bank file ${from} does not exist`);
  if (await exists(to))
    throw new Error(`${to} exists: bank-copy writes a new file and never overwrites one; move it aside or name another`);
  const source = await openStore(from, { readOnly: true });
  try {
    const target = await openStore(to);
    try {
      const total = source.records.customerCount();
      const records = await target.update((t) => {
        let n = 0;
        let customers = 0;
        t.setCounters(source.records.counters());
        for (const r of source.records.everything()) {
          t.putRecord(r);
          n++;
          if (r.table === 'customers' && ++customers % 10_000 === 0) onProgress?.(customers, total);
        }
        onProgress?.(total, total);
        return n;
      });
      return { records, customers: total, from: source.location, to: target.location };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
