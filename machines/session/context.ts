/**
 * What the session machine remembers (its context) and the small pure helpers its regions share: money
 * formatting, the current tier, the keypad entries. No XState here, so screens.ts and tests can use it freely.
 */
import { changeableSecret, type AuthProfile, type Tier, type TransactionKind } from '../profiles.ts';
import type { EndReason, Entry, StatementEntry } from '../session.types.ts';
import type { MoneySettings } from '../../core/schemas.ts';

/**
 * The last error or hint, as a code: screens.ts turns it into LCD text. It stays on the LCD until the next one.
 * - `tier-failed`: an auth attempt failed; `reason` is the bank's or the tier's (`wrong-pin`, `expired`, ...).
 * - `unknown-card`: the bank does not know the card.
 * - `in-use-elsewhere`: the card's customer has a session open at another ATM.
 * - `amount-rule`: the amount is not a multiple of the smallest note or is over the maximum.
 * - `entries-differ`: the new secret and its confirmation differ.
 * - `dispenser`: the dispenser failed (`reason` is its own, or `timeout`).
 * - `card-not-taken`: the card was left in the slot and retained.
 */
export type Notice =
  | { code: 'tier-failed'; reason: string }
  | { code: 'unknown-card' }
  | { code: 'in-use-elsewhere' }
  | { code: 'amount-rule' }
  | { code: 'entries-differ' }
  | { code: 'dispenser'; reason: string }
  | { code: 'card-not-taken' };

/** What a transaction did, as data: screens.ts renders the result screen from it. Amounts are minor units. */
export type TxResult =
  | { kind: 'withdrawal'; amount: number; balance: number }
  | { kind: 'withdrawal-reversed' }
  | { kind: 'balance'; balance: number }
  | { kind: 'transfer'; amount: number; to: string; balance?: number }
  | { kind: 'secret-changed'; secret: 'pin' | 'password' }
  | { kind: 'secret-not-changed'; secret: 'pin' | 'password'; reason: string }
  | { kind: 'statement'; entries: StatementEntry[] }
  /** The bank refused a withdrawal or a transfer (`insufficient-funds`, `daily-limit`, ...). */
  | { kind: 'refused'; reason: string };

export interface SessionContext {
  profile: AuthProfile;
  atmId: string;
  money: MoneySettings;
  /** State of the seeded PRNG; advanced by every random draw. */
  rng: number;
  sessionId: string;
  tierIndex: number;
  /** Failed attempts in the current tier. */
  attempts: number;
  customerId?: string;
  accountId?: string;
  customerName?: string;
  pan?: string;
  cardInside: boolean;
  requestedFinger?: number;
  template?: string;
  otpId?: string;
  /** The reference of the OTP's SMS, to match the modem's answer. */
  smsRef?: string;
  entry: Entry;
  /** Values collected from finished entries, by field name. */
  fields: Record<string, string>;
  /** The last error or hint, shown on the LCD until the next one. */
  notice?: Notice;
  txSeq: number;
  withdrawal?: { ref: string; amount: number; withdrawalId?: string; notes?: Record<string, number> };
  /** What the last transaction did; the result screen shows it. */
  result?: TxResult;
  endReason?: EndReason;
  retainCard: boolean;
  /** Devices whose state says they are offline. */
  offline: string[];
}

/** A keypad entry, as the state that starts it describes it (the value starts empty). */
export type EntryParams = Omit<Entry, 'value'>;

export const EMPTY_ENTRY: Entry = { field: '', label: '', value: '', minLength: 0, maxLength: 0, charset: 'digits', masked: false };

export const TX_OPTIONS: Record<string, TransactionKind> = {
  '1': 'withdraw',
  '2': 'balance',
  '3': 'transfer',
  '4': 'change-secret',
  '5': 'statement',
};

export function currentTier(context: SessionContext): Tier | undefined {
  return context.profile.tiers[context.tierIndex];
}

export function tierMaxAttempts(context: SessionContext): number {
  return currentTier(context)?.maxAttempts ?? 1;
}

/** Major units typed on the keypad -> integer minor units. */
export function toMinor(major: string, minorDigits: number): number {
  return Number.parseInt(major, 10) * 10 ** minorDigits;
}

/** `12345` -> `123.45` (no currency). */
export function formatAmount(minor: number, minorDigits: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const scale = 10 ** minorDigits;
  const frac = minorDigits > 0 ? '.' + String(abs % scale).padStart(minorDigits, '0') : '';
  return `${sign}${Math.floor(abs / scale)}${frac}`;
}

/** `12345, 'ZMW'` -> `ZMW 123.45`. */
export function formatMoney(minor: number, currency: string, minorDigits: number): string {
  return `${currency} ${formatAmount(minor, minorDigits)}`;
}

/** One line per statement entry, 20 columns: `01-02 withdr -100.00`. The LCD and the receipt both print them. */
export function statementLines(entries: StatementEntry[], minorDigits: number): string[] {
  return entries.map((e) => {
    const date = new Date(e.ts).toISOString().slice(5, 10);
    const amount = formatAmount(e.amount, minorDigits);
    return `${date} ${e.type.slice(0, 6).padEnd(6)} ${amount}`.slice(0, 20);
  });
}

/** The amount the customer typed for this transaction, in minor units. */
export function typedAmount(context: SessionContext): number {
  return toMinor(context.fields.amount ?? '0', context.money.minorDigits);
}

/** The secret the change-secret transaction changes: the profile's PIN, else its password. */
export function secretKind(context: SessionContext): 'pin' | 'password' {
  return changeableSecret(context.profile);
}
