/** The fingerprint sensor: a ZFM / R30x / AS608 class optical module, or its simulation. */
import { z } from 'zod';
import { Finger } from '../../core/schemas.ts';
import { strictObject } from '../../core/strict-schema.ts';
import { defineDevice } from '../module.ts';
import { zfmEmulator } from './emulator.ts';
import { SerialFingerprintSensor } from './serial.ts';
import { VirtualFingerprintSensor } from './virtual.ts';

export const fingerprint = defineDevice({
  kind: 'fingerprint',
  title: 'fingerprint sensor',
  contract: {
    cmd: {},
    evt: { captured: z.object({ template: z.string().min(16), quality: z.number().int().min(0).max(100) }) },
    sim: {
      /** A person places a finger: an enrolled customer's finger, or a stranger's (no customerId). `quality`
       *  below 100 simulates dirt, a cut or a damaged finger. */
      place: z.object({
        customerId: z.string().min(1).max(40).optional(),
        finger: Finger,
        quality: z.number().int().min(0).max(100).default(100),
        /** An artificial copy (wax, gelatine) of that finger. */
        spoof: z.boolean().default(false),
      }),
    },
  },
  options: strictObject({
    /** Refuse artificial fingers (the reference modules cannot; on for a better sensor). */
    liveness: z.boolean().default(false),
  }),
  virtual: (o) => new VirtualFingerprintSensor(o),
  serial: (spec) => new SerialFingerprintSensor(spec),
  emulator: zfmEmulator,
  toSession: (event, p) =>
    event === 'captured' ? { type: 'FINGER', template: p.template as string, quality: p.quality as number } : undefined,
  observerDenied: [
    { topic: 'evt/captured', why: 'the fingerprint template' },
    { topic: 'sim/place', why: 'whose finger (customer id and finger), from which the virtual template is made' },
  ],
});
