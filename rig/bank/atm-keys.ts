/**
 * <data>/atm-keys.json (mode 0600): each ATM's key to the bank's ATM routes, made by the bank at first start (the bank
 * keeps only their hashes). The rig's own controllers read it; a lab copies it to each ATM host (docs/roles.md).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { parseJson } from '../../core/json.ts';

const AtmKeys = z.record(z.string().min(1), z.string().min(1));

export function atmKeysFileOf(bankFile: string): string {
  return join(dirname(bankFile), 'atm-keys.json');
}

/** The keys by ATM id; empty when the file does not exist, an error naming the file when it is not a key file. */
export async function readAtmKeys(file: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new Error(`cannot read the ATM keys ${file}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = AtmKeys.safeParse(parseJson(text, file, 'the ATM keys'));
  if (!parsed.success) throw new Error(`${file} is not an ATM key file (an object of ATM id to key): ${z.prettifyError(parsed.error)}`);
  return new Map(Object.entries(parsed.data));
}
