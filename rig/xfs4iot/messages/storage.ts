/** Storage (shared/reference/xfs4iot.md §4.4, §4.5): the dispenser's cassettes and the card reader's retain bin. */
import { z } from 'zod';
import { Amount, Currency } from './cash.ts';
import { command, Empty, UnitId } from './spec.ts';

/** A cash item count (§4.4 "Counts"). */
const ItemCount = z.strictObject({
  fit: z.number().int().min(0),
  unfit: z.number().int().min(0),
  suspect: z.number().int().min(0),
  counterfeit: z.number().int().min(0),
  inked: z.number().int().min(0),
});
const ItemCounts = z.record(z.string().regex(/^type[A-Z]{3}[0-9.]+$/), ItemCount);
export const StorageUnit = z.strictObject({
  id: z.string().optional(),
  positionName: z.string().optional(),
  capacity: z.number().int().min(0).optional(),
  status: z.enum(['ok', 'inoperative', 'missing', 'notConfigured', 'manipulated']),
  cash: z
    .strictObject({
      capabilities: z.strictObject({ types: z.strictObject({ cashOut: z.boolean(), reject: z.boolean() }) }),
      configuration: z.strictObject({
        types: z.strictObject({ cashOut: z.boolean(), reject: z.boolean() }),
        currency: Currency.optional(),
        value: Amount.optional(),
      }),
      status: z.strictObject({
        initial: ItemCounts,
        out: z.strictObject({ presented: ItemCounts, rejected: ItemCounts }),
        in: z.strictObject({}),
        replenishmentStatus: z.enum(['ok', 'full', 'high', 'low', 'empty']),
      }),
    })
    .optional(),
  card: z
    .strictObject({
      capabilities: z.strictObject({ type: z.enum(['retain', 'dispense', 'park']) }),
      status: z.strictObject({
        initialCount: z.number().int().min(0),
        count: z.number().int().min(0),
        retainCount: z.number().int().min(0),
        replenishmentStatus: z.enum(['ok', 'full', 'high', 'low', 'empty']),
      }),
    })
    .optional(),
});

export const GetStorage = command('Storage.GetStorage', {
  completionVersion: '2.1',
  payload: Empty,
  completion: z.strictObject({ storage: z.record(UnitId, StorageUnit) }),
  immediate: true,
});
