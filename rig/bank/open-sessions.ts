/**
 * One session per customer across the bank's ATMs, as real banks keep it: the ATM that identified a customer
 * holds her until it says the session ended, and a card of hers at another ATM meanwhile is refused (a copied
 * card is the usual reason). A hold lapses after `ttlMs` on the bank clock, so an ATM that died mid-session does
 * not lock its customer out for good. In memory: a restarted bank forgets the holds.
 */
import type { RigClock } from '../../core/clock.ts';

export const OPEN_SESSION_TTL_MS = 15 * 60_000;

export class OpenSessions {
  readonly #byCustomer = new Map<string, { atmId: string; until: number }>();

  constructor(
    private readonly clock: RigClock,
    private readonly ttlMs = OPEN_SESSION_TTL_MS,
  ) {}

  /** Hold `customerId` for `atmId`; false when another ATM holds her. An ATM holds one customer at a time. */
  claim(customerId: string, atmId: string): boolean {
    const now = this.clock.now();
    const held = this.#byCustomer.get(customerId);
    if (held && held.atmId !== atmId && held.until > now) return false;
    this.release(atmId);
    this.#byCustomer.set(customerId, { atmId, until: now + this.ttlMs });
    return true;
  }

  /** The ATM's session ended: its customer is free. */
  release(atmId: string): void {
    for (const [customerId, held] of this.#byCustomer) if (held.atmId === atmId) this.#byCustomer.delete(customerId);
  }

  /** Which ATM holds the customer now, if any. */
  holder(customerId: string): string | undefined {
    const held = this.#byCustomer.get(customerId);
    return held && held.until > this.clock.now() ? held.atmId : undefined;
  }
}
