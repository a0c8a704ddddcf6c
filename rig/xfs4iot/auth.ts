/**
 * Who may open a connection: the ATM's application, with its controller's bus credential (`<atm>.controller` and its
 * password from <data>/bus/credentials.json) as HTTP Basic in the WebSocket upgrade. It is the credential the rig's
 * own controller drives that ATM's devices with, so the face gives its holder exactly those devices, no others.
 * Compared as SHA-256 digests in constant time: a flood of guesses costs no hashing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Principal } from './service.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function basicAuthenticator(credentials: ReadonlyMap<string, { username: string; password: string }>) {
  const known = new Map([...credentials].map(([atmId, c]) => [c.username, { atmId, password: digest(c.password) }]));
  return (header: string | undefined): Principal | undefined => {
    if (!header?.startsWith('Basic ') || header.length > 512) return undefined;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const entry = colon > 0 ? known.get(decoded.slice(0, colon)) : undefined;
    const given = digest(decoded.slice(colon + 1));
    // Compare even for an unknown user, so the time taken does not say which users exist.
    const same = timingSafeEqual(given, entry?.password ?? digest('\0unknown'));
    return entry && same ? { atmId: entry.atmId } : undefined;
  };
}

/** The Authorization header a client sends. */
export const basicAuthorization = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
