/**
 * The keys one ATM host needs, and only those (`atm-rig host-keys`): its ATMs' bus users (each device and the
 * controller) and their bank keys, copied out of the lab's keyring into a directory of their own. A host given the
 * lab's whole keyring could log in as any ATM, the simulator or the observer; a host given this cannot.
 */
import { summarise } from './banner.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEVICE_KINDS } from '../../devices/registry.ts';
import { busUser } from '../../devices/topics.ts';
import { atmKeysFileOf, readAtmKeys } from '../bank/atm-keys.ts';
import { keyringFileOf, readKeyring } from '../bus/keyring.ts';

/** Where an ATM host finds its keys in a keys directory (`atm-rig atms --keys <dir>`). */
export function hostKeyFiles(dir: string): { keyring: string; atmKeys: string } {
  return { keyring: join(dir, 'bus', 'credentials.json'), atmKeys: join(dir, 'atm-keys.json') };
}

export async function exportHostKeys(o: { bankFile: string; atmIds: readonly string[]; out: string }): Promise<string[]> {
  const keyring = await readKeyring(keyringFileOf(o.bankFile));
  if (!keyring) throw new Error(`no bus keyring at ${keyringFileOf(o.bankFile)}: run atm-rig bank --atms ... with this --data first`);
  const keys = await readAtmKeys(atmKeysFileOf(o.bankFile));
  const missing = o.atmIds.filter((id) => !keys.has(id));
  if (missing.length)
    throw new Error(`no bank key for ${summarise(missing)} in ${atmKeysFileOf(o.bankFile)}: provision them with atm-rig bank --atms`);
  const users: Record<string, string> = {};
  for (const id of o.atmIds)
    for (const role of [...DEVICE_KINDS, 'controller']) {
      const c = keyring.credential(busUser(id, role));
      users[c.username] = c.password;
    }
  const files = hostKeyFiles(o.out);
  // A fresh directory of our own, files that did not exist: an existing path (a symlink, a directory someone else
  // made) could hand the secrets to its owner (attacker's review).
  await mkdir(dirname(o.out), { recursive: true });
  await mkdir(o.out, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    throw new Error(
      err.code === 'EEXIST' ? `--out ${o.out} exists: host keys go into a new directory (remove it, or name another)` : err.message,
      { cause: err },
    );
  });
  await mkdir(join(o.out, 'bus'), { mode: 0o700 });
  await writeFile(files.keyring, JSON.stringify(users, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  await writeFile(files.atmKeys, JSON.stringify(Object.fromEntries(o.atmIds.map((id) => [id, keys.get(id)!])), null, 2) + '\n', {
    mode: 0o600,
    flag: 'wx',
  });
  return [files.keyring, files.atmKeys];
}
