/**
 * <data>/atm-keys.json (mode 0600): each ATM's key to the bank's ATM routes, made by the bank at first start (the bank
 * keeps only their hashes). The rig's own controllers read it; a lab copies it to each ATM host (docs/roles.md).
 */
import { dirname, join } from 'node:path';
import { readStringRecord } from '../../core/json.ts';

export function atmKeysFileOf(bankFile: string): string {
  return join(dirname(bankFile), 'atm-keys.json');
}

/** The keys by ATM id; empty when the file does not exist, an error naming the file when it is not a key file. */
export async function readAtmKeys(file: string): Promise<Map<string, string>> {
  return new Map(Object.entries((await readStringRecord(file, 'an ATM key file')) ?? {}));
}
