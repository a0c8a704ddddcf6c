/** The fingerprint sensor: a ZFM / R30x / AS608 class optical module, or its simulation. */
import { z } from 'zod';
import { strictObject } from '../../core/strict-schema.ts';
import { defineDevice } from '../module.ts';
import { contract } from './contract.ts';
import { reference } from './reference.ts';
import { zfmEmulator } from './emulator.ts';
import { SerialFingerprintSensor } from './serial.ts';
import { VirtualFingerprintSensor } from './virtual.ts';
import { zfmDecoder } from './zfm/trace.ts';

export const fingerprint = defineDevice({
  kind: 'fingerprint',
  title: 'fingerprint sensor',
  contract,
  reference,
  options: strictObject({
    /** Refuse artificial fingers (the reference modules cannot; on for a better sensor). */
    liveness: z.boolean().default(false),
    /** Who decides a serial sensor's match: the bank, comparing templates (synthetic ones only: a real module never
     *  makes the same bytes twice), or the module, searching its own library (a real R307; see docs/devices). */
    match: z.enum(['bank', 'module']).default('bank'),
  }),
  virtual: (o) => new VirtualFingerprintSensor(o),
  serial: (spec, o) => new SerialFingerprintSensor(spec, { match: o.match }),
  wire: zfmDecoder,
  emulator: zfmEmulator,
  toSession: (event, p) =>
    event === 'captured' ? { type: 'FINGER', template: p.template as string, quality: p.quality as number } : undefined,
  observerDenied: [
    { topic: 'evt/captured', why: 'the fingerprint template' },
    { topic: 'sim/place', why: 'whose finger (customer id and finger), from which the virtual template is made' },
  ],
});
