/**
 * Seeded population banks for the bench, made once per machine and kept in $TMPDIR/atm-rig-bench (100,000
 * customers take minutes to seed at the test cost; delete the folder to seed again). Each run works on a copy.
 */
import { copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBankService } from '../rig/bank/index.ts';
import { CHEAP_HASH_COST, type HashCost } from '../rig/bank/secrets.ts';
import { SCHEMA_VERSION } from '../rig/bank/store/schema.ts';
import {
  credentialsFileOf,
  parseCredentials,
  POPULATION_VERSION,
  seedPopulation,
  type PopulationCredential,
} from '../rig/population-seed.ts';
import { progressLine } from '../rig/progress.ts';

export interface PopulationBank {
  /** A fresh copy of the seeded bank, the run's to change, with its credentials beside it (as atm-rig load reads). */
  file: string;
  credentials: PopulationCredential[];
  /** Seconds the seeding took, when this run seeded (not when it came from the cache). */
  seededIn?: number;
}

export async function populationBank(customers: number, pinCost: HashCost = CHEAP_HASH_COST): Promise<PopulationBank> {
  const cache = join(tmpdir(), 'atm-rig-bench');
  const name = `pop-${customers}-seed1-logN${pinCost.logN}-v${SCHEMA_VERSION}.${POPULATION_VERSION}`;
  const cached = join(cache, `${name}.sqlite`);
  const credentialsFile = join(cache, `${name}.ndjson`);
  let seededIn: number | undefined;
  const have = await readFile(credentialsFile, 'utf8').catch(() => undefined);
  if (have === undefined) {
    await mkdir(cache, { recursive: true });
    const making = join(await mkdtemp(join(cache, 'making-')), 'bank.sqlite');
    const bank = await createBankService({ file: making, hashCost: CHEAP_HASH_COST });
    const started = performance.now();
    await seedPopulation(bank, {
      customers,
      seed: 1,
      hashCost: pinCost,
      credentialsFile: `${making}.ndjson`,
      onProgress: progressLine(`seeding ${customers} customers (once; cached in ${cache})`),
    });
    await bank.close();
    seededIn = (performance.now() - started) / 1000;
    await rename(making, cached);
    await rename(`${making}.ndjson`, credentialsFile);
    await rm(join(making, '..'), { recursive: true, force: true });
  }
  const file = join(await mkdtemp(join(tmpdir(), 'atm-rig-bench-run-')), 'bank.sqlite');
  await copyFile(cached, file);
  await copyFile(credentialsFile, credentialsFileOf(file));
  const credentials = parseCredentials(have ?? (await readFile(credentialsFile, 'utf8')), credentialsFile);
  return { file, credentials, ...(seededIn !== undefined ? { seededIn } : {}) };
}
