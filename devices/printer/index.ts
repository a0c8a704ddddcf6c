/** The receipt printer: an ESC/POS thermal printer, or its simulation. An ATM works without it (no receipt). */
import { strictObject } from '../../core/strict-schema.ts';
import { defineDevice } from '../module.ts';
import { contract } from './contract.ts';
import { reference } from './reference.ts';
import { escposEmulator } from './emulator.ts';
import { MAX_COLUMNS } from './escpos.ts';
import { SerialReceiptPrinter } from './serial.ts';
import { VirtualReceiptPrinter } from './virtual.ts';
import { escPosDecoder } from './trace.ts';

export const printer = defineDevice({
  kind: 'printer',
  title: 'receipt printer',
  optional: true,
  contract,
  reference,
  options: strictObject({}),
  virtual: () => new VirtualReceiptPrinter(),
  serial: (spec) => new SerialReceiptPrinter(spec),
  wire: escPosDecoder,
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
