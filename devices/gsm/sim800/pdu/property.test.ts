// Property tests of the PDU codec (fast-check): encode/decode round trips for any GSM-alphabet text and any BMP
// text, septet packing with any number of fill bits, splitting within the 160/153 and 70/67 limits, reassembly in
// any order, and decoding arbitrary bytes never throwing anything but PduError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concatIe,
  concatOf,
  decodeDeliver,
  decodeSubmit,
  dcsFor,
  encodeDeliver,
  encodeSubmit,
  fromSeptets,
  GSM7_BASIC_CHARS,
  GSM7_EXTENSION_CHARS,
  LIMITS,
  packSeptets,
  PduError,
  Reassembler,
  splitText,
  textUnits,
  toSeptets,
  unpackSeptets,
  alphabetFor,
} from './index.ts';

const gsmText = (maxLength: number) =>
  fc.array(fc.constantFrom(...GSM7_BASIC_CHARS, ...GSM7_EXTENSION_CHARS), { maxLength }).map((a) => a.join(''));
// BMP text without lone surrogates: what a phone can send in UCS2.
const bmpText = (maxLength: number) =>
  fc
    .array(
      fc.integer({ min: 0, max: 0xffff }).filter((c) => c < 0xd800 || c > 0xdfff),
      { maxLength },
    )
    .map((a) => String.fromCharCode(...a));
const number = fc.stringMatching(/^\+?[1-9][0-9]{2,14}$/);

describe('PDU codec properties', () => {
  it('packs and unpacks any septets after any number of fill bits (0-6)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 127 }), { maxLength: 200 }), fc.integer({ min: 0, max: 6 }), (septets, fill) => {
        const packed = packSeptets(septets, fill);
        expect(packed.length).toBe(Math.ceil((fill + 7 * septets.length) / 8));
        expect(packed[0]! & ((1 << fill) - 1)).toBe(0); // fill bits are zero
        expect(unpackSeptets(packed, septets.length, fill)).toEqual(septets);
      }),
      { numRuns: 300, seed: 1 },
    );
  });

  it('round-trips any GSM-alphabet text through septets', () => {
    fc.assert(
      fc.property(gsmText(300), (text) => {
        expect(fromSeptets(toSeptets(text)!)).toBe(text);
      }),
      { numRuns: 300, seed: 2 },
    );
  });

  it('round-trips SMS-SUBMIT: any GSM text or BMP text, split into parts, each part with its UDH', () => {
    fc.assert(
      fc.property(fc.oneof(gsmText(500), bmpText(250)), number, fc.integer({ min: 0, max: 255 }), fc.boolean(), (text, to, ref, wide) => {
        const alphabet = alphabetFor(text);
        const parts = splitText(text, alphabet, wide);
        expect(parts.join('')).toBe(text);
        const limit = LIMITS[alphabet as 'gsm7' | 'ucs2'];
        for (const p of parts)
          expect(textUnits(p, alphabet)).toBeLessThanOrEqual(parts.length === 1 ? limit.single : wide ? limit.widePart : limit.part);
        const joined = new Reassembler();
        let whole: string | undefined;
        parts.forEach((part, i) => {
          const ies = parts.length > 1 ? [concatIe({ ref, total: parts.length, seq: i + 1, wide })] : [];
          const { pdu, tpduOctets } = encodeSubmit({ mr: ref, to, pid: 0, dcs: dcsFor(alphabet), text: part, ies });
          expect(tpduOctets).toBeLessThanOrEqual(pdu.length - 1);
          const back = decodeSubmit(pdu);
          expect(back.text).toBe(part);
          expect(back.to).toBe(to);
          whole = joined.add(to, back.text, concatOf(back.ies)) ?? whole;
        });
        expect(whole).toBe(text);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('round-trips SMS-DELIVER with any timestamp and zone', () => {
    fc.assert(
      fc.property(
        fc.oneof(gsmText(160), bmpText(70)),
        number,
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2069, 11, 31) }),
        fc.integer({ min: -47, max: 48 }),
        (text, from, ms, tz) => {
          fc.pre(textUnits(text) <= (alphabetFor(text) === 'gsm7' ? 160 : 70));
          const scts = { ms: ms - (ms % 1000), tz };
          const { pdu } = encodeDeliver({ from, pid: 0, dcs: dcsFor(alphabetFor(text)), scts, text, ies: [] });
          expect(decodeDeliver(pdu)).toMatchObject({ from, scts, text });
        },
      ),
      { numRuns: 200, seed: 4 },
    );
  });

  it('reassembles parts arriving in any order, and holds at most its bound of unfinished messages', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 5 }), { minLength: 2, maxLength: 8 }), fc.integer(), (parts, seed) => {
        const order = parts.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
        const r = new Reassembler(4);
        const out = order.map((i) => r.add('+1', parts[i]!, { ref: 9, total: parts.length, seq: i + 1 })).filter((x) => x !== undefined);
        expect(out).toEqual([parts.join('')]);
        for (let i = 0; i < 50; i++) r.add('+2', 'x', { ref: i, total: 2, seq: 1 });
        expect(r.pending).toBeLessThanOrEqual(4);
      }),
      { numRuns: 100, seed: 5 },
    );
  });

  it('decoding arbitrary bytes either succeeds or throws PduError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const decode of [decodeSubmit, decodeDeliver]) {
          try {
            decode(Buffer.from(bytes));
          } catch (err) {
            expect(err).toBeInstanceOf(PduError);
          }
        }
      }),
      { numRuns: 2000, seed: 6 },
    );
  });
});

describe('reassembly against stale and reused references', () => {
  it("a new message reusing an old reference is not completed with the old message's parts", async () => {
    const { Reassembler } = await import('./concat.ts');
    let now = 0;
    const r = new Reassembler(16, 60_000, () => now);
    const c = (seq: number) => ({ ref: 7, total: 3, seq, wide: false });
    r.add('+1', 'OLD-1 ', c(1));
    r.add('+1', 'OLD-2 ', c(2));
    now = 120_000; // the old parts are stale
    expect(r.add('+1', 'NEW-3', c(3))).toBeUndefined();
    expect(r.add('+1', 'NEW-1 ', c(1))).toBeUndefined();
    expect(r.add('+1', 'NEW-2 ', c(2))).toBe('NEW-1 NEW-2 NEW-3');
    // A part number already there starts the message again.
    r.add('+1', 'A1 ', c(1));
    r.add('+1', 'B1 ', c(1));
    r.add('+1', 'B2 ', c(2));
    expect(r.add('+1', 'B3', c(3))).toBe('B1 B2 B3');
  });
});
