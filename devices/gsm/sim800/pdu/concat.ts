/**
 * Putting concatenated parts back together, as a receiving phone does: by originator and reference, in sequence
 * order, once every part of the total is there. Bounded: at most `maxPending` messages wait for their parts (the
 * oldest is dropped first), so a stream of stray parts cannot grow it without limit. Parts older than `maxAgeMs` are
 * forgotten, and a part whose number is already there starts the message again: a reference is reused sooner or
 * later (it is one byte), and a new message must not be completed with an old one's parts.
 */
import type { Concat } from './udh.ts';

interface Pending {
  total: number;
  parts: Map<number, string>;
  since: number;
}

export class Reassembler {
  readonly #pending = new Map<string, Pending>();
  constructor(
    private readonly maxPending = 16,
    private readonly maxAgeMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Add one part; returns the whole text once the last part is in, else undefined. A single SMS (no concat)
   *  comes straight back. */
  add(from: string, text: string, concat?: Concat): string | undefined {
    if (!concat || concat.total === 1) return text;
    const key = `${from}\u0000${concat.wide ? 'w' : 'n'}${concat.ref}\u0000${concat.total}`;
    const now = this.now();
    for (const [k, old] of this.#pending) if (now - old.since > this.maxAgeMs) this.#pending.delete(k);
    let p = this.#pending.get(key);
    if (p?.parts.has(concat.seq)) {
      this.#pending.delete(key);
      p = undefined;
    }
    if (!p) {
      p = { total: concat.total, parts: new Map(), since: now };
      this.#pending.set(key, p);
      if (this.#pending.size > this.maxPending) this.#pending.delete(this.#pending.keys().next().value!);
    }
    p.parts.set(concat.seq, text);
    if (p.parts.size < p.total) return undefined;
    this.#pending.delete(key);
    return [...p.parts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, t]) => t)
      .join('');
  }

  get pending(): number {
    return this.#pending.size;
  }
}
