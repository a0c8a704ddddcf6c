/** The fingerprint's topic contract: its commands, events and a person's actions on it (docs/topics.md). */
import { z } from 'zod';
import { Finger } from '../../core/schemas.ts';
import type { DeviceContract } from '../module.ts';

export const contract = {
  cmd: {},
  evt: {
    captured: z.object({
      template: z.string().min(16),
      quality: z.number().int().min(0).max(100),
      /** A serial sensor with `match: module`: the module's own matcher found this finger in its library at `page`,
       *  and `template` is the enrolled model stored there (docs/devices/fingerprint.md). */
      matchedOnModule: z.object({ page: z.number().int().min(0).max(65535), score: z.number().int().min(0).max(65535) }).optional(),
    }),
  },
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
} as const satisfies DeviceContract;
