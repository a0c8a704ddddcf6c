/**
 * The bank's records and the schemas of its API, in one place so the stored file, the routes and the OpenAPI
 * document cannot drift apart. Money is always integer minor units (cents, ngwee).
 */
import { z } from 'zod';

export const CustomerId = z.string().regex(/^C\d{4,}$/, 'a customer id such as C0001');
export const AccountNumber = z.string().regex(/^\d{10}$/, 'a 10-digit account number');
// One schema per concept: the card number, phone and finger the bank checks are the ones the bus carries.
export { Finger, Msisdn, Pan } from '../../core/schemas.ts';
import { Finger, Msisdn, Pan } from '../../core/schemas.ts';
export const MinorUnits = z.number().int().min(1).max(1_000_000_000);
export const Template = z
  .string()
  .min(16)
  .max(8192)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');
export const Pin = z.string().regex(/^\d{4,12}$/, '4 to 12 digits');
export const Password = z.string().regex(/^[A-Z0-9]{4,16}$/, '4 to 16 upper-case letters or digits');
export const Username = z.string().regex(/^[A-Z0-9]{1,12}$/, '1 to 12 upper-case letters or digits (what a keypad can type)');
export const IdempotencyKey = z.string().min(8).max(128);

export const KycSchema = z.object({
  name: z.string().min(1).max(80),
  phone: Msisdn,
  email: z.email().max(120),
  address: z.string().min(1).max(200),
  city: z.string().min(1).max(60),
  gender: z.enum(['female', 'male', 'other', 'undisclosed']),
  dateOfBirth: z.iso.date(),
});

export const CustomerRecord = KycSchema.extend({
  id: CustomerId,
  username: Username.optional(),
  pinHash: z.string().optional(),
  passwordHash: z.string().optional(),
  /** Consecutive failed checks of each factor, across sessions: a correct password does not excuse wrong PINs. */
  failures: z.object({ pin: z.number().int().nonnegative().optional(), password: z.number().int().nonnegative().optional() }).optional(),
  /** Files before 0.2 counted one streak for both factors; read, then replaced by `failures`. */
  failedSecrets: z.number().int().nonnegative().optional(),
  /** When each factor was locked (its failures reached the bank's limit); only staff can clear them. A locked
   *  password does not lock the PIN: a stranger guessing at the web login cannot stop the card and PIN. */
  locks: z.object({ pin: z.number().optional(), password: z.number().optional() }).optional(),
  /** Files before 0.2 locked the whole customer; read as both factors locked. */
  lockedAt: z.number().optional(),
  /** Who created the record when it was not staff or the customer: seeding touches only its own customers. */
  seededBy: z.enum(['demo', 'population']).optional(),
  createdAt: z.number(),
});
export type Customer = z.infer<typeof CustomerRecord>;

export const AccountRecord = z.object({
  number: AccountNumber,
  customerId: CustomerId,
  currency: z.string().length(3),
  /** Ledger balance: what has settled. Holds are subtracted for the available balance. */
  balance: z.number().int(),
  createdAt: z.number(),
});
export type Account = z.infer<typeof AccountRecord>;

export const CardRecord = z.object({
  pan: Pan,
  customerId: CustomerId,
  account: AccountNumber,
  provider: z.enum(['visa', 'mastercard', 'unionpay', 'local']),
  status: z.enum(['active', 'blocked']),
  issuedAt: z.number(),
});
export type Card = z.infer<typeof CardRecord>;

export const FingerRecord = z.object({ customerId: CustomerId, finger: Finger, template: Template, enrolledAt: z.number() });
export type FingerEnrolment = z.infer<typeof FingerRecord>;

export const OtpRecord = z.object({
  id: z.string(),
  customerId: CustomerId,
  codeHash: z.string(),
  expiresAt: z.number(),
  usedAt: z.number().optional(),
  failures: z.number().int(),
  createdAt: z.number(),
});
export type Otp = z.infer<typeof OtpRecord>;

export const LEDGER_TYPES = ['deposit', 'withdrawal', 'transfer-in', 'transfer-out', 'balance', 'change-pin', 'change-password'] as const;
export const LedgerRecord = z.object({
  id: z.string(),
  account: AccountNumber,
  ts: z.number(),
  type: z.enum(LEDGER_TYPES),
  /** Signed minor units: negative for money out, 0 for inquiries and secret changes. */
  amount: z.number().int(),
  balanceAfter: z.number().int(),
  ref: z.string().optional(),
  counterparty: z.string().optional(),
});
export type LedgerEntry = z.infer<typeof LedgerRecord>;

export const HoldRecord = z.object({
  id: z.string(),
  account: AccountNumber,
  amount: z.number().int().positive(),
  key: z.string(),
  /** The ATM that reserved it: the one ATM that may settle it. */
  atm: z.string().optional(),
  status: z.enum(['reserved', 'committed', 'reversed']),
  createdAt: z.number(),
  settledAt: z.number().optional(),
  /** Who settled it: the ATM after dispensing, staff, or the restart rule for holds a crash left open. */
  settledBy: z.enum(['atm', 'staff', 'restart']).optional(),
  /** The balance its settlement left: what a settlement asked again answers. */
  balanceAfter: z.number().int().optional(),
});
export type Hold = z.infer<typeof HoldRecord>;

export const BankDataSchema = z.object({
  version: z.literal(1),
  counters: z.object({
    customer: z.number().int(),
    account: z.number().int(),
    entry: z.number().int(),
    otp: z.number().int(),
    hold: z.number().int(),
  }),
  customers: z.array(CustomerRecord),
  accounts: z.array(AccountRecord),
  cards: z.array(CardRecord),
  fingers: z.array(FingerRecord),
  otps: z.array(OtpRecord),
  ledger: z.array(LedgerRecord),
  holds: z.array(HoldRecord),
  /** Branch staff who may use the /staff routes; passwords as scrypt hashes. */
  staff: z.array(z.object({ username: z.string(), passwordHash: z.string(), createdAt: z.number() })).default([]),
  /** Results of money operations by `<operation> <account> <key>`, with what was asked, so a replay returns the
   *  first answer and a different request under the same key is refused. */
  idempotency: z.record(z.string(), z.unknown()),
  /** The ATMs (bank clients) allowed to call the ATM routes; their keys as scrypt hashes. */
  clients: z.array(z.object({ id: z.string(), keyHash: z.string(), createdAt: z.number() })).default([]),
});
export type BankData = z.infer<typeof BankDataSchema>;

export function emptyBank(): BankData {
  return {
    version: 1,
    counters: { customer: 0, account: 1_000_000_000, entry: 0, otp: 0, hold: 0 },
    customers: [],
    accounts: [],
    cards: [],
    fingers: [],
    otps: [],
    ledger: [],
    holds: [],
    staff: [],
    idempotency: {},
    clients: [],
  };
}

/** Business refusals: the request was well formed but the bank says no. Routes map them to HTTP statuses. */
export class BankError extends Error {
  constructor(
    readonly code:
      | 'not-found'
      | 'unknown-account'
      | 'insufficient-funds'
      | 'daily-limit'
      | 'same-account'
      | 'conflict'
      | 'not-enrolled'
      | 'invalid-state'
      | 'idempotency-key-reused',
    message: string,
  ) {
    super(message);
    this.name = 'BankError';
  }
}

/** Mask all but the last four digits: what logs and most responses show of a PAN or phone number. */
export function mask(value: string, keep = 4): string {
  return value.length <= keep ? value : '*'.repeat(value.length - keep) + value.slice(-keep);
}
