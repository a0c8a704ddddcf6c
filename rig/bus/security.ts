/**
 * Who may say what on the bus. Every device, the controller and the rig's own services connect with their own
 * username; the ACL lets a device publish only its own events and state and read only its own commands (and, for a
 * virtual device, its own sim topics); `sim/` topics may be published only by the `simulator` role; `phone/#` is
 * readable only by the simulator (the person holding the phones). Anonymous clients are refused unless the rig
 * runs with --insecure-bus.
 *
 * Files in <data>/bus/ (created at first start, reused after):
 *   passwd            Mosquitto password file: what a broker checks against, hashes only
 *   acl               Mosquitto acl_file
 *   credentials.json  the rig's keyring: every user's password, for the rig's own clients and for the people
 *                     and tools given the simulator or observer role (mode 0600, like a private key)
 * An external Mosquitto reads passwd and acl as they are (docs/security.md).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AedesOptions } from 'aedes';
import { DEVICE_KINDS } from '../../devices/topics.ts';
import { Acl } from './acl.ts';
import { checkPassword, formatPasswd, hashPassword, parsePasswd } from './passwd.ts';

export interface BusCredential {
  username: string;
  password: string;
}

export interface BusSecurity {
  acl: Acl;
  /** Credentials of the rig's own clients, by role: `<atm>.<device>`, `<atm>.controller`, `rig.clock`, `rig.trace`. */
  internal: Map<string, BusCredential>;
  simulator: BusCredential;
  observer: BusCredential;
  hooks: Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>;
  /** Where the files are, or undefined when kept in memory. */
  dir?: string;
}

