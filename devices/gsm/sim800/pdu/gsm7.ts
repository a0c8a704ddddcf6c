/**
 * The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1, as tabulated in
 * shared/reference/sim800-sms.md §5). An extension character costs two septets: the escape 0x1B, then its code.
 */
export const ESCAPE = 0x1b;

// Index = septet value; 0x1B is the escape, never a character of its own.
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

const EXTENSION: Readonly<Record<number, string>> = {
  0x0a: '\f',
  0x14: '^',
  0x28: '{',
  0x29: '}',
  0x2f: '\\',
  0x3c: '[',
  0x3d: '~',
  0x3e: ']',
  0x40: '|',
  0x65: '€',
};

const BASIC_CODE = new Map([...BASIC].map((c, i) => [c, i] as const).filter(([, i]) => i !== ESCAPE));
const EXTENSION_CODE = new Map(Object.entries(EXTENSION).map(([code, c]) => [c, Number(code)] as const));

/** The septets for `text`, extension characters escaped; undefined if a character is not in the alphabet. */
export function toSeptets(text: string): number[] | undefined {
  const out: number[] = [];
  for (const c of text) {
    const basic = BASIC_CODE.get(c);
    if (basic !== undefined) out.push(basic);
    else {
      const ext = EXTENSION_CODE.get(c);
      if (ext === undefined) return undefined;
      out.push(ESCAPE, ext);
    }
  }
  return out;
}

/** The septets for one character, or undefined (for splitting a text without tearing an escape pair). */
export function charSeptets(c: string): number {
  return BASIC_CODE.has(c) ? 1 : EXTENSION_CODE.has(c) ? 2 : 0;
}

/** Septets back to text. An escape before a code the extension table lacks reads as the basic character
 *  (TS 23.038: "display the character in the default alphabet"); a trailing escape reads as a space. */
export function fromSeptets(septets: readonly number[]): string {
  let out = '';
  for (let i = 0; i < septets.length; i++) {
    const s = septets[i]! & 0x7f;
    if (s !== ESCAPE) {
      out += BASIC[s];
      continue;
    }
    const next = septets[++i];
    if (next === undefined) out += ' ';
    else out += EXTENSION[next & 0x7f] ?? (next === ESCAPE ? ' ' : BASIC[next & 0x7f]);
  }
  return out;
}

export const isGsm7 = (text: string): boolean => toSeptets(text) !== undefined;

/** Characters of the basic table only (no escapes), in the given order: for property tests and alphabet checks. */
export const GSM7_BASIC_CHARS = [...BASIC].filter((_, i) => i !== ESCAPE);
export const GSM7_EXTENSION_CHARS = Object.values(EXTENSION);
