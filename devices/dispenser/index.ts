/** The cash dispenser (Puloon LCDM-2000 class): counts notes from its cassettes, presents them, reports faults. */
import { z } from 'zod';
import { Cassette, Notes, Ref } from '../../core/schemas.ts';
import { defineDevice } from '../module.ts';
import { lcdmEmulator } from './emulator.ts';
import { DispenserOptions } from './options.ts';
import { SerialCashDispenser } from './serial.ts';
import { VirtualCashDispenser } from './virtual.ts';

const empty = z.object({}).strict();

export const dispenser = defineDevice({
  kind: 'dispenser',
  title: 'cash dispenser',
  contract: {
    cmd: { dispense: z.object({ ref: Ref, amount: z.number().int().positive() }) },
    evt: {
      dispensed: z.object({ ref: Ref, amount: z.number().int().positive(), notes: Notes }),
      failed: z.object({ ref: Ref, reason: z.enum(['jam', 'cannot-make-amount', 'short', 'offline']), message: z.string() }),
      taken: empty,
    },
    sim: {
      jam: z.object({ on: z.boolean() }),
      /** The dispenser takes commands and never answers (a firmware hang): the ATM's dispense timeout must act. */
      hang: z.object({ on: z.boolean() }),
      /** The next dispenses reject this many notes each (worn, stuck together): the dispenser replaces up to
       *  3 from the cassette; more fails the dispense ("too many rejects"). 0 clears it. */
      rejects: z.object({ notes: z.number().int().min(0).max(40) }),
      take: empty,
      refill: z.object({ cassettes: z.array(Cassette).min(1).max(4) }),
    },
  },
  options: DispenserOptions,
  virtual: (o) => new VirtualCashDispenser(o),
  serial: (spec, o) => new SerialCashDispenser(spec, o.cassettes),
  emulator: lcdmEmulator,
  toSession: (event, p) =>
    event === 'dispensed'
      ? { type: 'DISPENSED', ref: p.ref as string, amount: p.amount as number, notes: p.notes as Record<string, number> }
      : event === 'failed'
        ? { type: 'DISPENSE_FAILED', ref: p.ref as string, reason: p.reason as string }
        : undefined,
});
