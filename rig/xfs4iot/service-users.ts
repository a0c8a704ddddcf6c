/**
 * One-service users of the face: `<atm>.<Interface>` (e.g. `atm-1.Biometric`) may open that one service of that
 * ATM, and the publisher lists it only that. The ATM's controller credential opens all of its services (it is the
 * bus user the rig's controller drives every device with): an `xfs4iot:` fingerprint on another rig is given the
 * Biometric user instead, and cannot reach the cash dispenser. Passwords are made at first start and kept in
 * <data>/xfs4iot/credentials.json (mode 0600), like the bus keyring; in memory without a data directory.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ServiceUser {
  username: string;
  password: string;
  atmId: string;
  /** The one service it may open, e.g. `atm-1.Biometric` (the user's own name). */
  service: string;
}

// URL-safe and free of ':', so it fits an `xfs4iot:ws://user:password@...` spec as it is.
const newPassword = () => randomBytes(18).toString('base64url');

/** A user per service; the file's passwords are kept, missing ones made (and the file written, 0600). */
export async function loadServiceUsers(
  dataDir: string | undefined,
  services: readonly { atmId: string; name: string }[],
): Promise<{ users: ServiceUser[]; file?: string }> {
  const file = dataDir ? join(dataDir, 'xfs4iot', 'credentials.json') : undefined;
  const stored: Record<string, string> = file
    ? await readFile(file, 'utf8').then(
        (t) => JSON.parse(t) as Record<string, string>,
        () => ({}),
      )
    : {};
  const keyring: Record<string, string> = {};
  for (const s of services) keyring[s.name] = typeof stored[s.name] === 'string' && stored[s.name] ? stored[s.name]! : newPassword();
  if (file && services.some((s) => keyring[s.name] !== stored[s.name])) {
    await mkdir(join(dataDir!, 'xfs4iot'), { recursive: true, mode: 0o700 });
    await writeFile(file, JSON.stringify({ ...stored, ...keyring }, null, 2) + '\n', { mode: 0o600 });
    await chmod(file, 0o600);
  }
  const users = services.map((s) => ({ username: s.name, password: keyring[s.name]!, atmId: s.atmId, service: s.name }));
  return { users, ...(file ? { file } : {}) };
}