/** Largest MQTT payload the broker accepts. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export function buildAcl(atmIds: readonly string[]): Acl {
  const acl = new Acl();
  for (const atm of atmIds) {
    for (const kind of DEVICE_KINDS) {
      const user = `${atm}.${kind}`;
      acl.add(user, { access: 'write', filter: `atm/${atm}/${kind}/evt/+` });
      acl.add(user, { access: 'write', filter: `atm/${atm}/${kind}/state` });
      acl.add(user, { access: 'read', filter: `atm/${atm}/${kind}/cmd/+` });
      acl.add(user, { access: 'read', filter: `atm/${atm}/${kind}/sim/+` });
      if (kind === 'gsm') acl.add(user, { access: 'write', filter: 'phone/+/inbox' });
    }
    const controller = `${atm}.controller`;
    acl.add(controller, { access: 'read', filter: `atm/${atm}/+/evt/+` });
    acl.add(controller, { access: 'read', filter: `atm/${atm}/+/state` });
    acl.add(controller, { access: 'write', filter: `atm/${atm}/+/cmd/+` });
    acl.add(controller, { access: 'write', filter: `atm/${atm}/session/#` });
  }
  acl.add('rig.clock', { access: 'read', filter: 'rig/clock/sim/advance' });
  acl.add('rig.clock', { access: 'write', filter: 'rig/clock/#' });
  acl.add('rig.trace', { access: 'read', filter: 'atm/#' });
  acl.add('rig.trace', { access: 'read', filter: 'phone/#' });
  acl.add('simulator', { access: 'write', filter: 'atm/+/+/sim/+' });
  acl.add('simulator', { access: 'write', filter: 'rig/clock/sim/advance' });
  acl.add('simulator', { access: 'read', filter: '#' });
  acl.add('observer', { access: 'read', filter: 'atm/#' });
  acl.add('observer', { access: 'read', filter: 'rig/#' });
  return acl;
}

// URL-safe and free of ':' and spaces, so it fits password files and command lines alike.
const newPassword = () => randomBytes(18).toString('base64url');

/** Set up the bus users for these ATMs; files under `dataDir/bus` unless `dataDir` is undefined (in memory). */
export async function prepareBusSecurity(atmIds: readonly string[], dataDir: string | undefined, options: { insecure?: boolean; iterations?: number; onDenied?: (what: string) => void } = {}): Promise<BusSecurity> {
  const acl = buildAcl(atmIds);
  const internal = new Map<string, BusCredential>();
  for (const atm of atmIds) for (const role of [...DEVICE_KINDS, 'controller']) internal.set(`${atm}.${role}`, { username: `${atm}.${role}`, password: newPassword() });
  for (const role of ['rig.clock', 'rig.trace']) internal.set(role, { username: role, password: newPassword() });

  const dir = dataDir ? join(dataDir, 'bus') : undefined;
  let keyring: Record<string, string> = {};
  let stored = new Map<string, string>();
  if (dir) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    keyring = await readFile(join(dir, 'credentials.json'), 'utf8').then((t) => JSON.parse(t) as Record<string, string>, () => ({}));
    stored = await readFile(join(dir, 'passwd'), 'utf8').then(parsePasswd, () => new Map<string, string>());
  }
  const users = [...internal.keys(), 'simulator', 'observer'];
  const hashes = new Map<string, string>();
  let changed = false;
  for (const user of users) {
    if (!keyring[user]) {
      keyring[user] = newPassword();
      changed = true;
    }
    // Reuse the stored hash when it still matches: hashing is slow on purpose.
    const old = stored.get(user);
    hashes.set(user, old && (await checkPassword(keyring[user]!, old)) ? old : ((changed = true), await hashPassword(keyring[user]!, options.iterations)));
  }
  for (const [user, c] of internal) c.password = keyring[user]!;
  if (dir && (changed || stored.size !== hashes.size)) {
    await writeFile(join(dir, 'passwd'), formatPasswd(hashes), { mode: 0o600 });
    await writeFile(join(dir, 'credentials.json'), JSON.stringify(keyring, null, 2) + '\n', { mode: 0o600 });
    await chmod(join(dir, 'credentials.json'), 0o600);
  }
  if (dir) await writeFile(join(dir, 'acl'), acl.format(), { mode: 0o644 });
  const operators = { simulator: keyring.simulator!, observer: keyring.observer! };

  const denied = options.onDenied ?? (() => {});
  const hooks: BusSecurity['hooks'] = {
    authenticate: (client, username, password, callback) => {
      if (!username) {
        if (options.insecure) return callback(null, true);
        denied(`anonymous client ${client?.id} refused`);
        return callback(Object.assign(new Error('not authorized'), { returnCode: 5 }) as never, false);
      }
      const hash = hashes.get(username);
      void (hash ? checkPassword(password?.toString() ?? '', hash) : Promise.resolve(false)).then((ok) => {
        if (ok) (client as unknown as { atmRigUser?: string }).atmRigUser = username;
        else denied(`bad credentials for ${username}`);
        callback(ok ? null : (Object.assign(new Error('bad username or password'), { returnCode: 4 }) as never), ok);
      });
    },
    authorizePublish: (client, packet, callback) => {
      if (packet.payload && packet.payload.length > MAX_PAYLOAD_BYTES) return callback(new Error(`payload over ${MAX_PAYLOAD_BYTES} bytes`));
      if (!client) return callback(null); // the broker itself (a will with no client left)
      const user = (client as unknown as { atmRigUser?: string }).atmRigUser;
      if (user === undefined && options.insecure) return callback(null);
      if (user !== undefined && acl.canPublish(user, packet.topic)) return callback(null);
      denied(`${user ?? 'anonymous'} may not publish to ${packet.topic}`);
      callback(new Error(`not authorized to publish to ${packet.topic}`));
    },
    authorizeSubscribe: (client, sub, callback) => {
      const user = (client as unknown as { atmRigUser?: string }).atmRigUser;
      if (user === undefined && options.insecure) return callback(null, sub);
      if (user !== undefined && acl.canSubscribe(user, sub.topic)) return callback(null, sub);
      denied(`${user ?? 'anonymous'} may not subscribe to ${sub.topic}`);
      callback(null, null as never); // a failed subscription (SUBACK 0x80), the connection stays
    },
  };
  return { acl, internal, simulator: { username: 'simulator', password: operators.simulator }, observer: { username: 'observer', password: operators.observer }, hooks, dir };
}
