/** The stores every bank test runs against (describe.each), each on a real file in a fresh temp folder. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const STORES = ['json', 'sqlite'] as const;
export type StoreName = (typeof STORES)[number];

/** A bank file that does not exist yet, for this store. */
export async function bankFile(store: StoreName, name = 'bank'): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), `atm-rig-${store}-`)), `${name}.${store}`);
}
