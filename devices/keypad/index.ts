/** The keypad: digits, letters A-Z (the three-tier design's extended keypad), ENTER, CANCEL, CLEAR. */
import { strictObject } from '../../core/strict-schema.ts';
import { kplEmulator } from '../kpl/emulation.ts';
import { SerialKeypad } from '../kpl/drivers.ts';
import { defineDevice } from '../module.ts';
import { contract } from './contract.ts';
import { reference } from './reference.ts';
import { VirtualKeypad } from './virtual.ts';
import { kplDecoder } from '../kpl/trace.ts';

export const keypad = defineDevice({
  kind: 'keypad',
  title: 'keypad',
  contract,
  reference,
  options: strictObject({}),
  virtual: () => new VirtualKeypad(),
  serial: (spec) => new SerialKeypad(spec),
  wire: kplDecoder,
  emulator: kplEmulator,
  toSession: (event, p) => (event === 'key' ? { type: 'KEY', key: p.key as string } : undefined),
  observerDenied: [
    { topic: 'evt/key', why: 'every key typed: PINs, passwords and OTPs digit by digit' },
    { topic: 'sim/press', why: 'the same keys, as the person presses them' },
  ],
});
