/** The keypad's topic contract: its commands, events and a person's actions on it (docs/topics.md). */
import { z } from 'zod';
import { Key } from '../../core/schemas.ts';
import type { DeviceContract } from '../module.ts';

export const contract = {
  cmd: {},
  evt: { key: z.object({ key: Key }) },
  sim: { press: z.object({ key: Key }) },
} as const satisfies DeviceContract;
