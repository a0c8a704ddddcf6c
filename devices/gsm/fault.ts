/** Faults of the GSM path, one schema for the virtual modem, the SIM800 emulator and the topic contract. */
import { z } from 'zod';

export const GsmFault = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }),
  /** Every SMS reaches the phone this much later. */
  z.object({ mode: z.literal('delay'), ms: z.number().int().min(0).max(3_600_000) }),
  /** The modem accepts SMS, and the network loses them. */
  z.object({ mode: z.literal('drop') }),
  /** The modem refuses with this +CMS ERROR. */
  z.object({ mode: z.literal('error'), cmsError: z.number().int().min(0).max(999).default(500) }),
  /** The modem takes the SMS and never answers (a firmware hang): the session's SMS timeout must act. */
  z.object({ mode: z.literal('hang') }),
]);
export type GsmFault = z.infer<typeof GsmFault>;
