/**
 * One session per customer across the bank's ATMs, as real banks keep it: the ATM that identified a customer
 * holds her until it says the session ended, and a card of hers at another ATM meanwhile is refused (a copied
 * card is the usual reason). A hold refuses others only once it is *confirmed*, when the holding ATM has checked a
 * secret of hers (PIN or password; an OTP passes through the ATM, so it proves nothing against its key): someone with only her card, or one of her fingers, cannot keep her out of
 * every other ATM, nor learn that her card is live. Of two ATMs that both identified her, the first to check her
 * secret keeps the session; the other is refused at that check. A hold lapses after `ttlMs` on the bank clock, so an
 * ATM that died mid-session does not lock its customer out for good. In memory: a restarted bank forgets the holds.
 */
import type { RigClock } from '../../core/clock.ts';

export const OPEN_SESSION_TTL_MS = 15 * 60_000;

export class OpenSessions {
  /** Who holds each customer: the last ATM to identify her, or the one that checked her secret (confirmed). */
  readonly #byCustomer = new Map<string, { atmId: string; until: number; confirmed: boolean }>();
  /** Whom each ATM's session identified: two ATMs may both have identified her; the first to check her secret wins. */
  readonly #byAtm = new Map<string, { customerId: string; until: number }>();

  constructor(
    private readonly clock: RigClock,
    private readonly ttlMs = OPEN_SESSION_TTL_MS,
  ) {}

  /** `atmId` identified the customer; false when another ATM holds her, confirmed. An ATM holds one customer at a
   *  time. A new identification starts unconfirmed: a card read again (or a session whose end was never said) does
   *  not carry the last one's secret check over, nor keep it alive. */
  claim(customerId: string, atmId: string): boolean {
    if (this.#heldElsewhere(customerId, atmId)) return false;
    this.release(atmId);
    const until = this.clock.now() + this.ttlMs;
    this.#byAtm.set(atmId, { customerId, until });
    this.#byCustomer.set(customerId, { atmId, until, confirmed: false });
    return true;
  }

  /** `atmId`, which identified her (`claim`), checked a secret of hers: its hold now refuses others. False when
   *  another ATM got there first, or this one never identified her. */
  confirm(customerId: string, atmId: string): boolean {
    if (this.#heldElsewhere(customerId, atmId) || !this.identified(customerId, atmId)) return false;
    const until = this.clock.now() + this.ttlMs;
    this.#byAtm.set(atmId, { customerId, until });
    this.#byCustomer.set(customerId, { atmId, until, confirmed: true });
    return true;
  }

  #heldElsewhere(customerId: string, atmId: string): boolean {
    const held = this.#byCustomer.get(customerId);
    return held !== undefined && held.atmId !== atmId && held.confirmed && held.until > this.clock.now();
  }

  /** Did this ATM's current session identify her? (It may then check her secrets: PIN, password, OTP.) */
  identified(customerId: string, atmId: string): boolean {
    const mine = this.#byAtm.get(atmId);
    return mine !== undefined && mine.customerId === customerId && mine.until > this.clock.now();
  }

  /** May this ATM check her secrets, match her finger or have her OTP issued? Only if its session identified her and
   *  no other ATM holds her, confirmed (she is there now): otherwise the reason, asked before any hash. */
  refusal(customerId: string, atmId: string): 'no-session' | 'in-use-elsewhere' | undefined {
    if (!this.identified(customerId, atmId)) return 'no-session';
    return this.#heldElsewhere(customerId, atmId) ? 'in-use-elsewhere' : undefined;
  }

  /** The ATM's session ended: its customer is free. */
  release(atmId: string): void {
    this.#byAtm.delete(atmId);
    for (const [customerId, held] of this.#byCustomer) if (held.atmId === atmId) this.#byCustomer.delete(customerId);
  }

  /** Which ATM holds the customer now, confirmed (it checked a secret of hers), if any: the one ATM that may act on
   *  her accounts. */
  confirmedHolder(customerId: string): string | undefined {
    const held = this.#byCustomer.get(customerId);
    return held && held.confirmed && held.until > this.clock.now() ? held.atmId : undefined;
  }
}
