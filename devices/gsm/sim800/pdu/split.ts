/**
 * A text as SMS: the alphabet it needs (GSM 7-bit if every character is in it, else UCS2) and its parts. One SMS
 * holds 160 GSM 7-bit septets or 70 UCS2 units; a concatenated part 153 / 67 with an 8-bit reference (a 6-octet
 * header) and 152 / 66 with a 16-bit one (TS 23.040 §9.2.3.24.1; table in shared/reference/sim800-sms.md §5).
 * A part never ends between an escape and its character, or between the halves of a surrogate pair.
 */
import { charSeptets, isGsm7 } from './gsm7.ts';
import type { Alphabet } from './user-data.ts';

export const LIMITS = {
  gsm7: { single: 160, part: 153, widePart: 152 },
  ucs2: { single: 70, part: 67, widePart: 66 },
  '8bit': { single: 140, part: 134, widePart: 133 },
} as const;

/** Most parts one reference can number. */
export const MAX_PARTS = 255;

export const alphabetFor = (text: string): Alphabet => (isGsm7(text) ? 'gsm7' : 'ucs2');

/** The cost of each character in the units the limits count (septets or UTF-16 units). */
function costs(text: string, alphabet: Alphabet): { char: string; cost: number }[] {
  if (alphabet === 'gsm7') return [...text].map((char) => ({ char, cost: charSeptets(char) }));
  if (alphabet === 'ucs2') return [...text].map((char) => ({ char, cost: char.length }));
  return [...text].map((char) => ({ char, cost: 1 }));
}

/** The parts of `text`: one if it fits a single SMS, else as many as the concatenation limit needs. */
export function splitText(text: string, alphabet: Alphabet = alphabetFor(text), wide = false): string[] {
  const limit = LIMITS[alphabet];
  const chars = costs(text, alphabet);
  const total = chars.reduce((n, c) => n + c.cost, 0);
  if (total <= limit.single) return [text];
  const size = wide ? limit.widePart : limit.part;
  const parts: string[] = [];
  let part = '';
  let used = 0;
  for (const { char, cost } of chars) {
    if (used + cost > size) {
      parts.push(part);
      part = '';
      used = 0;
    }
    part += char;
    used += cost;
  }
  parts.push(part);
  return parts;
}

/** The units a text takes (septets for GSM 7-bit, UTF-16 units for UCS2): for "does it fit one SMS". */
export const textUnits = (text: string, alphabet: Alphabet = alphabetFor(text)): number =>
  costs(text, alphabet).reduce((n, c) => n + c.cost, 0);
