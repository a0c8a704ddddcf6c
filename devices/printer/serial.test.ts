// The ESC/POS driver against its emulator over a real pty pair: a receipt prints and is cut; paper out and an
// open cover are found before anything is sent; the idle poll shows paper running low.
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair } from '../serial/pty.ts';
import { startDriver } from '../serial/testing.ts';
import { SerialLink } from '../serial/link.ts';
import { EscPosEmulator } from './emulator.ts';
import { SerialReceiptPrinter } from './serial.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function wire() {
  const pair = await openPtyPair();
  const driver = new SerialReceiptPrinter({ path: pair.a, baudRate: 19200 }, { pollMs: 50 });
  const emuLink = new SerialLink({ path: pair.b, baudRate: 19200 });
  cleanups.push(
    () => pair.close(),
    () => driver.stop(),
    () => emuLink.close(),
  );
  const emulator = new EscPosEmulator(emuLink);
  emuLink.start();
  const { events, states, until } = await startDriver(driver);
  return { driver, emulator, events, states, until };
}

describe('receipt printer over a serial port', () => {
  it('prints a receipt the printer cuts, line for line', async () => {
    const { driver, emulator, events, until } = await wire();
    await driver.command({ name: 'print', payload: { ref: 'r1', lines: ['ATM atm-1', 'WITHDRAWAL ZMW 200.00'] } });
    expect(events).toEqual([{ name: 'printed', payload: { ref: 'r1', lines: ['ATM atm-1', 'WITHDRAWAL ZMW 200.00'] } }]);
    await until(() => emulator.receipts.length === 1, 'the cut');
    expect(emulator.receipts[0]).toEqual(['ATM atm-1', 'WITHDRAWAL ZMW 200.00']);
  });

  it('refuses to print without paper or with the cover open, and sends nothing', async () => {
    const { driver, emulator, events, until } = await wire();
    emulator.condition = { paper: 'out', coverOpen: false };
    await driver.command({ name: 'print', payload: { ref: 'r2', lines: ['x'] } });
    emulator.condition = { paper: 'ok', coverOpen: true };
    await driver.command({ name: 'print', payload: { ref: 'r3', lines: ['y'] } });
    expect(events.map((e) => [e.name, e.payload.reason])).toEqual([
      ['failed', 'paper-out'],
      ['failed', 'cover-open'],
    ]);
    emulator.condition = { paper: 'ok', coverOpen: false };
    await driver.command({ name: 'print', payload: { ref: 'r4', lines: ['z'] } });
    await until(() => emulator.receipts.length > 0, 'the receipt');
    expect(emulator.receipts).toEqual([['z']]);
  });

  it('shows paper running low while idle', async () => {
    const { emulator, states, until } = await wire();
    emulator.condition = { paper: 'low', coverOpen: false };
    await until(() => states.some((s) => s.paper === 'low'), 'paper low in the state');
  });

  it('reports a printer that does not answer as offline, in the failed print and in its state', async () => {
    const { driver, emulator, events, states, until } = await wire();
    (emulator as unknown as { link: SerialLink }).link.removeAllListeners('data');
    await driver.command({ name: 'print', payload: { ref: 'r5', lines: ['lost'] } });
    expect(events).toEqual([
      expect.objectContaining({ name: 'failed', payload: expect.objectContaining({ ref: 'r5', reason: 'offline' }) }),
    ]);
    await until(() => states.at(-1)?.online === false, 'the state to say offline');
  });
});
