/**
 * The rig's keyring, <data>/bus/credentials.json (written by prepareBusSecurity, mode 0600): every bus user's
 * password. Read, never rewritten, by the processes that only use it: an ATM host (`atm-rig atms`), the fault CLI,
 * an emulator. A lab copies it to each ATM host like a private key (docs/roles.md).
 */
import { dirname, join } from 'node:path';
import { readStringRecord } from '../../core/json.ts';
import type { BusCredential } from './security.ts';

export interface Keyring {
  file: string;
  /** A bus user's credential; throws naming the file when the keyring has no such user. */
  credential(user: string): BusCredential;
  has(user: string): boolean;
}

/** The keyring file beside a bank file (`--data`). */
export function keyringFileOf(bankFile: string): string {
  return join(dirname(bankFile), 'bus', 'credentials.json');
}

/** The keyring, or undefined when the file does not exist; a file that is not a keyring is an error naming it. */
export async function readKeyring(file: string): Promise<Keyring | undefined> {
  const users = await readStringRecord(file, 'a bus keyring');
  if (!users) return undefined;
  return {
    file,
    has: (user) => Object.hasOwn(users, user),
    credential(user) {
      if (!Object.hasOwn(users, user))
        throw new Error(
          `no password for the bus user ${user} in ${file}: provision it first (atm-rig bank --atms ..., or start the rig once)`,
        );
      return { username: user, password: users[user]! };
    },
  };
}
