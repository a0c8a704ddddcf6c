/**
 * Who may say what on the bus. Every device, the controller and the rig's own services connect with their own
 * username; the ACL lets a device publish only its own events and state and read only its own commands (and, for a
 * virtual device, its own sim topics); `sim/` topics may be published only by the `simulator` role; `phone/#` is
 * readable only by the simulator (the person holding the phones); the observer never receives a secret (a typed key,
 * a card number, a fingerprint template, an SMS text). Anonymous clients are refused unless the rig runs with
 * --insecure-bus.
 *
 * Files in <data>/bus/ (created at first start, reused after):
 *   passwd            Mosquitto password file: what an external broker checks against, hashes only
 *   acl               Mosquitto acl_file
 *   credentials.json  the rig's keyring: every user's password, for the rig's own clients and for the people
 *                     and tools given the simulator or observer role (mode 0600, like a private key)
 * An external Mosquitto reads passwd and acl as they are (docs/security.md). The embedded broker checks logins
 * against the keyring (rig/bus/login-throttle.ts), binds client ids to users (rig/bus/client-ids.ts), checks every
 * delivered message against the reader's ACL, and keeps retained messages only on `state` topics.
 */
import { openVerifiedPairs } from '../verified-pairs.ts';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AedesOptions } from 'aedes';
import { DEVICE_KINDS, DEVICES } from '../../devices/registry.ts';
import type { DeviceModule } from '../../devices/module.ts';
import { busUser, topics } from '../../devices/topics.ts';
import { Acl } from './acl.ts';
import { keyringChecker, type ThrottleOptions } from './login-throttle.ts';
import { busHooks } from './hooks.ts';
import { checkPassword, formatPasswd, hashPassword, parsePasswd } from './passwd.ts';

export { MAX_PAYLOAD_BYTES } from '../../core/bus-limits.ts';

export interface BusCredential {
  username: string;
  password: string;
}

export interface BusSecurity {
  acl: Acl;
  /** Credentials of the rig's own clients, by role: `<atm>.<device>`, `<atm>.controller`, `rig.clock`, `rig.faults`, `rig.recorder`, `rig.trace`. */
  internal: Map<string, BusCredential>;
  simulator: BusCredential;
  observer: BusCredential;
  hooks: Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>;
  /** Where the files are, or undefined when kept in memory. */
  dir?: string;
}

/**
 * What the observer (a dashboard, a watching QA engineer) may not receive, though it reads `atm/#`: each topic
 * carries a secret or a customer's identity. docs/topics.md has the whole table.
 */
/** What the observer may not read, as each device module declares it (devices/<kind>/index.ts). */
export const OBSERVER_DENIED: readonly { filter: string; why: string }[] = (DEVICES as readonly DeviceModule[]).flatMap((d) =>
  (d.observerDenied ?? []).map(({ topic, why }) => ({ filter: `atm/+/${d.kind}/${topic}`, why })),
);

export function buildAcl(atmIds: readonly string[]): Acl {
  const acl = new Acl();
  for (const atm of atmIds) {
    for (const { kind, alsoPublishes } of DEVICES as readonly DeviceModule[]) {
      const user = busUser(atm, kind);
      acl.add(user, { access: 'write', filter: topics.device(atm, kind, 'evt', '+') });
      acl.add(user, { access: 'write', filter: topics.deviceState(atm, kind) });
      acl.add(user, { access: 'read', filter: topics.device(atm, kind, 'cmd', '+') });
      acl.add(user, { access: 'read', filter: topics.device(atm, kind, 'sim', '+') });
      for (const filter of alsoPublishes ?? []) acl.add(user, { access: 'write', filter });
    }
    const controller = busUser(atm, 'controller');
    acl.add(controller, { access: 'read', filter: topics.device(atm, '+', 'evt', '+') });
    acl.add(controller, { access: 'read', filter: topics.deviceState(atm, '+') });
    acl.add(controller, { access: 'write', filter: topics.device(atm, '+', 'cmd', '+') });
    acl.add(controller, { access: 'write', filter: topics.session(atm) });
  }
  acl.add('rig.clock', { access: 'read', filter: topics.clock.advance });
  acl.add('rig.clock', { access: 'write', filter: topics.clock.all });
  acl.add('rig.faults', { access: 'read', filter: topics.fault.sim });
  acl.add('rig.faults', { access: 'write', filter: topics.fault.state });
  acl.add('rig.faults', { access: 'write', filter: topics.fault.events });
  // The recorder keeps what a replay needs: everything (docs/recording.md).
  acl.add('rig.recorder', { access: 'read', filter: '#' });
  acl.add('rig.trace', { access: 'read', filter: 'atm/#' });
  acl.add('rig.trace', { access: 'read', filter: 'phone/#' });
  acl.add('rig.trace', { access: 'read', filter: topics.fault.events });
  acl.add('simulator', { access: 'write', filter: 'atm/+/+/sim/+' });
  acl.add('simulator', { access: 'write', filter: topics.clock.advance });
  acl.add('simulator', { access: 'write', filter: topics.fault.sim });
  acl.add('simulator', { access: 'read', filter: '#' });
  // Deny lines first: Mosquitto applies the first matching line.
  for (const { filter } of OBSERVER_DENIED) acl.add('observer', { access: 'deny', filter });
  // A rule as the simulator typed it may name a phone's topic: the observer sees rules in rig/fault/state, masked.
  acl.add('observer', { access: 'deny', filter: topics.fault.sim });
  acl.add('observer', { access: 'read', filter: 'atm/#' });
  acl.add('observer', { access: 'read', filter: 'rig/#' });
  return acl;
}

