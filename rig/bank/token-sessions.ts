/**
 * Bearer-token sessions, for staff and for web ATM customers alike: a random token that lasts a while on the bank
 * clock, extended while in use, kept in memory (a restarted bank asks everyone to log in again, as people expect).
 */
import { randomBytes } from 'node:crypto';
import type { RigClock } from '../../core/clock.ts';

export class TokenSessions<T> {
  readonly #tokens = new Map<string, T & { expiresAt: number }>();

  constructor(
    private readonly clock: RigClock,
    private readonly ttlMs: number,
  ) {}

  issue(holder: T): { token: string; expiresAt: number } {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = this.clock.now() + this.ttlMs;
    this.#tokens.set(token, { ...holder, expiresAt });
    this.#sweep();
    return { token, expiresAt };
  }

  /** The holder of `Authorization: Bearer <token>`, or undefined; a use extends the session. */
  check(authorization: string | undefined): T | undefined {
    const token = /^Bearer ([A-Za-z0-9_-]{20,})$/.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    const s = this.#tokens.get(token);
    if (!s || s.expiresAt < this.clock.now()) {
      this.#tokens.delete(token);
      return undefined;
    }
    s.expiresAt = this.clock.now() + this.ttlMs;
    return s;
  }

  end(authorization: string | undefined): void {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (token) this.#tokens.delete(token);
  }

  /** Expired sessions go when new ones come, so logins nobody ends do not pile up. */
  #sweep() {
    const now = this.clock.now();
    for (const [token, s] of this.#tokens) if (s.expiresAt < now) this.#tokens.delete(token);
  }
}
