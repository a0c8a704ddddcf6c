/** The 4 x 20 character LCD. Typed secrets reach it already masked (`*`), as on any ATM. */
import { strictObject } from '../../core/strict-schema.ts';
import { kplEmulator } from '../kpl/emulation.ts';
import { SerialLcd } from '../kpl/drivers.ts';
import { defineDevice } from '../module.ts';
import { contract } from './contract.ts';
import { reference } from './reference.ts';
import { VirtualLcd } from './virtual.ts';
import { kplDecoder } from '../kpl/trace.ts';

export const lcd = defineDevice({
  kind: 'lcd',
  title: 'LCD 4x20',
  contract,
  reference,
  options: strictObject({}),
  virtual: () => new VirtualLcd(),
  serial: (spec) => new SerialLcd(spec),
  wire: kplDecoder,
  emulator: kplEmulator,
});
