/** The receipt printer: an ESC/POS thermal printer, or its simulation. An ATM works without it (no receipt). */
import { z } from 'zod';
import { Ref } from '../../core/schemas.ts';
import { strictObject } from '../../core/strict-schema.ts';
import { defineDevice } from '../module.ts';
import { escposEmulator } from './emulator.ts';
import { MAX_COLUMNS } from './escpos.ts';
import { SerialReceiptPrinter } from './serial.ts';
import { VirtualReceiptPrinter } from './virtual.ts';

const Lines = z.array(z.string().max(MAX_COLUMNS)).min(1).max(60);

export const printer = defineDevice({
  kind: 'printer',
  title: 'receipt printer',
  optional: true,
  contract: {
    cmd: { print: z.object({ ref: Ref, lines: Lines }) },
    evt: {
      printed: z.object({ ref: Ref, lines: Lines }),
      failed: z.object({ ref: Ref, reason: z.enum(['paper-out', 'cover-open', 'offline']), message: z.string() }),
    },
    sim: {
      paper: z.object({ state: z.enum(['ok', 'low', 'out']) }),
      cover: z.object({ open: z.boolean() }),
      /** The customer takes the receipt from the slot. */
      take: z.object({}).strict(),
    },
  },
  options: strictObject({}),
  virtual: () => new VirtualReceiptPrinter(),
  serial: (spec) => new SerialReceiptPrinter(spec),
  emulator: escposEmulator,
  // The session's receipt event is what it prints; the session id makes the reference.
  onSessionEvent: (name, p) =>
    name === 'receipt'
      ? {
          cmd: 'print',
          payload: { ref: String(p.ref ?? p.sessionId).slice(0, 80), lines: (p.lines as string[]).map((l) => l.slice(0, MAX_COLUMNS)) },
        }
      : undefined,
});
