/**
 * Logins checked against a password file's hashes alone, as Mosquitto checks them: for `atm-rig broker` on a host
 * that was given only the lab's passwd and acl, never the keyring (docs/roles.md). A right password is remembered as
 * a digest, so a client that reconnects costs one slow hash, not one per connection; a wrong one always costs it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { checkPassword } from './passwd.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

export function passwdChecker(hashes: ReadonlyMap<string, string>): (username: string, password: string) => Promise<boolean> {
  const verified = new Map<string, Buffer>();
  return async (username, password) => {
    const hash = hashes.get(username);
    if (hash === undefined) return false;
    const known = verified.get(username);
    if (known && timingSafeEqual(known, digest(password))) return true;
    if (!(await checkPassword(password, hash))) return false;
    verified.set(username, digest(password));
    return true;
  };
}

/** The ATMs a password file has users for: each ATM's controller is `<atm id>.controller`. */
export function atmIdsOf(users: Iterable<string>): string[] {
  return [...users].filter((u) => u.endsWith('.controller')).map((u) => u.slice(0, -'.controller'.length));
}
