/** The card's topic contract: its commands, events and a person's actions on it (docs/topics.md). */
import { z } from 'zod';
import { Pan } from '../../core/schemas.ts';
import type { DeviceContract } from '../module.ts';

const empty = z.object({}).strict();

export const contract = {
  cmd: { eject: empty, retain: empty },
  evt: { inserted: z.object({ pan: Pan }), removed: empty, ejected: empty, retained: empty },
  sim: { insert: z.object({ pan: Pan }), remove: empty },
} as const satisfies DeviceContract;
