// The LCDM-2000 driver against its emulator over a real pty pair: dispense, jam (purged to the reject box), empty
// cassette, a hung device, notes taken.
import { afterEach, describe, expect, it } from 'vitest';
import { SerialCashDispenser } from './serial.ts';
import { LcdmEmulator } from './lcdm/emulator.ts';
import { SerialLink } from '../serial/link.ts';
import type { ByteLink } from '../serial/byte-link.ts';
import { openPtyPair } from '../serial/pty.ts';
import { startDriver } from '../serial/testing.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The driver and the emulator on a pty pair; `between` stands between the emulator and its port (a lossy wire). */
async function wire(o: { dispenseMs?: number; responseTimeoutMs?: number; between?: (link: SerialLink) => ByteLink } = {}) {
  const pair = await openPtyPair();
  const cassettes = [
    { denomination: 10_000, count: 5 },
    { denomination: 5_000, count: 5 },
  ];
  const driver = new SerialCashDispenser({ path: pair.a, baudRate: 9600 }, cassettes, { responseTimeoutMs: o.responseTimeoutMs ?? 2000 });
  const emuLink = new SerialLink({ path: pair.b, baudRate: 9600 });
  cleanups.push(
    () => pair.close(),
    () => driver.stop(),
    () => emuLink.close(),
  );
  const emulator = new LcdmEmulator(
    o.between?.(emuLink) ?? emuLink,
    { upper: { ...cassettes[0]! }, lower: { ...cassettes[1]! } },
    { clock: { now: Date.now, setTimeout, clearTimeout }, dispenseMs: o.dispenseMs ?? 20 },
  );
  emuLink.start();
  const { events, states, until } = await startDriver(driver);
  return { driver, emulator, events, states, until };
}

describe('LCDM-2000 over a pty pair', () => {
  it('dispenses from both cassettes, then reports the notes taken', async () => {
    const { driver, emulator, events, until } = await wire();
    await driver.command({ name: 'dispense', payload: { ref: 'r1', amount: 25_000 } });
    expect(events.at(-1)).toEqual({ name: 'dispensed', payload: { ref: 'r1', amount: 25_000, notes: { '10000': 2, '5000': 1 } } });
    expect(emulator.cassettes.upper.count).toBe(3);
    expect(emulator.cassettes.lower.count).toBe(4);
    expect(emulator.atExit).toBe(3);
    emulator.take();
    await until(() => events.at(-1)?.name === 'taken', 'taken');
  });

  it('a command seen again (redelivered, doubled on the wire) is answered again, never paid twice', async () => {
    const { driver, emulator, events } = await wire();
    await Promise.all([
      driver.command({ name: 'dispense', payload: { ref: 'twice', amount: 10_000 } }),
      driver.command({ name: 'dispense', payload: { ref: 'twice', amount: 10_000 } }),
    ]);
    await driver.command({ name: 'dispense', payload: { ref: 'twice', amount: 10_000 } });
    expect(emulator.cassettes.upper.count).toBe(4);
    expect(events.filter((e) => e.name === 'dispensed')).toEqual([
      { name: 'dispensed', payload: { ref: 'twice', amount: 10_000, notes: { '10000': 1 } } },
      { name: 'dispensed', payload: { ref: 'twice', amount: 10_000, notes: { '10000': 1 } } },
    ]);
  });

  it('a command past its deadline (held up on the wire) fails "expired" and moves no note', async () => {
    const { driver, emulator, events } = await wire();
    await driver.command({ name: 'dispense', payload: { ref: 'late', amount: 10_000, deadline: 1 } });
    expect(events.at(-1)).toMatchObject({ name: 'failed', payload: { ref: 'late', reason: 'expired' } });
    expect(emulator.cassettes.upper.count).toBe(5);
  });

  it('on a jam, purges what reached the transport to the reject box and reports "jam"', async () => {
    const { driver, emulator, events } = await wire();
    emulator.jammed = true;
    await driver.command({ name: 'dispense', payload: { ref: 'r2', amount: 10_000 } });
    expect(events.at(-1)).toMatchObject({ name: 'failed', payload: { ref: 'r2', reason: 'jam' } });
    expect(emulator.atExit).toBe(0);
    expect(emulator.jammed).toBe(false); // the purge cleared it
  });

  it('reports "short" for an amount the cassettes cannot cover, and when the device says a cassette is empty', async () => {
    const { driver, emulator, events } = await wire();
    await driver.command({ name: 'dispense', payload: { ref: 'r3', amount: 100_000 } });
    expect(events.at(-1)).toMatchObject({ name: 'failed', payload: { reason: 'short' } });
    emulator.cassettes.upper.count = 0; // emptier than the driver believes
    await driver.command({ name: 'dispense', payload: { ref: 'r4', amount: 20_000 } });
    expect(events.at(-1)).toMatchObject({ name: 'failed', payload: { ref: 'r4', reason: 'short' } });
  });

  it('reports a hung device as "offline" rather than waiting for ever', async () => {
    const { driver, emulator, events } = await wire();
    emulator.hung = true;
    await driver.command({ name: 'dispense', payload: { ref: 'r5', amount: 10_000 } });
    expect(events.at(-1)).toMatchObject({ name: 'failed', payload: { ref: 'r5', reason: 'offline' } });
  });
});

describe('LCDM-2000 rejected notes', () => {
  it('replaces a few rejected notes from the cassette, and fails with "too many rejects" beyond that', async () => {
    const { driver, emulator, events } = await wire();
    emulator.rejects = 2;
    await driver.command({ name: 'dispense', payload: { ref: 'r6', amount: 20_000 } });
    expect(events.at(-1)).toMatchObject({ name: 'dispensed', payload: { notes: { '10000': 2 } } });
    expect(emulator.rejected).toBe(2);
    expect(emulator.cassettes.upper.count).toBe(1); // 5 - 2 dispensed - 2 rejected
    emulator.rejects = 5;
    await driver.command({ name: 'dispense', payload: { ref: 'r7', amount: 5_000 } });
    expect(events.at(-1)).toMatchObject({ name: 'failed', payload: { ref: 'r7', reason: 'jam', message: expect.stringMatching(/0x44/) } });
  });
});

describe('LCDM-2000 with a lost ACK', () => {
  it('a dispense whose ACK is lost on the wire is still awaited, debited and reported dispensed', async () => {
    let dropNextAck = false;
    // One corrupted byte: the ACK right after the dispense command never arrives.
    const lossy = (link: SerialLink): ByteLink => ({
      on: (event, fn) => link.on(event, fn),
      write: (b) => (dropNextAck && b.length === 1 && b[0] === 0x06 ? ((dropNextAck = false), Promise.resolve()) : link.write(b)),
    });
    const { driver, emulator, events, states, until } = await wire({ dispenseMs: 1500, responseTimeoutMs: 3000, between: lossy });
    dropNextAck = true;
    void driver.command({ name: 'dispense', payload: { ref: 'r1', amount: 10_000 } } as never);
    await until(() => events.some((e) => e.payload.ref === 'r1'), 'an outcome');
    expect(events.find((e) => e.payload.ref === 'r1')?.name).toBe('dispensed');
    expect(emulator.atExit).toBe(1);
    const state = Object.assign({}, ...states) as { cassettes: { count: number }[] };
    expect(state.cassettes[0]!.count).toBe(4);
  }, 20_000);
});
