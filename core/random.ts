/**
 * Seedable randomness. Everything random in atm-rig (the requested finger, OTP codes, synthetic fingerprint
 * templates) draws from here, so a failing run can be replayed from the seed it printed.
 *
 * mulberry32: a 32-bit state, good statistical quality for simulation, and the state is a plain number, so
 * the session machine can keep it in its context and stay pure and serialisable. Not for cryptographic keys.
 */

/** One step: returns a float in [0, 1) and the next state. Pure. */
export function nextRandom(state: number): [value: number, next: number] {
  const next = (state + 0x6d2b79f5) >>> 0;
  return [output(next) / 4294967296, next];
}

/** mulberry32's 32-bit output for the state it has just stepped to. */
function output(next: number): number {
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** An integer in [min, max] inclusive, and the next state. Pure. */
export function nextInt(state: number, min: number, max: number): [value: number, next: number] {
  const [r, next] = nextRandom(state);
  return [min + Math.floor(r * (max - min + 1)), next];
}

/** Normalise any seed (number or string) to a 32-bit state. Strings hash with FNV-1a. */
export function seedState(seed: number | string): number {
  if (typeof seed === 'number') return seed >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A fresh seed for when the user gave none; print it so the run can be replayed. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 0xffffffff) >>> 0;
}

/** Stateful wrapper for the impure parts (bank, virtual devices). */
export interface Random {
  readonly seed: number;
  next(): number;
  int(min: number, max: number): number;
  /** `length` characters drawn uniformly from `alphabet`. */
  string(length: number, alphabet: string): string;
  bytes(length: number): Uint8Array;
  /** An independent stream derived from this seed and a label, stable whatever else draws first. */
  fork(label: string): Random;
}

export function createRandom(seed: number | string): Random {
  const initial = seedState(seed);
  let state = initial;
  const random: Random = {
    seed: initial,
    next() {
      const [v, n] = nextRandom(state);
      state = n;
      return v;
    },
    int(min, max) {
      const [v, n] = nextInt(state, min, max);
      state = n;
      return v;
    },
    string(length, alphabet) {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[random.int(0, alphabet.length - 1)];
      return out;
    },
    bytes(length) {
      // What int(0, 255) draws, byte for byte (floor(u32 / 2^32 * 256) is its top byte), without a tuple per byte:
      // synthetic fingerprint templates are half a kilobyte each, and a population has a million of them.
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        state = (state + 0x6d2b79f5) >>> 0;
        out[i] = output(state) >>> 24;
      }
      return out;
    },
    fork(label) {
      return createRandom(seedState(`${initial}:${label}`));
    },
  };
  return random;
}

export const DIGITS = '0123456789';
/** Upper-case letters and digits: what an ATM keypad extended with letters can type. */
export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
