/** The GSM modem's settings (`atms[].gsm`). */
import { z } from 'zod';
import { Msisdn } from '../../core/schemas.ts';
import { strictObject } from '../../core/strict-schema.ts';

export const GsmOptions = strictObject({
  /** The modem's own number: the `from` of every SMS it sends. */
  msisdn: Msisdn.default('+260970000000'),
  /** Time from the modem accepting an SMS to the phone receiving it. */
  deliveryDelayMs: z.number().int().min(0).default(2000),
});
export type GsmOptions = z.infer<typeof GsmOptions>;
