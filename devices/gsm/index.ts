/** The GSM modem (SIM800 class) and the network behind it: it sends the OTP by SMS. */
import { z } from 'zod';
import { Msisdn, Ref } from '../../core/schemas.ts';
import { defineDevice } from '../module.ts';
import { sim800Emulator } from './emulator.ts';
import { GsmFault } from './fault.ts';
import { GsmOptions } from './options.ts';
import { SerialGsmModem } from './serial.ts';
import { VirtualGsmModem } from './virtual.ts';

export const gsm = defineDevice({
  kind: 'gsm',
  title: 'GSM modem',
  contract: {
    cmd: { send: z.object({ to: Msisdn, text: z.string().min(1).max(1024), ref: Ref }) },
    evt: {
      sent: z.object({ ref: Ref, mr: z.number().int() }),
      failed: z.object({ ref: Ref, cmsError: z.number().int(), message: z.string() }),
      /** An SMS to the modem's own number. */
      received: z.object({ from: z.string().max(20), text: z.string().max(1024) }),
    },
    sim: {
      network: z.object({ registered: z.boolean() }),
      /** Someone sends an SMS to the modem's number. */
      receive: z.object({ from: Msisdn, text: z.string().min(1).max(1024) }),
      /** Faults of the GSM path: delay every SMS, drop (lose) the next ones, or refuse with a +CMS ERROR. */
      fault: GsmFault,
    },
  },
  options: GsmOptions,
  virtual: (o) => new VirtualGsmModem(o),
  serial: (spec, o) => new SerialGsmModem(spec, { msisdn: o.msisdn }),
  emulator: sim800Emulator,
  toSession: (event, p) =>
    event === 'sent'
      ? { type: 'SMS_SENT', ref: p.ref as string }
      : event === 'failed'
        ? { type: 'SMS_FAILED', ref: p.ref as string, cmsError: p.cmsError as number }
        : undefined,
  observerDenied: [
    { topic: 'cmd/send', why: "the SMS text (the OTP) and the customer's phone number" },
    { topic: 'evt/received', why: 'an SMS a customer sent, with their phone number' },
    { topic: 'sim/receive', why: 'the same SMS, as simulated' },
  ],
  // It is the network too: it delivers to the phones.
  alsoPublishes: ['phone/+/inbox'],
});
