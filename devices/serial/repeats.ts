/**
 * Folds repetition out of a trace: a block of up to eight lines that repeats exactly (a sensor polled for a finger
 * ten times a second; a dispenser's status asked, acknowledged, answered and acknowledged while the notes wait) is
 * shown once, then counted. A repeat is held back until it is whole; if it breaks off, its lines are shown after all.
 */
const MAX_PERIOD = 8;
const HISTORY = 32;

export class RepeatFolder {
  readonly #history: string[] = [];
  #held: { key: string; line: string }[] = [];
  #period = 0;
  #cycles = 0;

  constructor(private readonly out: (line: string) => void) {}

  /** `key` is what must repeat (the line without its timestamp); `line` is what is shown, `prefix` what starts it
   *  (time and label: the count line, if this line breaks a repeat, gets it too). */
  push(key: string, line: string, prefix = ''): void {
    if (this.#period > 0 && this.#history[this.#history.length - this.#period] !== key) this.flush(prefix);
    if (this.#period === 0) {
      const p = this.#candidate(key);
      if (p === 0) return this.#show(key, line);
      this.#period = p;
    }
    this.#held.push({ key, line });
    this.#remember(key);
    if (this.#held.length === this.#period) {
      this.#cycles += 1;
      this.#held = [];
    }
  }

  /** Show what is held and how often the block repeated (`prefix`: how the count line starts). */
  flush(prefix = ''): void {
    if (this.#cycles > 0) {
      const what = this.#period === 1 ? 'the line above' : `the ${this.#period} lines above`;
      this.out(`${prefix}   (${what}, ${this.#cycles} more time${this.#cycles === 1 ? '' : 's'})`);
    }
    for (const h of this.#held) this.out(h.line);
    [this.#held, this.#period, this.#cycles] = [[], 0, 0];
  }

  #candidate(key: string): number {
    for (let p = 1; p <= MAX_PERIOD && p <= this.#history.length; p++) if (this.#history[this.#history.length - p] === key) return p;
    return 0;
  }

  #show(key: string, line: string) {
    this.out(line);
    this.#remember(key);
  }

  #remember(key: string) {
    this.#history.push(key);
    if (this.#history.length > HISTORY) this.#history.shift();
  }
}
