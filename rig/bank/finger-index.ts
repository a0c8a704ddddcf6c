/**
 * 1:N fingerprint identification without comparing the probe with every enrolled template: locality-sensitive
 * hashing by byte sampling. The matcher (core/biometrics.ts) scores the share of equal bytes, so two captures of
 * one finger agree on most bytes and two fingers on almost none (1 in 256).
 *
 * Each template's features are SKETCH bytes at fixed positions spread over it. TABLES hash tables each key on two of
 * them (65,536 buckets): a capture with share s of its bytes equal to the enrolled template lands in that
 * template's bucket of one table with probability about s², and misses all of them with (1 - s²)^TABLES: 2e-5 at
 * s = 0.6, the threshold. A stranger lands in a bucket of a table with probability 1/65,536. Candidates from the
 * buckets are checked against their whole sketch in memory (a stranger agrees on about 0.2 of its 48 bytes, a
 * capture at the threshold on about 29), and only those that pass are fetched and scored by the real matcher. So an
 * identification scores about one template whatever the population, and reads about TABLES × N / 65,536 sketches
 * (some 370 at a million fingers: tens of microseconds). Memory: about 150 bytes a finger.
 *
 * The bench (bench/bank-cost.ts, bench/biometrics.ts) measures what it costs and misses against a full scan.
 */
import type { FingerTemplate } from './records.ts';

export const SKETCH = 48;
export const TABLES = SKETCH / 2;
/** Sketch bytes a candidate must share with the probe to be scored. */
export const SKETCH_MIN = 8;
const BUCKETS = 65_536;
const WORDS = SKETCH / 4;

export interface FingerRef {
  customerId: string;
  finger: number;
}

export class FingerIndex {
  #size = 0;
  #customerOf = new Uint32Array(1024);
  #fingerOf = new Uint8Array(1024);
  #lengthOf = new Uint16Array(1024);
  #alive = new Uint8Array(1024);
  #sketches = new Uint8Array(1024 * SKETCH);
  /** The same sketches, four bytes a word: compared a word at a time. */
  #words = new Uint32Array(this.#sketches.buffer);
  #seen = new Uint32Array(1024);
  #epoch = 0;
  readonly #customerIds: string[] = [];
  /** Per customer: her number, and the slot of each finger (0 = none). */
  readonly #customers = new Map<string, { n: number; slots: Int32Array }>();
  /** Slots at build time, bucketed (offsets, slots) per table; later enrolments in `#recent`. */
  #tables: { offsets: Uint32Array; slots: Uint32Array }[] = [];
  #recent: Map<number, number[]>[] = Array.from({ length: TABLES }, () => new Map());
  #recentCount = 0;

  static build(fingers: Iterable<FingerTemplate>): FingerIndex {
    const index = new FingerIndex();
    for (const f of fingers) index.load(f);
    index.finish();
    return index;
  }

  /** Take a finger in while loading (no lookups until `finish`). */
  load(f: FingerTemplate): void {
    this.#add(f.customerId, f.finger, f.bytes);
  }

  /** Loading done: bucket everything loaded. */
  finish(): void {
    this.#rebuild();
  }

  get size(): number {
    return this.#size;
  }

