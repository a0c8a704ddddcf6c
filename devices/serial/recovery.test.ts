// A module restarted behind a kept pty (a power cut with the USB adapter still plugged): each serial driver notices
// (a reset symptom, or silence), says offline with its reason once instead of flooding the bus, handshakes again and
// works. The emulator on the far side is closed and a fresh one started on the same pty, as a module reboots.
import { afterEach, describe, expect, it } from 'vitest';
import { SerialCashDispenser } from '../dispenser/serial.ts';
import { LcdmEmulator } from '../dispenser/lcdm/emulator.ts';
import { SerialFingerprintSensor } from '../fingerprint/serial.ts';
import { synthTemplate } from '../fingerprint/template.ts';
import { ZfmEmulator } from '../fingerprint/zfm/emulator.ts';
import { SerialLcd } from '../kpl/drivers.ts';
import { KeypadLcdEmulator } from '../kpl/emulator.ts';
import { SerialLink } from './link.ts';
import { openPtyPair } from './pty.ts';
import { startDriver } from './testing.ts';

const cleanups: (() => Promise<unknown>)[] = [];
/** The device's state as the bus has it: every patch applied in order. */
const merged = (states: Record<string, unknown>[]) => Object.assign({}, ...states) as Record<string, unknown>;
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The module's end of the pty, opened; `restart` closes it and opens a fresh one (the module rebooting). */
async function moduleEnd<T>(path: string, baudRate: number, make: (link: SerialLink) => T) {
  const open = async () => {
    const link = new SerialLink({ path, baudRate });
    const up = new Promise<void>((r) => link.once('up', () => r()));
    const module = make(link);
    link.start();
    await up;
    return { link, module };
  };
  let current = await open();
  cleanups.push(() => current.link.close());
  return {
    get module() {
      return current.module;
    },
    async restart(offMs: number) {
      await current.link.close();
      await new Promise((r) => setTimeout(r, offMs));
      current = await open();
    },
  };
}

describe('serial drivers recover a module that restarts under an open port', () => {
  it('fingerprint: 0x21 after the reboot sends the driver back to VfyPwd; it captures again', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const end = await moduleEnd(pair.b, 57600, (link) => new ZfmEmulator(link));
    const driver = new SerialFingerprintSensor({ path: pair.a, baudRate: 57600 }, { pollMs: 20 });
    cleanups.push(() => driver.stop());
    const { events, states, errors, until } = await startDriver(driver);
    await end.restart(50);
    await until(
      () => states.some((s) => s.online === false && /restarted|stopped answering/.test(String(s.reason))),
      'offline with a reason',
    );
    await until(() => merged(states).online === true, 'online again');
    end.module.placeFinger(Buffer.from(synthTemplate('C0001', 4), 'base64'));
    await until(() => events.some((e) => e.name === 'captured'), 'a capture after the reboot');
    expect(errors.length).toBeLessThanOrEqual(2); // not ten a second for ever
  }, 30_000);

  it('fingerprint: a module that stays silent goes offline once, not an error every poll', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const end = await moduleEnd(pair.b, 57600, (link) => new ZfmEmulator(link));
    const driver = new SerialFingerprintSensor({ path: pair.a, baudRate: 57600 }, { pollMs: 20 });
    cleanups.push(() => driver.stop());
    const { states, errors, until } = await startDriver(driver);
    end.module.powerCycle(); // off, and stays off
    await until(() => merged(states).online === false, 'offline');
    const [errorsThen, statesThen] = [errors.length, states.length];
    await new Promise((r) => setTimeout(r, 2500));
    expect(errors.length - errorsThen).toBe(0);
    expect(states.length - statesThen).toBeLessThanOrEqual(1);
    expect(String(merged(states).reason)).toMatch(/did not answer/);
  }, 30_000);

  it('dispenser: silence marks it offline; after the reboot it is handshaken (status, purge) and dispenses', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const clock = { now: Date.now, setTimeout, clearTimeout };
    const cassettes = { upper: { denomination: 10_000, count: 5 }, lower: { denomination: 5_000, count: 5 } };
    const end = await moduleEnd(pair.b, 9600, (link) => new LcdmEmulator(link, cassettes, { clock, dispenseMs: 20 }));
    const driver = new SerialCashDispenser({ path: pair.a, baudRate: 9600 }, [cassettes.upper, cassettes.lower], {
      responseTimeoutMs: 2000,
    });
    cleanups.push(() => driver.stop());
    const { events, states, until } = await startDriver(driver);
    end.module.powerCycle();
    void driver.command({ name: 'dispense', payload: { ref: 'r1', amount: 10_000 } } as never);
    await until(() => events.some((e) => e.name === 'failed'), 'the dispense fails');
    await until(() => merged(states).online === false, 'offline');
    await end.restart(50);
    await until(() => merged(states).online === true, 'online again');
    void driver.command({ name: 'dispense', payload: { ref: 'r2', amount: 10_000 } } as never);
    await until(() => events.some((e) => e.name === 'dispensed' && e.payload.ref === 'r2'), 'dispensed after the reboot');
  }, 30_000);

  it('keypad + LCD board: after its READY banner the screen is drawn again', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const end = await moduleEnd(pair.b, 9600, (link) => {
      const board = new KeypadLcdEmulator(link);
      link.once('up', () => void board.boot());
      return board;
    });
    const lcd = new SerialLcd({ path: pair.a, baudRate: 9600 });
    cleanups.push(() => lcd.stop());
    const { until } = await startDriver(lcd);
    await lcd.command({ name: 'show', payload: { lines: ['Welcome', '', '', ''] } } as never);
    expect(end.module.lines[0]).toBe('Welcome');
    await end.restart(50);
    await until(() => end.module.lines[0] === 'Welcome', 'the screen redrawn after the reboot');
  }, 30_000);
});

describe('an idle serial dispenser', () => {
  it('is found dead between customers by its health check, and back when it reboots', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const clock = { now: Date.now, setTimeout, clearTimeout };
    const cassettes = { upper: { denomination: 10_000, count: 5 }, lower: { denomination: 5_000, count: 5 } };
    const end = await moduleEnd(pair.b, 9600, (link) => new LcdmEmulator(link, cassettes, { clock, dispenseMs: 20 }));
    const driver = new SerialCashDispenser({ path: pair.a, baudRate: 9600 }, [cassettes.upper, cassettes.lower], { healthMs: 200 });
    cleanups.push(() => driver.stop());
    const { states, until } = await startDriver(driver);
    end.module.powerCycle(); // nobody asks it for anything
    await until(() => merged(states).online === false, 'offline without a dispense');
    expect(String(merged(states).reason)).toMatch(/did not answer/);
    await end.restart(50);
    await until(() => merged(states).online === true, 'online again');
  }, 30_000);
});
