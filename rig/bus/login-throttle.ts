/**
 * Failed bus logins, per source address. The rig knows every bus password (its keyring), so a login is checked by
 * comparing digests in constant time, not by PBKDF2: a failure costs next to nothing. Past a small budget an
 * address's failures are answered late (a tarpit) and, when it already has `maxHeld` answers pending, dropped
 * without an answer. A correct login is never delayed: an attacker flooding from 127.0.0.1 cannot lock out the rig's
 * own clients on the same address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface ThrottleOptions {
  /** Failures an address may make at once before it is slowed down. */
  burst: number;
  /** Failures per second an address earns back. */
  perSecond: number;
  /** How late a throttled failure is answered. */
  delayMs: number;
  /** Throttled failures an address may have waiting; beyond that they are dropped at once. */
  maxHeld: number;
  now: () => number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { burst: 10, perSecond: 1, delayMs: 1000, maxHeld: 8, now: () => performance.now() };

/**
 * What to do with a failed login: answer now, answer after `ms` (then call `done`), or drop the connection
 * unanswered. `first` marks the first failure of an address's throttled spell, to report it once.
 */
export type Verdict =
  { kind: 'refuse' } | { kind: 'delay'; ms: number; done: () => void; first: boolean } | { kind: 'drop'; first: boolean };

interface Bucket {
  tokens: number;
  at: number;
  held: number;
  throttled: boolean;
}

/** Addresses remembered at most; a flood of spoofed sources cannot grow the table without bound. */
const MAX_ADDRESSES = 10_000;

export class LoginThrottle {
  readonly #options: ThrottleOptions;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: Partial<ThrottleOptions> = {}) {
    this.#options = { ...DEFAULT_THROTTLE, ...options };
  }

  /** A login from `address` failed: how to answer it. */
  failed(address: string): Verdict {
    const { burst, perSecond, delayMs, maxHeld, now } = this.#options;
    const t = now();
    let bucket = this.#buckets.get(address);
    if (!bucket) {
      if (this.#buckets.size >= MAX_ADDRESSES) this.#forgetIdle(t);
      bucket = { tokens: burst, at: t, held: 0, throttled: false };
      this.#buckets.set(address, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
    bucket.at = t;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.throttled = false;
      return { kind: 'refuse' };
    }
    const first = !bucket.throttled;
    bucket.throttled = true;
    if (bucket.held >= maxHeld) return { kind: 'drop', first };
    bucket.held++;
    const b = bucket;
    return { kind: 'delay', ms: delayMs, done: () => void b.held--, first };
  }

  #forgetIdle(t: number): void {
    for (const [address, b] of this.#buckets) {
      if (b.held === 0 && b.tokens + ((t - b.at) / 1000) * this.#options.perSecond >= this.#options.burst) this.#buckets.delete(address);
    }
    // Still full: forget the oldest (Map keeps insertion order).
    while (this.#buckets.size >= MAX_ADDRESSES) this.#buckets.delete(this.#buckets.keys().next().value!);
  }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const NOBODY = digest('\0atm-rig: no such user\0');

/** A constant-time password check against the keyring; an unknown user costs the same as a known one. */
export function keyringChecker(keyring: Readonly<Record<string, string>>): (username: string, password: string) => boolean {
  const digests = new Map(Object.entries(keyring).map(([user, password]) => [user, digest(password)]));
  return (username, password) => {
    const expected = digests.get(username);
    const ok = timingSafeEqual(digest(password), expected ?? NOBODY);
    return ok && expected !== undefined;
  };
}
