/** The cash dispenser's settings (`atms[].dispenser`). */
import { z } from 'zod';
import { strictObject } from '../../core/strict-schema.ts';

export const DispenserOptions = strictObject({
  /** Denominations in minor units, upper cassette first. */
  cassettes: z
    .array(strictObject({ denomination: z.number().int().positive(), count: z.number().int().nonnegative() }))
    .min(1)
    .max(4)
    .default([
      { denomination: 10_000, count: 200 },
      { denomination: 5_000, count: 200 },
    ]),
  /** Time to count the notes. */
  dispenseMs: z.number().int().min(0).default(1500),
});
export type DispenserOptions = z.infer<typeof DispenserOptions>;
