/** The gsm's topic contract: its commands, events and a person's actions on it (docs/topics.md). */
import { z } from 'zod';
import { Msisdn, Ref } from '../../core/schemas.ts';
import { GsmFault } from './fault.ts';
import type { DeviceContract } from '../module.ts';

export const contract = {
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
} as const satisfies DeviceContract;
