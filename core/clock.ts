/**
 * The rig's one source of time. The session actors (XState's scheduler), the bank (OTP expiry, ledger
 * timestamps) and the virtual devices (SMS delay, dispense time) all read it, so a test can make five minutes
 * pass in a microsecond with a ManualClock and every part agrees on what time it is.
 *
 * The interface is XState's `Clock` plus `now()`, so it can be handed to `createActor(machine, { clock })`.
 */
export interface RigClock {
  now(): number;
  setTimeout(fn: (...args: unknown[]) => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export const systemClock: RigClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
};

interface Timer {
  id: number;
  at: number;
  fn: (...args: unknown[]) => void;
}

/** Time that moves only when told to. Timers fire in due order during `advance`. */
export class ManualClock implements RigClock {
  #now: number;
  #timers: Timer[] = [];
  #nextId = 1;

  constructor(start = Date.UTC(2026, 0, 1, 9, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: (...args: unknown[]) => void, ms: number): number {
    const id = this.#nextId++;
    this.#timers.push({ id, at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== id);
  }

  /** Move time forward by `ms`, firing every timer that falls due, earliest first (timers set while firing
   *  that fall inside the window fire too). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('time only moves forward');
    const end = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.fn();
    }
    this.#now = end;
  }

  /** When the next timer falls due, if any (a replay of a system-clock recording steps to it). */
  get nextDue(): number | undefined {
    return this.#timers.reduce<number | undefined>((min, t) => (min === undefined || t.at < min ? t.at : min), undefined);
  }

  /** Timers still waiting, for diagnostics. */
  get pending(): number {
    return this.#timers.length;
  }
}

/** A promise that resolves after `ms` of the given clock's time. */
export function sleep(clock: RigClock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(() => resolve(), ms));
}
