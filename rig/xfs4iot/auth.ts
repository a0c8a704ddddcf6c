/**
 * Who may open a connection, by HTTP Basic in the WebSocket upgrade: an ATM's application with its controller's bus
 * credential (`<atm>.controller` and its password from <data>/bus/credentials.json), which opens every service of
 * that ATM, as the rig's own controller drives every device; or a one-service user (service-users.ts), which opens
 * that one service only. Compared as SHA-256 digests in constant time: a flood of guesses costs no hashing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Principal } from './service.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

export interface Login {
  username: string;
  password: string;
  atmId: string;
  /** The one service this login opens; undefined: every service of its ATM. */
  service?: string;
}

export function basicAuthenticator(logins: Iterable<Login>) {
  const known = new Map([...logins].map((l) => [l.username, { principal: principalOf(l), password: digest(l.password) }]));
  return (header: string | undefined): Principal | undefined => {
    if (!header?.startsWith('Basic ') || header.length > 512) return undefined;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const entry = colon > 0 ? known.get(decoded.slice(0, colon)) : undefined;
    const given = digest(decoded.slice(colon + 1));
    // Compare even for an unknown user, so the time taken does not say which users exist.
    const same = timingSafeEqual(given, entry?.password ?? digest('\0unknown'));
    return entry && same ? entry.principal : undefined;
  };
}

const principalOf = (l: Login): Principal => (l.service === undefined ? { atmId: l.atmId } : { atmId: l.atmId, service: l.service });

/** The Authorization header a client sends. */
export const basicAuthorization = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
