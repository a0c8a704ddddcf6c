/** The dispenser's topic contract: its commands, events and a person's actions on it (docs/topics.md). */
import { z } from 'zod';
import { Cassette, Notes, Ref } from '../../core/schemas.ts';
import type { DeviceContract } from '../module.ts';

const empty = z.object({}).strict();

export const contract = {
  cmd: {
    dispense: z.object({
      ref: Ref,
      amount: z.number().int().positive(),
      /** When the ATM gives up (rig clock): a command that arrives later, held up on the wire, pays nothing. */
      deadline: z.number().int().positive().optional(),
    }),
  },
  evt: {
    dispensed: z.object({ ref: Ref, amount: z.number().int().positive(), notes: Notes }),
    failed: z.object({ ref: Ref, reason: z.enum(['jam', 'cannot-make-amount', 'short', 'offline', 'expired']), message: z.string() }),
    taken: empty,
  },
  sim: {
    jam: z.object({ on: z.boolean() }),
    /** The dispenser takes commands and never answers (a firmware hang): the ATM's dispense timeout must act. */
    hang: z.object({ on: z.boolean() }),
    /** The next dispenses reject this many notes each (worn, stuck together): the dispenser replaces up to
     *  3 from the cassette; more fails the dispense ("too many rejects"). 0 clears it. */
    rejects: z.object({ notes: z.number().int().min(0).max(40) }),
    /** The next dispenses report this many notes fewer than they present (a miscounting sensor, or firmware whose
     *  counts do not add up): the ATM must not commit a dispense it cannot account for. 0 clears it. */
    miscount: z.object({ notes: z.number().int().min(0).max(40) }),
    take: empty,
    refill: z.object({ cassettes: z.array(Cassette).min(1).max(4) }),
  },
} as const satisfies DeviceContract;
