/** The printer's topic contract: its commands, events and a person's actions on it (docs/topics.md). */
import { z } from 'zod';
import { Ref } from '../../core/schemas.ts';
import { MAX_COLUMNS } from './escpos.ts';
import type { DeviceContract } from '../module.ts';

const Lines = z.array(z.string().max(MAX_COLUMNS)).min(1).max(60);

export const contract = {
  cmd: { print: z.object({ ref: Ref, lines: Lines }) },
  evt: {
    printed: z.object({ ref: Ref, lines: Lines }),
    failed: z.object({ ref: Ref, reason: z.enum(['paper-out', 'cover-open', 'offline']), message: z.string() }),
  },
  sim: {
    paper: z.object({ state: z.enum(['ok', 'low', 'out']) }),
    cover: z.object({ open: z.boolean() }),
    /** The customer takes the receipt from the slot. */
    take: z.object({}).strict(),
  },
} as const satisfies DeviceContract;
