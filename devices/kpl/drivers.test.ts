// The KPL/1 keypad + LCD board: host and emulator over a real pty pair (protocol in docs/devices/keypad-lcd.md).
import { afterEach, describe, expect, it } from 'vitest';
import { KeypadLcdBoard } from './board.ts';
import { KeypadLcdEmulator } from './emulator.ts';
import { SerialLink } from '../serial/link.ts';
import { openPtyPair } from '../serial/pty.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('KPL/1 over a pty pair', () => {
  it('comes online on the banner, shows lines, reports keys, refuses nonsense', async () => {
    const pair = await openPtyPair();
    const board = new KeypadLcdBoard({ path: pair.a, baudRate: 9600 });
    const emuLink = new SerialLink({ path: pair.b, baudRate: 9600 });
    cleanups.push(
      () => pair.close(),
      () => board.stop(),
      () => emuLink.close(),
    );
    const emulator = new KeypadLcdEmulator(emuLink);
    const online = new Promise<void>((r) => board.on('online', (o) => o && r()));
    emuLink.start();
    board.start();
    await online;

    await board.show(['Place finger 3', 'on the sensor', 'Ünïcode stays ASCII', 'a line longer than twenty characters']);
    expect(emulator.lines).toEqual(['Place finger 3', 'on the sensor', '?n?code stays ASCII', 'a line longer than t']);
    await board.clear();
    expect(emulator.lines).toEqual(['', '', '', '']);

    const keys: string[] = [];
    board.on('key', (k) => keys.push(k));
    for (const k of ['1', '9', 'ENTER', 'CANCEL']) await emulator.press(k);
    await new Promise((r) => setTimeout(r, 100));
    expect(keys).toEqual(['1', '9', 'ENTER', 'CANCEL']);
    expect(() => emulator.press('F1')).toThrow();

    const answers: string[] = [];
    const hostLink = board.link;
    hostLink.on('data', (d) => answers.push(d.toString()));
    await hostLink.write(Buffer.from('X nonsense\n'));
    await new Promise((r) => setTimeout(r, 100));
    expect(answers.join('')).toContain('ERR unknown command');
  });
});

describe('KPL/1 and the FDKs', () => {
  it('the emulated board sends an FDK press as a key line, and a key it lacks is ignored, never a crash', async () => {
    const { memoryPair, settle } = await import('../serial/memory-link.ts');
    const { kplEmulator } = await import('./emulation.ts');
    const { host, device } = memoryPair();
    const emulation = kplEmulator.start(device as never, {} as never);
    await settle();
    host.take();
    emulation.onSim('press', { key: 'FDKA' });
    expect(() => emulation.onSim('press', { key: 'no-such-key' })).not.toThrow();
    await settle();
    expect(host.take().toString('latin1')).toBe('K FDKA\n');
  });
});
