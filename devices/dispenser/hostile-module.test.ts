// The LCDM driver against a module that answers dispenses with anything a BCC-valid frame can hold (fast-check over a
// real pty): it reports `dispensed` only for an answer saying all notes are out, `failed` otherwise, never crashes,
// and its cassette counts never go below zero.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ACK, FrameParser, response } from './lcdm/frame.ts';
import { SerialCashDispenser } from './serial.ts';
import { SerialLink } from '../serial/link.ts';
import { openPtyPair } from '../serial/pty.ts';
import { startDriver } from '../serial/testing.ts';

let answer: Buffer = Buffer.alloc(0);
let driver: SerialCashDispenser;
let run: Awaited<ReturnType<typeof startDriver>>;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const pair = await openPtyPair();
  const module = new SerialLink({ path: pair.b, baudRate: 9600 });
  const parser = new FrameParser();
  module.on('data', (d) => {
    for (const p of parser.push(d)) {
      if (!('frame' in p) || p.frame.start !== 0x04) continue;
      // Status and purge get a good answer; a dispense gets the hostile one.
      const data = p.frame.cmd === 0x45 || p.frame.cmd === 0x55 ? answer : Buffer.from(p.frame.cmd === 0x46 ? '0000' : '0');
      void module.write(Buffer.concat([Buffer.from([ACK]), response(p.frame.cmd, data)]));
    }
  });
  module.start();
  driver = new SerialCashDispenser(
    { path: pair.a, baudRate: 9600 },
    [
      { denomination: 10_000, count: 1000 },
      { denomination: 5_000, count: 1000 },
    ],
    { responseTimeoutMs: 500 },
  );
  cleanups.push(
    () => pair.close(),
    () => module.close(),
    () => driver.stop(),
  );
  run = await startDriver(driver);
}, 20_000);
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

it('answers every hostile dispense answer with dispensed or failed, counts never negative', async () => {
  const data = fc.oneof(
    fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b.filter((x) => x !== 0x03))),
    fc
      .tuple(fc.stringMatching(/^[0-9a-zA-Z ]{0,3}$/), fc.stringMatching(/^[0-9a-zA-Z ]{0,3}$/), fc.constantFrom('0', '1', '5', 'D', '8'))
      .map(([chk, exit, err]) => Buffer.from(`${chk.padStart(2, '0').slice(0, 2)}${exit.padStart(2, '0').slice(0, 2)}${err}000`, 'latin1')),
  );
  let ref = 0;
  await fc.assert(
    fc.asyncProperty(data, async (hostile) => {
      answer = hostile;
      const r = `r${++ref}`;
      void driver.command({ name: 'dispense', payload: { ref: r, amount: 10_000 } } as never);
      await run.until(
        () => run.events.some((e) => e.payload.ref === r && (e.name === 'dispensed' || e.name === 'failed')),
        `an outcome for ${r}`,
      );
      const outcome = run.events.find((e) => e.payload.ref === r)!;
      const honest =
        hostile.length === 8 && hostile.subarray(2, 4).toString('latin1') === '01' && /^[01]$/.test(String.fromCharCode(hostile[4]!));
      if (outcome.name === 'dispensed') expect(honest).toBe(true);
      const state = Object.assign({}, ...run.states) as { cassettes?: { count: number }[] };
      expect(state.cassettes?.every((c) => c.count >= 0) ?? true).toBe(true);
    }),
    { numRuns: 40, seed: 31 },
  );
}, 60_000);
