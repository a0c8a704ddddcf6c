/**
 * Keeps a serial module started: runs its start-up until it succeeds, again whenever asked (the module reset),
 * backing off between failures, and after `maxFailures` in a row only every `slowRetryMs`. The state it publishes
 * changes only when something in it does, so a module failing the same way again and again says nothing new on the
 * bus. Timers run on the given clock.
 */
import type { RigClock } from '../../core/clock.ts';

export interface SupervisorOptions {
  clock: RigClock;
  /** The start-up; throws with the reason it failed. */
  startUp: () => Promise<void>;
  /** Whether to try at all now (the port is open, the driver not stopped). */
  canRun: () => boolean;
  setState: (patch: Record<string, unknown>) => void;
  onOnline: () => void;
  maxFailures?: number;
  slowRetryMs?: number;
}

export class StartUpSupervisor {
  #state: Record<string, unknown> = {};
  #running = false;
  #again = false;
  #failures = 0;
  #wake?: () => void;

  constructor(private readonly o: SupervisorOptions) {}

  get running(): boolean {
    return this.#running;
  }

  /** Publish only what changed. */
  set(patch: Record<string, unknown>): void {
    const changed = Object.entries(patch).some(([k, v]) => this.#state[k] !== v);
    Object.assign(this.#state, patch);
    if (changed) this.o.setState(patch);
  }

  /** Start up (again); if a start-up is under way, it runs once more when it ends. */
  async run(): Promise<void> {
    this.#again = true;
    this.#wake?.();
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#again && this.o.canRun()) {
        this.#again = false;
        try {
          await this.o.startUp();
          if (this.#again) continue; // it reset while we talked to it
          this.#failures = 0;
          this.set({ online: true, link: 'up', reason: undefined });
          this.o.onOnline();
        } catch (err) {
          this.#failures += 1;
          const max = this.o.maxFailures ?? 5;
          const slow = this.o.slowRetryMs ?? 60_000;
          const giveUp = this.#failures >= max;
          this.set({
            online: false,
            link: 'up',
            reason: (err as Error).message + (giveUp ? `; ${max} start-ups failed, retrying every ${slow / 1000} s` : ''),
          });
          await this.#sleep(giveUp ? slow : Math.min(500 * 2 ** this.#failures, 8000));
          this.#again = true;
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /** Cut a back-off short (stop, or a start-up asked for). */
  wake(): void {
    this.#wake?.();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = this.o.clock.setTimeout(() => done(), ms);
      const done = () => {
        this.o.clock.clearTimeout(t);
        this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
    });
  }
}
