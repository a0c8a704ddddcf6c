/** The cash dispenser (Puloon LCDM-2000 class): counts notes from its cassettes, presents them, reports faults. */
import { defineDevice } from '../module.ts';
import { contract } from './contract.ts';
import { reference } from './reference.ts';
import { lcdmEmulator } from './emulator.ts';
import { DispenserOptions } from './options.ts';
import { SerialCashDispenser } from './serial.ts';
import { VirtualCashDispenser } from './virtual.ts';
import { lcdmDecoder } from './lcdm/trace.ts';

export const dispenser = defineDevice({
  kind: 'dispenser',
  title: 'cash dispenser',
  contract,
  reference,
  options: DispenserOptions,
  virtual: (o) => new VirtualCashDispenser(o),
  serial: (spec, o) => new SerialCashDispenser(spec, o.cassettes),
  wire: lcdmDecoder,
  emulator: lcdmEmulator,
  toSession: (event, p) =>
    event === 'dispensed'
      ? { type: 'DISPENSED', ref: p.ref as string, amount: p.amount as number, notes: p.notes as Record<string, number> }
      : event === 'failed'
        ? { type: 'DISPENSE_FAILED', ref: p.ref as string, reason: p.reason as string }
        : undefined,
});
