/**
 * CashDispenser, CashManagement and Storage (shared/reference/xfs4iot.md §4.4): the rig's cash dispenser and its
 * cassettes. Amounts on the wire are in major units of the currency (`{"ZMW": 300}`), counts per storage unit.
 */
import { z } from 'zod';
import { command, Empty, event, UnitId } from './spec.ts';

export const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code');
export const Amount = z.number().min(0).max(1e9);

const Currencies = z.record(Currency, Amount);
const Counts = z.record(UnitId, z.number().int().min(0).max(10_000));
const MixId = z.string().regex(/^mix[A-Za-z0-9]{1,12}$/, 'a mix id, "mix…"');
export const POSITIONS = ['outDefault', 'outLeft', 'outRight', 'outCenter', 'outTop', 'outBottom', 'outFront', 'outRear'] as const;
const Position = z.enum(POSITIONS);

export const DenominateRequest = z.strictObject({
  denomination: z.strictObject({
    app: z.strictObject({ currencies: Currencies, counts: Counts }).optional(),
    service: z.strictObject({ currencies: Currencies, mix: MixId.optional(), partial: z.boolean().optional() }).optional(),
  }),
  tellerID: z.number().int().optional(),
});
export type DenominateRequest = z.infer<typeof DenominateRequest>;
export const Denomination = z.strictObject({ currencies: Currencies, values: Counts, cashBox: z.unknown().optional() });

const DENOMINATE_ERRORS = [
  'invalidCurrency',
  'invalidTellerID',
  'cashUnitError',
  'invalidDenomination',
  'invalidMixNumber',
  'noCurrencyMix',
  'notDispensable',
  'tooManyItems',
  'exchangeActive',
  'noCashBoxPresent',
  'amountNotInMixTable',
] as const;

export const Denominate = command('CashDispenser.Denominate', {
  version: '3.0',
  payload: z.strictObject({ request: DenominateRequest }),
  completion: z.strictObject({ result: Denomination.optional() }),
  errorCodes: DENOMINATE_ERRORS,
});

export const Dispense = command('CashDispenser.Dispense', {
  version: '3.0',
  payload: z.strictObject({ denomination: DenominateRequest, position: Position.optional(), token: z.string().max(4096).optional() }),
  completion: z.strictObject({ denomination: Denomination, bunches: z.union([z.string().regex(/^\d+$/), z.literal('unknown')]) }),
  errorCodes: [...DENOMINATE_ERRORS, 'unsupportedPosition', 'safeDoorOpen', 'itemsLeft', 'shutterOpen'],
});

export const Present = command('CashDispenser.Present', {
  payload: z.strictObject({ position: Position.optional() }),
  completion: z.strictObject({ position: z.strictObject({ position: Position, additionalBunches: z.string() }) }),
  errorCodes: [
    'shutterNotOpen',
    'shutterOpen',
    'noItems',
    'exchangeActive',
    'presentErrorNoItems',
    'presentErrorItems',
    'presentErrorUnknown',
    'unsupportedPosition',
  ],
});

export const GetMixTypes = command('CashDispenser.GetMixTypes', {
  payload: Empty,
  completion: z.strictObject({
    mixes: z.record(
      MixId,
      z.strictObject({ type: z.enum(['individual', 'algorithm', 'table']), algorithm: z.string().optional(), name: z.string() }),
    ),
  }),
  immediate: true,
});

export const IncompleteDispenseEvent = event(
  'CashDispenser.IncompleteDispenseEvent',
  z.strictObject({ currencies: Currencies, values: Counts }),
);
export const ItemsTakenEvent = event(
  'CashManagement.ItemsTakenEvent',
  z.strictObject({ position: Position, additionalBunches: z.string().optional() }),
  { unsolicited: true },
);

const Shutter = z.enum(['closed', 'open', 'jammedOpen', 'jammedPartiallyOpen', 'jammedClosed', 'jammedUnknown', 'unknown']);
export const CashDispenserStatus = z.strictObject({
  intermediateStacker: z.enum(['empty', 'notEmpty', 'notEmptyCustomer', 'notEmptyUnknown', 'unknown']),
  positions: z.array(z.strictObject({ position: Position, shutter: Shutter, positionStatus: z.enum(['empty', 'notEmpty', 'unknown']) })),
});
export const CashManagementStatus = z.strictObject({
  dispenser: z.enum(['ok', 'attention', 'stop', 'unknown']),
  acceptor: z.enum(['ok', 'attention', 'stop', 'unknown']),
});
export const CashDispenserCapabilities = z.strictObject({
  type: z.enum(['tellerBill', 'selfServiceBill', 'tellerCoin', 'selfServiceCoin']),
  maxDispenseItems: z.number().int().min(0),
  shutterControl: z.boolean(),
  itemsTakenSensor: z.boolean(),
  positions: z.array(Position),
});
