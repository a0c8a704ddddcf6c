/**
 * One schema per concept the bank, the devices and the session share: a card number is a card number wherever it
 * travels, so it is checked by the same rule on the bus and at the bank. Types come from the schemas.
 */
import { z } from 'zod';
import { KEY_PATTERN } from './keys.ts';

export const Pan = z.string().regex(/^\d{12,19}$/, 'a card number of 12 to 19 digits');
/** E.164: a plus and 7 to 15 digits. */
export const MSISDN_PATTERN = /^\+\d{7,15}$/;
export const Msisdn = z.string().regex(MSISDN_PATTERN, 'a phone number in international format, e.g. +260971000001');
/** ANSI/NIST finger positions: 1 right thumb ... 5 right little, 6 left thumb ... 10 left little. */
export const Finger = z.number().int().min(1).max(10);
export const FINGER_NAMES = [
  '',
  'right thumb',
  'right index',
  'right middle',
  'right ring',
  'right little',
  'left thumb',
  'left index',
  'left middle',
  'left ring',
  'left little',
] as const;
export const Key = z.string().regex(KEY_PATTERN, 'a digit, a letter A-Z, ENTER, CANCEL, CLEAR or an FDK (FDKA-FDKD, FDKF-FDKI)');
/** A reference the sender chooses to match an answer to its command. */
export const Ref = z.string().min(1).max(80);
/** Notes by denomination (minor units as the key). */
export const Notes = z.record(z.string().regex(/^\d+$/), z.number().int().nonnegative());
export const Cassette = z.object({ denomination: z.number().int().positive(), count: z.number().int().nonnegative() });
export type Cassette = z.infer<typeof Cassette>;

/** How the ATM's money is shown and stepped: one object, not loose fields in five places. */
export const MoneySettings = z.object({
  currency: z.string().length(3),
  /** Digits after the decimal point: 2 for cents/ngwee. */
  minorDigits: z.number().int().min(0).max(3),
  /** Every withdrawal is a multiple of this (minor units): the smallest note the dispenser can make it from. */
  amountStep: z.number().int().positive(),
  /** The largest single withdrawal, in minor units. */
  maxWithdrawal: z.number().int().positive(),
});
export type MoneySettings = z.infer<typeof MoneySettings>;
