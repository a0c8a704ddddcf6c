/**
 * What a ZFM module makes of a finger: a character file. A real module never makes the same bytes twice (each
 * impression's minutiae come out in another order, rotated, partial), so only the module's own matcher can tell two
 * impressions of one finger apart from two fingers. `varied` impressions model that: each capture is the finger's
 * clean template under a fresh byte mask, so the bank's byte comparison sees noise while the emulator's matcher,
 * which knows the finger behind each impression, still matches. `exact` impressions are the clean template itself,
 * as the virtual sensor gives (the bank can match those).
 */
import { createHash } from 'node:crypto';

export type Impressions = 'exact' | 'varied';

/** A character file, and the finger behind it (for the emulator's matcher only; never sent). */
export interface Impression {
  bytes: Buffer;
  clean: Buffer;
}

export class ImpressionMaker {
  #count = 0;
  /** Impressions the module made, by their bytes: a template downloaded back (DownChar) is known again. */
  readonly #made = new Map<string, Buffer>();

  constructor(private readonly mode: Impressions = 'exact') {}

  capture(clean: Buffer): Impression {
    if (this.mode === 'exact') return { bytes: clean, clean };
    const bytes = Buffer.from(clean);
    const mask = maskBytes(`impression:${++this.#count}`, bytes.length);
    for (let i = 0; i < bytes.length; i++) bytes[i]! ^= mask[i]!;
    this.#made.set(bytes.toString('base64'), clean);
    if (this.#made.size > 10_000) this.#made.delete(this.#made.keys().next().value!);
    return { bytes, clean };
  }

  /** A template a host downloaded: one this module made, or a stranger's (its bytes are all there is). */
  known(bytes: Buffer): Impression {
    return { bytes, clean: this.#made.get(bytes.toString('base64')) ?? bytes };
  }
}

function maskBytes(seed: string, length: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; parts.length * 32 < length; i++) parts.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(parts).subarray(0, length);
}
