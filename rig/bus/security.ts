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
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AedesOptions, Client } from 'aedes';
import { DEVICE_KINDS, DEVICES } from '../../devices/registry.ts';
import type { DeviceModule } from '../../devices/module.ts';
import { busUser, parseTopic, topics } from '../../devices/topics.ts';
import { Acl } from './acl.ts';
import { clientIdOwners } from './client-ids.ts';
import { MAX_PAYLOAD_BYTES, MAX_SUBSCRIPTIONS, MAX_TOPIC_LENGTH } from '../../core/bus-limits.ts';
import { keyringChecker, LoginThrottle, type ThrottleOptions } from './login-throttle.ts';
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
  // Reuse the stored hash when it still matches: hashing is slow on purpose, so the checks run side by side on
  // libuv's thread pool (a host of hundreds of ATMs has thousands of users).
  const checked = await Promise.all(
    users.map(async (user) => {
      const old = stored.get(user);
      if (old && (await checkPassword(keyring[user]!, old))) return old;
      changed = true;
      return hashPassword(keyring[user]!, options.iterations);
    }),
  );
  users.forEach((user, i) => hashes.set(user, checked[i]!));
  for (const [user, c] of internal) c.password = keyring[user]!;
  if (dir && (changed || stored.size !== hashes.size)) {
    await writeFile(join(dir, 'passwd'), formatPasswd(hashes), { mode: 0o600 });
    await writeFile(join(dir, 'credentials.json'), JSON.stringify(keyring, null, 2) + '\n', { mode: 0o600 });
    await chmod(join(dir, 'credentials.json'), 0o600);
  }
  if (dir) await writeFile(join(dir, 'acl'), acl.format(), { mode: 0o644 });
  const operators = { simulator: keyring.simulator!, observer: keyring.observer! };

  const denied = options.onDenied ?? (() => {});
  const checkLogin = keyringChecker(keyring);
  const throttle = new LoginThrottle(options.throttle);
  const reservedFor = clientIdOwners(atmIds);
  // A name typed by a stranger may be a password typed in the wrong field: only the rig's own users are named.
  const who = (username: string | undefined) => (!username ? 'anonymous' : hashes.has(username) ? username : 'an unknown user');
  const refusal = (returnCode: number, message: string) => Object.assign(new Error(message), { returnCode }) as never;

  // Distinct filters each client was granted (kept for the connection: Aedes has no unsubscribe hook).
  const subscriptions = new WeakMap<Client, Set<string>>();
  const hooks: BusSecurity['hooks'] = {
    authenticate: (client, username, password, callback) => {
      const address = addressOf(client);
      if (!username ? !options.insecure : !checkLogin(username, password?.toString('utf8') ?? '')) {
        const verdict = throttle.failed(address);
        const err = !username ? refusal(5, 'not authorized') : refusal(4, 'bad username or password');
        if (verdict.kind === 'refuse') {
          denied(!username ? `anonymous client from ${address} refused` : `bad credentials for ${who(username)} from ${address}`);
          return callback(err, false);
        }
        if (verdict.first) denied(`failed logins from ${address} throttled`);
        if (verdict.kind === 'drop') {
          client.close();
          return callback(err, false);
        }
        setTimeout(() => {
          verdict.done();
          callback(err, false);
        }, verdict.ms).unref();
        return;
      }
      // A persistent session (clean=false) keeps subscriptions and queues in the broker after its client left:
      // only the rig's own clients get one, so no outside user can park memory in the broker.
      if ((client as unknown as { clean?: boolean }).clean === false && !internal.has(username ?? '')) {
        denied(`${who(username)} asked for a persistent session (clean=false): only the rig's own clients may`);
        return callback(refusal(5, 'not authorized'), false);
      }
      const reserved = reservedFor(client.id);
      const holder = heldBy(client);
      if ((reserved !== undefined && reserved !== username) || (holder !== undefined && holder !== (username || ''))) {
        denied(`${who(username)} may not use client id ${client.id.slice(0, 80)}: it belongs to ${reserved ?? who(holder || undefined)}`);
        return callback(refusal(2, 'identifier rejected'), false);
      }
      userOf.set(client, username || '');
      callback(null, true);
    },
    authorizePublish: (client, packet, callback) => {
      if (packet.payload && packet.payload.length > MAX_PAYLOAD_BYTES)
        return callback(new Error(`payload over ${MAX_PAYLOAD_BYTES} bytes`));
      if (packet.topic.length > MAX_TOPIC_LENGTH) {
        denied(
          `${who(client ? userOf.get(client) || undefined : undefined)} published to a topic of ${packet.topic.length} characters (limit ${MAX_TOPIC_LENGTH})`,
        );
        return callback(new Error(`topic over ${MAX_TOPIC_LENGTH} characters`));
      }
      if (!client) return callback(null); // the broker itself (a will with no client left)
      const user = userOf.get(client);
      if ((user === '' && options.insecure) || (user && acl.canPublish(user, packet.topic))) {
        // Only state is retained: a retained sim, cmd or evt message would replay the action (a jam, a GSM fault)
        // to every new subscriber, on every reconnect, long after it was cleared.
        if (packet.retain && !isStateTopic(packet.topic)) packet.retain = false;
        return callback(null);
      }
      denied(`${who(user || undefined)} may not publish to ${packet.topic}`);
      callback(new Error(`not authorized to publish to ${packet.topic}`));
    },
    authorizeSubscribe: (client, sub, callback) => {
      const user = client ? userOf.get(client) : undefined;
      const ok =
        sub.topic.length <= MAX_TOPIC_LENGTH &&
        ((user === '' && options.insecure) || (user !== undefined && user !== '' && acl.canSubscribe(user, sub.topic)));
      const granted = client ? (subscriptions.get(client) ?? new Set<string>()) : undefined;
      if (ok && granted && !granted.has(sub.topic) && granted.size >= MAX_SUBSCRIPTIONS) {
        denied(`${who(user || undefined)} has ${granted.size} subscriptions, the most a client may hold`);
        return callback(null, null as never);
      }
      if (ok) {
        if (client && granted) subscriptions.set(client, granted.add(sub.topic));
        return callback(null, sub);
      }
      denied(`${who(user || undefined)} may not subscribe to ${sub.topic.slice(0, MAX_TOPIC_LENGTH)}`);
      callback(null, null as never); // a failed subscription (SUBACK 0x80), the connection stays
    },
    // A subscription to `atm/#` is granted, yet each message is checked against the reader's ACL: the observer's
    // deny lines take out the secrets one by one (as Mosquitto does with the same acl file).
    authorizeForward: (client, packet) => {
      const user = userOf.get(client);
      if (user === '' && options.insecure) return packet;
      return user && acl.canRead(user, packet.topic) ? packet : null;
    },
  };
  return {
    acl,
    internal,
    simulator: { username: 'simulator', password: operators.simulator },
    observer: { username: 'observer', password: operators.observer },
    hooks,
    dir,
  };
}

/** The bus user of each connection that logged in ('' for an anonymous one, with --insecure-bus). */
const userOf = new WeakMap<Client, string>();

/** Who this connection logged in as (undefined before its login, '' when anonymous). */
export function busUserOf(client: Client): string | undefined {
  return userOf.get(client);
}

function addressOf(client: Client): string {
  return (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown';
}

/** The user of the connection that now holds this client's id, if another does. */
function heldBy(client: Client): string | undefined {
  const holder = (client as unknown as { broker: { clients: Record<string, Client | undefined> } }).broker.clients[client.id];
  return holder && holder !== client ? userOf.get(holder) : undefined;
}

/** A `state` topic of the contract (a device's, the session's, the clock's): the only ones kept retained. */
export function isStateTopic(topic: string): boolean {
  return parseTopic(topic)?.channel === 'state' || topic === topics.clock.state || topic === topics.fault.state;
}
