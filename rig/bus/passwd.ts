/**
 * Mosquitto's password file format, so one file serves the embedded broker and an external Mosquitto alike:
 * `username:$7$<iterations>$<salt base64>$<hash base64>`, the hash being PBKDF2-HMAC-SHA512 over a 12-byte salt
 * (mosquitto_passwd since 2.0; its default is 101 iterations, far too few, so atm-rig writes more: Mosquitto reads
 * the count from each line).
 */
import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';

export const PBKDF2_ITERATIONS = 20_000;

function derive(password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, iterations, 64, 'sha512', (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = randomBytes(12);
  return `$7$${iterations}$${salt.toString('base64')}$${(await derive(password, salt, iterations)).toString('base64')}`;
}

export async function checkPassword(password: string, hash: string): Promise<boolean> {
  const m = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(hash);
  if (!m) return false;
  const iterations = Number(m[1]);
  if (iterations < 1 || iterations > 10_000_000) return false;
  const expected = Buffer.from(m[3]!, 'base64');
  const actual = await derive(password, Buffer.from(m[2]!, 'base64'), iterations);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function parsePasswd(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const i = trimmed.indexOf(':');
    if (i > 0) users.set(trimmed.slice(0, i), trimmed.slice(i + 1));
  }
  return users;
}

export function formatPasswd(users: Map<string, string>): string {
  return [...users].map(([u, h]) => `${u}:${h}`).join('\n') + '\n';
}
