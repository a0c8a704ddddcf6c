/**
 * The embedded broker's hooks: who may log in (a keyring, or only the password file's hashes, as Mosquitto checks
 * them), with which client id, and what each user may publish, subscribe to and receive (the ACL). Used by the rig's
 * own broker (security.ts) and by `atm-rig broker` on a host that has only the lab's password file (roles/broker-role.ts).
 */
import type { Aedes, AedesOptions, AuthenticateError, Client } from 'aedes';
import { brokerOf, subscriptionsOf } from './aedes-internals.ts';
import { parseTopic, topics } from '../../devices/topics.ts';
import { MAX_PAYLOAD_BYTES, MAX_SUBSCRIPTIONS, MAX_TOPIC_LENGTH } from '../../core/bus-limits.ts';
import type { Acl } from './acl.ts';
import { clientIdOwners } from './client-ids.ts';
import { LoginThrottle, type ThrottleOptions } from './login-throttle.ts';

type AuthenticateCallback = (error: AuthenticateError | null, success: boolean | null) => void;
export type BusHooks = Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>;

export interface BusHookOptions {
  acl: Acl;
  atmIds: readonly string[];
  /** The rig's own users, named in refusals (a stranger's name may be a password typed in the wrong field). */
  known: ReadonlySet<string>;
  /** The rig's own clients: the only ones given a persistent session. */
  internal: ReadonlySet<string>;
  checkLogin: (username: string, password: string) => boolean | Promise<boolean>;
  insecure: boolean;
  onDenied?: (what: string) => void;
  throttle?: Partial<ThrottleOptions>;
}

export function busHooks(o: BusHookOptions): BusHooks {
  const denied = o.onDenied ?? (() => {});
  const throttle = new LoginThrottle(o.throttle);
  const reservedFor = clientIdOwners(o.atmIds);
  // Read from `o` at each call: a broker that reloads its password file (atm-rig broker on SIGHUP) swaps them.
  // A name typed by a stranger may be a password typed in the wrong field: only the rig's own users are named.
  const who = (username: string | undefined) => (!username ? 'anonymous' : o.known.has(username) ? username : 'an unknown user');
  const refusal = (returnCode: number, message: string) => Object.assign(new Error(message), { returnCode }) as never;
  const decide = (client: Client, username: string | undefined, ok: boolean, address: string, callback: AuthenticateCallback) => {
    if (!ok) {
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
    if ((client as unknown as { clean?: boolean }).clean === false && !o.internal.has(username ?? '')) {
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
  };

  // Distinct filters each client holds: added when granted (so one SUBSCRIBE of many filters counts them all),
  // taken off when it unsubscribes. Aedes has no unsubscribe hook, but its broker says so: a simulated person who
  // reads each customer's phone in turn (subscribe, unsubscribe) would otherwise be refused after a hundred.
  const subscriptions = new WeakMap<Client, Set<string>>();
  const listening = new WeakSet<Aedes>();
  const countUnsubscribes = (client: Client) => {
    const broker = brokerOf(client);
    if (!broker || listening.has(broker)) return;
    listening.add(broker);
    broker.on('unsubscribe', (filters, from) => {
      const held = subscriptions.get(from);
      const live = subscriptionsOf(from);
      if (held) for (const filter of filters) if (!(filter in live)) held.delete(filter);
    });
  };
  return {
    authenticate: (client, username, password, callback) => {
      const address = addressOf(client);
      const login = username ? o.checkLogin(username, password?.toString('utf8') ?? '') : o.insecure;
      // A check against a slow hash (a broker with only the password file) answers later: the same verdict then.
      if (login instanceof Promise) {
        login.then(
          (ok) => decide(client, username, ok, address, callback),
          () => decide(client, username, false, address, callback),
        );
        return;
      }
      decide(client, username, login, address, callback);
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
      if ((user === '' && o.insecure) || (user && o.acl.canPublish(user, packet.topic))) {
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
        ((user === '' && o.insecure) || (user !== undefined && user !== '' && o.acl.canSubscribe(user, sub.topic)));
      if (client) countUnsubscribes(client);
      const granted = client ? (subscriptions.get(client) ?? new Set<string>()) : undefined;
      if (ok && granted && !granted.has(sub.topic) && granted.size >= MAX_SUBSCRIPTIONS) {
        denied(`${who(user || undefined)} has ${granted.size} subscriptions, the most a client may hold`);
        return callback(null, null as never);
      }
      if (ok) {
        if (client && granted) subscriptions.set(client, granted.add(sub.topic));
        // A filter held already keeps its QoS. Aedes replaces a subscription whose QoS changes with a new listener,
        // and an UNSUBSCRIBE of it still under way then deletes the new one's entry but not its listener: one
        // connection sending both in one write kept thousands of listeners alive, past the cap and its own life.
        const held = client ? subscriptionsOf(client)[sub.topic] : undefined;
        return callback(null, held && held.qos !== sub.qos ? { ...sub, qos: held.qos } : sub);
      }
      denied(`${who(user || undefined)} may not subscribe to ${sub.topic.slice(0, MAX_TOPIC_LENGTH)}`);
      callback(null, null as never); // a failed subscription (SUBACK 0x80), the connection stays
    },
    // A subscription to `atm/#` is granted, yet each message is checked against the reader's ACL: the observer's
    // deny lines take out the secrets one by one (as Mosquitto does with the same acl file).
    authorizeForward: (client, packet) => {
      const user = userOf.get(client);
      if (user === '' && o.insecure) return packet;
      return user && o.acl.canRead(user, packet.topic) ? packet : null;
    },
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
