// One keypad reader at a time across an ATM's Keyboard and TextTerminal (the attack review): a TextTerminal.Read
// beside a Keyboard.DataEntry would echo the PIN on the LCD, retained on the bus for the observer to read. The second
// reader completes sequenceError; once the first ends, the keypad is free again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AtmClient } from '../atm-client.ts';
import type { XfsClient } from './client.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
let person: AtmClient;
let kb: XfsClient;
let tt: XfsClient;

beforeAll(async () => {
  face = await startFaceRig();
  person = await AtmClient.connect(face.rig.brokerUrl, 'atm-1', face.rig.bus.simulator);
  kb = await face.connect('Keyboard');
  tt = await face.connect('TextTerminal');
});
afterAll(async () => {
  await Promise.all([kb?.close(), tt?.close()]);
  await person?.close();
  await face?.rig.close();
});

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const dataEntry = { activeKeys: Object.fromEntries([...DIGITS.map((k) => [k, { terminate: false }]), ['enter', { terminate: true }]]) };
const read = {
  numOfChars: 4,
  mode: 'absolute',
  posX: 0,
  posY: 1,
  echoMode: 'text',
  visible: true,
  flush: true,
  autoEnd: false,
  activeKeys: [...'0123456789'],
  activeCommandKeys: { enter: { terminate: true } },
};

it('a TextTerminal.Read while a DataEntry reads the keypad completes sequenceError, and echoes nothing', async () => {
  let ready!: () => void;
  const entering = new Promise<void>((r) => (ready = r));
  const entry = kb.command('Keyboard.DataEntry', dataEntry, { onEvent: (n) => n === 'Keyboard.EnterDataEvent' && ready() });
  await entering;
  // A timeout, so that without the claim this test fails (timeOut) rather than hangs.
  const second = await tt.command('TextTerminal.Read', read, { timeout: 10_000 });
  expect(second.completionCode).toBe('sequenceError');
  expect(second.errorDescription).toContain('Keyboard.DataEntry');
  await person.press('4', '2', 'ENTER');
  expect((await entry).payload).toMatchObject({ keys: 3, completion: 'enter' });
  expect(person.lcd.join('')).not.toMatch(/4|_/);
});

it('a DataEntry while a TextTerminal.Read reads the keypad completes sequenceError; the keypad is free after', async () => {
  const reading = tt.command('TextTerminal.Read', read);
  await person.untilLcd(/^_$/);
  const second = await kb.command('Keyboard.DataEntry', dataEntry, { timeout: 10_000 });
  expect(second.completionCode).toBe('sequenceError');
  await person.press('7', 'ENTER');
  expect((await reading).payload).toEqual({ input: '7' });
  let ready!: () => void;
  const entering = new Promise<void>((r) => (ready = r));
  const entry = kb.command('Keyboard.DataEntry', dataEntry, { onEvent: (n) => n === 'Keyboard.EnterDataEvent' && ready() });
  await entering;
  await person.press('ENTER');
  expect((await entry).completionCode).toBe('success');
  expect(face.problems).toEqual([]);
  expect([...kb.invalid, ...tt.invalid]).toEqual([]);
});
