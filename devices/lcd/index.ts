/** The 4 x 20 character LCD. Typed secrets reach it already masked (`*`), as on any ATM. */
import { z } from 'zod';
import { strictObject } from '../../core/strict-schema.ts';
import { kplEmulator } from '../kpl/emulation.ts';
import { SerialLcd } from '../kpl/drivers.ts';
import { defineDevice } from '../module.ts';
import { VirtualLcd } from './virtual.ts';

export const LcdLines = z.array(z.string().max(20)).length(4);

export const lcd = defineDevice({
  kind: 'lcd',
  title: 'LCD 4x20',
  contract: {
    cmd: { show: z.object({ lines: LcdLines }), clear: z.object({}).strict() },
    evt: {},
    sim: {},
  },
  options: strictObject({}),
  virtual: () => new VirtualLcd(),
  serial: (spec) => new SerialLcd(spec),
  emulator: kplEmulator,
});
