/**
 * The session machine's vocabulary: events in, effects and emitted events out, the ports it calls.
 * Kept apart from the machine so the controller and the tests can import types without the machine.
 */
import type { AuthProfile, TierKind, TransactionKind } from './profiles.ts';

import type { DeviceSessionEvent } from '../core/device-events.ts';
import type { MoneySettings } from '../core/schemas.ts';
export { CONTROL_KEYS, KEY_PATTERN, type Key } from '../core/keys.ts';

/** Everything the session takes is what its devices tell it (core/device-events.ts). */
export type SessionEvent = DeviceSessionEvent;

export type EndReason =
  | 'completed'
  | 'cancelled'
  | 'timeout'
  | 'lockout'
  | 'unknown-card'
  /** The bank has a session open for the card's customer at another ATM. */
  | 'in-use-elsewhere'
  | 'service-unavailable'
  /** The GSM modem refused the OTP's SMS (+CMS ERROR) or never answered. */
  | 'sms-failed';

/** What the session tells the world (published on atm/{atm}/session/evt/{type}). */
export type SessionEmitted =
  | { type: 'started'; sessionId: string; profile: string }
  | { type: 'tier-passed'; sessionId: string; tier: TierKind; index: number; customerId?: string }
  | { type: 'tier-failed'; sessionId: string; tier: TierKind; index: number; attempt: number; attemptsLeft: number; reason: string }
  | { type: 'authenticated'; sessionId: string; customerId: string }
  /** ENTER on an entry the ATM cannot take (an amount the notes cannot make, a new secret confirmed differently): it
   *  asks again. An event, as the session's state may read the same before and after. */
  | { type: 'entry-refused'; sessionId: string; field: string; reason: 'amount-rule' | 'entries-differ' }
  | { type: 'transaction'; sessionId: string; kind: TransactionKind; ok: boolean; amount?: number; reason?: string }
  | { type: 'receipt'; sessionId: string; ref: string; lines: string[] }
  | { type: 'ended'; sessionId: string; reason: EndReason; card?: 'ejected' | 'retained' };

// ---- ports: what the machine asks of the bank and the devices (provided by the controller) ----

export type { Identity, Verdict } from '../core/verdict.ts';
import type { Identity, Verdict } from '../core/verdict.ts';

export interface BankPorts {
  lookupCard(input: { pan: string }): Promise<Verdict<Identity>>;
  verifyCredentials(input: { username: string; password: string }): Promise<Verdict<Identity>>;
  verifySecret(input: { customerId: string; kind: 'pin' | 'password'; value: string }): Promise<Verdict>;
  /** 1:N when customerId is absent, 1:1 otherwise. Says which finger matched. */
  matchFingerprint(input: { template: string; customerId?: string }): Promise<Verdict<Identity & { finger: number }>>;
  /** Issues an OTP for the customer and has it sent by SMS; resolves once the modem accepted it. */
  /** Issue a code; the ATM texts `text` to `to` itself (its GSM modem is a device, not the bank's). */
  issueOtp(input: {
    customerId: string;
    length: number;
    alphabet: 'digits' | 'alphanumeric';
    ttlSeconds: number;
  }): Promise<{ otpId: string; to: string; text: string }>;
  /** reason is `wrong`, `expired` or `used` when not ok. */
  verifyOtp(input: { otpId: string; code: string }): Promise<Verdict>;
  getBalance(input: { accountId: string }): Promise<{ balance: number; currency: string }>;
  reserveWithdrawal(input: { accountId: string; amount: number; key: string }): Promise<Verdict<{ withdrawalId: string }>>;
  commitWithdrawal(input: { withdrawalId: string }): Promise<{ balance: number }>;
  reverseWithdrawal(input: { withdrawalId: string }): Promise<{ balance: number }>;
  transfer(input: { accountId: string; to: string; amount: number; key: string }): Promise<Verdict<{ balance: number }>>;
  changeSecret(input: { customerId: string; kind: 'pin' | 'password'; current: string; next: string }): Promise<Verdict>;
  miniStatement(input: { accountId: string; limit: number }): Promise<{ entries: StatementEntry[] }>;
}

export interface StatementEntry {
  ts: number;
  type: string;
  /** Signed minor units: negative for money out. */
  amount: number;
}

export interface SessionInput {
  profile: AuthProfile;
  atmId: string;
  /** Seed for the machine's own randomness (the requested finger, session ids). */
  seed: number;
  /** The currency, its minor digits, the withdrawal step (the smallest note) and the largest withdrawal. */
  money: MoneySettings;
}

/** What the keypad is currently collecting. */
export interface Entry {
  field: string;
  label: string;
  value: string;
  minLength: number;
  maxLength: number;
  charset: 'digits' | 'alphanumeric';
  masked: boolean;
}
