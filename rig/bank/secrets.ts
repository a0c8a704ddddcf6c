/**
 * Slow salted hashes for PINs, passwords and OTPs (scrypt, built into Node: no native add-on to build).
 * The cost is a setting: production-like N = 2^15, tests and benchmarks use a cheap N so they stay fast.
 * Stored format: `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>` so the cost can change without a migration.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface HashCost {
  /** log2 of scrypt's N (CPU/memory cost). 15 takes ~50-100 ms and 32 MiB; 10 takes ~1 ms. */
  logN: number;
  r: number;
  p: number;
}

export const DEFAULT_HASH_COST: HashCost = { logN: 15, r: 8, p: 1 };
export const CHEAP_HASH_COST: HashCost = { logN: 10, r: 8, p: 1 };

const KEY_LENGTH = 32;

/** scrypt's options for a cost (with the memory it needs allowed). */
export function scryptOptions(cost: HashCost): ScryptOptions {
  return { N: 2 ** cost.logN, r: cost.r, p: cost.p, maxmem: 256 * 2 ** cost.logN * cost.r };
}

function derive(secret: string, salt: Buffer, cost: HashCost): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret.normalize('NFKC'), salt, KEY_LENGTH, scryptOptions(cost), (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashSecret(secret: string, cost: HashCost = DEFAULT_HASH_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, cost);
  return ['scrypt', cost.logN, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time comparison against a stored hash; false (never a throw) for a malformed hash. */
export async function verifySecret(secret: string, stored: string | undefined): Promise<boolean> {
  const parts = stored?.split('$');
  if (!parts || parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, logN, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const cost = { logN: Number(logN), r: Number(r), p: Number(p) };
  if (!Number.isInteger(cost.logN) || cost.logN < 1 || cost.logN > 20) return false;
  const actual = await derive(secret, Buffer.from(salt, 'base64'), cost);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Where secrets the bank makes (OTP codes) come from. */
export interface SecretSource {
  string(length: number, alphabet: string): string;
  /** True for the seeded stream of a deterministic test run: the banner says so. */
  readonly deterministic: boolean;
}

/** The operating system's CSPRNG: what a code sent to a real phone must come from. */
export const cryptoSecrets: SecretSource = {
  deterministic: false,
  string: (length, alphabet) => Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join(''),
};
