/** The GSM modem (SIM800 class) and the network behind it: it sends the OTP by SMS. */
import { defineDevice } from '../module.ts';
import { contract } from './contract.ts';
import { reference } from './reference.ts';
import { sim800Emulator } from './emulator.ts';
import { GsmOptions } from './options.ts';
import { SerialGsmModem } from './serial.ts';
import { VirtualGsmModem } from './virtual.ts';
import { atDecoder } from './sim800/trace.ts';

export const gsm = defineDevice({
  kind: 'gsm',
  title: 'GSM modem',
  contract,
  reference,
  options: GsmOptions,
  virtual: (o) => new VirtualGsmModem(o),
  serial: (spec, o) => new SerialGsmModem(spec, { msisdn: o.msisdn }),
  wire: atDecoder,
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
