// Hostile input for every serial frame parser (fast-check): random bytes, in random chunks, never throw, and
// everything they return is well formed. Valid frames survive any amount of noise around them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../kpl/protocol.ts';
import { command as lcdmCommand, FrameParser, response as lcdmResponse } from '../dispenser/lcdm/frame.ts';
import { encodePacket, PacketParser } from '../fingerprint/zfm/packet.ts';

const bytes = fc.uint8Array({ maxLength: 600 });
const chunked = (data: Uint8Array, cuts: number[]) => {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of [...points, data.length]) {
    out.push(Buffer.from(data.subarray(last, p)));
    last = p;
  }
  return out;
};

describe('serial parsers under hostile input', () => {
  it('ZFM: any bytes give only checksummed packets or "bad" reports; a real packet survives surrounding noise', () => {
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 20 }), fc.uint8Array({ maxLength: 64 }), (noise, cuts, payload) => {
        const parser = new PacketParser();
        const packet = encodePacket(0x07, payload);
        // Noise that contains no header cannot swallow the real packet.
        const clean = Buffer.from(noise.filter((b) => b !== 0xef));
        const out = chunked(Buffer.concat([clean, packet, clean]), cuts).flatMap((c) => parser.push(c));
        for (const o of out) expect(Boolean(o.packet) !== Boolean(o.bad)).toBe(true);
        expect(out.some((o) => o.packet?.payload.equals(Buffer.from(payload)))).toBe(true);
      }),
      { numRuns: 300, seed: 11 },
    );
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 20 }), (data, cuts) => {
        const parser = new PacketParser();
        for (const c of chunked(data, cuts))
          for (const o of parser.push(c)) expect(o.packet ? o.packet.payload.length <= 256 : typeof o.bad === 'string').toBe(true);
      }),
      { numRuns: 500, seed: 12 },
    );
  });

  it('LCDM-2000: any bytes give only ACK/NAK, BCC-checked frames or "bad" reports; real frames survive noise', () => {
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 20 }), fc.uint8Array({ maxLength: 12 }), (noise, cuts, data) => {
        const parser = new FrameParser();
        const body = Buffer.from(data.filter((b) => b !== 0x03));
        const frame = lcdmResponse(0x45, body);
        const clean = Buffer.from(noise.filter((b) => ![0x01, 0x04, 0x06, 0x15, 0x03].includes(b)));
        const out = chunked(Buffer.concat([clean, frame, lcdmCommand(0x46), clean]), cuts).flatMap((c) => parser.push(c));
        expect(out.some((o) => 'frame' in o && o.frame.cmd === 0x45 && o.frame.data.equals(body))).toBe(true);
        expect(out.some((o) => 'frame' in o && o.frame.cmd === 0x46)).toBe(true);
      }),
      { numRuns: 300, seed: 13 },
    );
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 20 }), (data, cuts) => {
        const parser = new FrameParser();
        for (const c of chunked(data, cuts))
          for (const o of parser.push(c)) expect('ack' in o || 'nak' in o || 'frame' in o || 'bad' in o).toBe(true);
      }),
      { numRuns: 500, seed: 14 },
    );
  });

  it('KPL/1: any bytes split into bounded lines, and real lines survive', () => {
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 20 }), (data, cuts) => {
        const split = new LineSplitter();
        const lines = [...chunked(data, cuts), Buffer.from('\nK ENTER\n')].flatMap((c) => split.push(c));
        expect(lines.every((l) => !l.includes('\n'))).toBe(true);
        expect(lines.at(-1)).toBe('K ENTER');
      }),
      { numRuns: 500, seed: 15 },
    );
  });
});