// URL-safe and free of ':' and spaces, so it fits password files and command lines alike.
const newPassword = () => randomBytes(18).toString('base64url');

/** Set up the bus users for these ATMs; files under `dataDir/bus` unless `dataDir` is undefined (in memory). */
export async function prepareBusSecurity(
  atmIds: readonly string[],
  dataDir: string | undefined,
  options: { insecure?: boolean; iterations?: number; onDenied?: (what: string) => void; throttle?: Partial<ThrottleOptions> } = {},
): Promise<BusSecurity> {
  const acl = buildAcl(atmIds);
  const internal = new Map<string, BusCredential>();
  for (const atm of atmIds)
    for (const role of [...DEVICE_KINDS, 'controller'])
      internal.set(busUser(atm, role), { username: busUser(atm, role), password: newPassword() });
  for (const role of ['rig.clock', 'rig.faults', 'rig.recorder', 'rig.trace'])
    internal.set(role, { username: role, password: newPassword() });

  const dir = dataDir ? join(dataDir, 'bus') : undefined;
  let keyring: Record<string, string> = {};
  let stored = new Map<string, string>();
  if (dir) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    keyring = await readFile(join(dir, 'credentials.json'), 'utf8').then(
      (t) => JSON.parse(t) as Record<string, string>,
      () => ({}),
    );
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
  }
  // Reuse the stored hash when it still matches: pairs checked at an earlier start are not checked again
  // (rig/verified-pairs.ts); the others side by side on libuv's thread pool, hashing being slow on purpose (a host
  // of hundreds of ATMs has thousands of users).
  const verified = await openVerifiedPairs(dir);
  const checked = await Promise.all(
    users.map(async (user) => {
      const old = stored.get(user);
      if (old && (verified.known(`bus:${user}`, keyring[user]!, old) || (await checkPassword(keyring[user]!, old)))) return old;
      changed = true;
      return hashPassword(keyring[user]!, options.iterations);
    }),
  );
  users.forEach((user, i) => {
    hashes.set(user, checked[i]!);
    verified.remember(`bus:${user}`, keyring[user]!, checked[i]!);
  });
  for (const [user, c] of internal) c.password = keyring[user]!;
  if (dir && (changed || stored.size !== hashes.size)) {
    await writeFile(join(dir, 'passwd'), formatPasswd(hashes), { mode: 0o600 });
    await writeFile(join(dir, 'credentials.json'), JSON.stringify(keyring, null, 2) + '\n', { mode: 0o600 });
    await chmod(join(dir, 'credentials.json'), 0o600);
  }
  if (dir) await writeFile(join(dir, 'acl'), acl.format(), { mode: 0o644 });
  await verified.save();
  const operators = { simulator: keyring.simulator!, observer: keyring.observer! };

  const hooks = busHooks({
    acl,
    atmIds,
    known: new Set(hashes.keys()),
    internal: new Set(internal.keys()),
    checkLogin: keyringChecker(keyring),
    insecure: options.insecure ?? false,
    ...(options.onDenied ? { onDenied: options.onDenied } : {}),
    ...(options.throttle ? { throttle: options.throttle } : {}),
  });
  return {
    acl,
    internal,
    simulator: { username: 'simulator', password: operators.simulator },
    observer: { username: 'observer', password: operators.observer },
    hooks,
    dir,
  };
}

export { busUserOf, isStateTopic } from './hooks.ts';
