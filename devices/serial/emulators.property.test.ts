// Hostile bytes into every serial emulator and protocol host (fast-check, in memory so thousands of streams run in
// seconds): nothing throws, nothing hangs, and after any stream and the inter-byte timeout the module answers a
// good command as its manual says. The pty tests cover the real ports; the frame parsers have their own properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { LcdmEmulator } from '../dispenser/lcdm/emulator.ts';
import { command as lcdmCommand, FrameParser } from '../dispenser/lcdm/frame.ts';
import { ZfmEmulator } from '../fingerprint/zfm/emulator.ts';
import { ZfmHost } from '../fingerprint/zfm/host.ts';
import { command as zfmCommand, INSTRUCTION, PacketParser } from '../fingerprint/zfm/packet.ts';
import { KeypadLcdEmulator } from '../kpl/emulator.ts';
import { memoryPair, settle } from './memory-link.ts';

/** Arbitrary bytes in arbitrary chunks, biased towards each protocol's own framing bytes. */
const stream = (special: number[]) =>
  fc
    .array(
      fc.uint8Array({ maxLength: 80 }).chain((b) => fc.constant(b)),
      { maxLength: 12 },
    )
    .chain((chunks) => fc.array(fc.constantFrom(...special), { maxLength: 20 }).map((extra) => [...chunks, Uint8Array.from(extra)]));

describe('serial emulators under hostile bytes', () => {
  it('ZFM: never throws, and answers VfyPwd after any stream', async () => {
    await fc.assert(
      fc.asyncProperty(stream([0xef, 0x01, 0xff, 0x00, 0x07, 0x02, 0x08, 0x13]), async (chunks) => {
        let now = 0;
        const { host, device } = memoryPair();
        new ZfmEmulator(device, { now: () => now });
        for (const c of chunks) await host.write(Buffer.from(c));
        await settle();
        now += 1000; // the inter-byte timeout passes
        host.take();
        await host.write(zfmCommand(INSTRUCTION.VfyPwd, 0, 0, 0, 0));
        await settle();
        const answers = new PacketParser().push(host.take());
        expect(answers.at(-1)?.packet?.payload).toEqual(Buffer.from([0]));
      }),
      { numRuns: 300, seed: 21 },
    );
  });

  it('LCDM-2000: never throws, and answers a status request after any stream', async () => {
    await fc.assert(
      fc.asyncProperty(stream([0x04, 0x01, 0x50, 0x02, 0x03, 0x06, 0x15, 0x45, 0x46]), async (chunks) => {
        let now = 0;
        const { host, device } = memoryPair();
        const clock = new ManualClock();
        const cassettes = { upper: { denomination: 100, count: 50 }, lower: { denomination: 50, count: 50 } };
        const lcdm = new LcdmEmulator(device, cassettes, { clock, dispenseMs: 0, now: () => now });
        for (const c of chunks) await host.write(Buffer.from(c));
        await settle();
        clock.advance(1000);
        await settle();
        now += 1000;
        host.take();
        await host.write(lcdmCommand(0x46));
        await settle();
        const answers = new FrameParser().push(host.take());
        expect(answers.some((a) => 'frame' in a && a.frame.cmd === 0x46)).toBe(true);
        // Notes are conserved whatever the stream asked for.
        const left = cassettes.upper.count + cassettes.lower.count;
        expect(left + lcdm.atExit + lcdm.rejected).toBe(100);
      }),
      { numRuns: 300, seed: 22 },
    );
  });

  it('KPL/1 board: never throws, and answers `?` after any stream', async () => {
    await fc.assert(
      fc.asyncProperty(stream([0x0a, 0x0d, 0x4c, 0x20, 0x3f, 0x43, 0x42]), async (chunks) => {
        const { host, device } = memoryPair();
        const board = new KeypadLcdEmulator(device);
        for (const c of chunks) await host.write(Buffer.from(c));
        await settle();
        host.take();
        await host.write(Buffer.from('\n?\n'));
        await settle();
        expect(host.take().toString('latin1')).toContain('READY KPL/1 20x4\n');
        expect(board.lines.every((l) => l.length <= 20)).toBe(true);
      }),
      { numRuns: 300, seed: 23 },
    );
  });

  it('ZFM host: a module answering garbage gives errors, never a crash or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(stream([0xef, 0x01, 0xff, 0x07, 0x00, 0x03]), async (chunks) => {
        const { host, device } = memoryPair();
        const zfm = new ZfmHost(host, 20);
        device.on('data', () => void Promise.all(chunks.map((c) => device.write(Buffer.from(c)))));
        const outcome = await zfm.templateCount().then(
          (n) => ({ n }),
          (err: Error) => ({ err: err.message }),
        );
        expect('n' in outcome ? Number.isInteger(outcome.n) : typeof outcome.err === 'string').toBe(true);
      }),
      { numRuns: 60, seed: 24 },
    );
  });
});
