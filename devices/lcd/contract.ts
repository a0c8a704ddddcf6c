/** The lcd's topic contract: its commands, events and a person's actions on it (docs/topics.md). */
import { z } from 'zod';
import type { DeviceContract } from '../module.ts';

export const LcdLines = z.array(z.string().max(20)).length(4);

export const contract = {
  cmd: { show: z.object({ lines: LcdLines }), clear: z.object({}).strict() },
  evt: {},
  sim: {},
} as const satisfies DeviceContract;