  /** Enrol or re-enrol one finger. */
  add(customerId: string, finger: number, template: string): void {
    const slot = this.#add(customerId, finger, Buffer.from(template, 'base64'));
    for (let t = 0; t < TABLES; t++) {
      const key = this.#key(slot, t);
      const list = this.#recent[t]!.get(key);
      if (list) list.push(slot);
      else this.#recent[t]!.set(key, [slot]);
    }
    if (++this.#recentCount > Math.max(4096, this.#size / 4)) this.#rebuild();
  }

  /** The enrolled fingers that may be this capture: those sharing a bucket and at least SKETCH_MIN sketch bytes. */
  candidates(template: string): FingerRef[] {
    const probe = Buffer.from(template, 'base64');
    const sketch = sketchOf(probe);
    const words = new Uint32Array(sketch.buffer);
    const epoch = ++this.#epoch;
    const found: FingerRef[] = [];
    for (let t = 0; t < TABLES; t++) {
      const key = (sketch[2 * t]! << 8) | sketch[2 * t + 1]!;
      const table = this.#tables[t];
      if (table) this.#check(table.slots, table.offsets[key]!, table.offsets[key + 1]!, probe.length, words, epoch, found);
      const recent = this.#recent[t]!.get(key);
      if (recent) this.#check(recent, 0, recent.length, probe.length, words, epoch, found);
    }
    return found;
  }

  /** Check the slots `slots[from..to)` not seen yet for this probe; those close enough go to `found`. */
  #check(slots: ArrayLike<number>, from: number, to: number, length: number, probe: Uint32Array, epoch: number, found: FingerRef[]): void {
    for (let i = from; i < to; i++) {
      const slot = slots[i]!;
      if (this.#seen[slot] === epoch || !this.#alive[slot] || this.#lengthOf[slot] !== length) continue;
      this.#seen[slot] = epoch;
      if (sameBytes(this.#words, slot * WORDS, probe) >= SKETCH_MIN)
        found.push({ customerId: this.#customerIds[this.#customerOf[slot]!]!, finger: this.#fingerOf[slot]! });
    }
  }

  #add(customerId: string, finger: number, bytes: Uint8Array): number {
    let customer = this.#customers.get(customerId);
    if (!customer) {
      customer = { n: this.#customerIds.push(customerId) - 1, slots: new Int32Array(11) };
      this.#customers.set(customerId, customer);
    }
    const old = customer.slots[finger];
    if (old) this.#alive[old - 1] = 0;
    if (this.#size === this.#alive.length) this.#grow();
    const slot = this.#size++;
    customer.slots[finger] = slot + 1;
    this.#customerOf[slot] = customer.n;
    this.#fingerOf[slot] = finger;
    this.#lengthOf[slot] = Math.min(bytes.length, 0xffff);
    this.#alive[slot] = 1;
    this.#sketches.set(sketchOf(bytes), slot * SKETCH);
    return slot;
  }

  #key(slot: number, table: number): number {
    return (this.#sketches[slot * SKETCH + 2 * table]! << 8) | this.#sketches[slot * SKETCH + 2 * table + 1]!;
  }

  /** Bucket every live slot afresh (counting sort per table), emptying `#recent`. */
  #rebuild(): void {
    this.#tables = Array.from({ length: TABLES }, (_, t) => {
      const offsets = new Uint32Array(BUCKETS + 1);
      for (let s = 0; s < this.#size; s++) if (this.#alive[s]) offsets[this.#key(s, t) + 1]!++;
      for (let b = 0; b < BUCKETS; b++) offsets[b + 1]! += offsets[b]!;
      const fill = offsets.slice(0, BUCKETS);
      const slots = new Uint32Array(offsets[BUCKETS]!);
      for (let s = 0; s < this.#size; s++) if (this.#alive[s]) slots[fill[this.#key(s, t)]!++] = s;
      return { offsets, slots };
    });
    this.#recent = Array.from({ length: TABLES }, () => new Map());
    this.#recentCount = 0;
  }

  #grow(): void {
    const grow = <A extends Uint8Array | Uint16Array | Uint32Array>(a: A, by = 1): A => {
      const bigger = new (a.constructor as new (n: number) => A)(a.length * 2);
      bigger.set(a.subarray(0, this.#size * by));
      return bigger;
    };
    this.#customerOf = grow(this.#customerOf);
    this.#fingerOf = grow(this.#fingerOf);
    this.#lengthOf = grow(this.#lengthOf);
    this.#alive = grow(this.#alive);
    this.#sketches = grow(this.#sketches, SKETCH);
    this.#words = new Uint32Array(this.#sketches.buffer);
    this.#seen = grow(this.#seen);
  }
}

/** How many of the probe's sketch bytes equal those of the sketch at `base` (in words): a word's zero bytes after
 *  XOR, found without a branch per byte. */
function sameBytes(sketches: Uint32Array, base: number, probe: Uint32Array): number {
  let same = 0;
  for (let w = 0; w < WORDS; w++) {
    const x = sketches[base + w]! ^ probe[w]!;
    // High bit of each byte set where that byte of x is zero.
    const zero = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
    same += Math.imul((zero >>> 7) & 0x01010101, 0x01010101) >>> 24;
  }
  return same;
}

/** The template's features: SKETCH bytes at positions spread evenly over it. */
export function sketchOf(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(SKETCH);
  if (bytes.length === 0) return out;
  for (let i = 0; i < SKETCH; i++) out[i] = bytes[Math.floor(((2 * i + 1) * bytes.length) / (2 * SKETCH))]!;
  return out;
}
