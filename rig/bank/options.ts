/** What the bank is made with (index.ts's createBankService): its store, clock, randomness and rules. */
import type { RigClock } from '../../core/clock.ts';
import type { Random } from '../../core/random.ts';
import type { HashCost, SecretSource } from './secrets.ts';
import type { BankStore } from './store.ts';

export interface BankOptions {
  store: BankStore;
  clock: RigClock;
  /** Seeded: card numbers and other data a replay must reproduce. */
  random: Random;
  /** Where OTP codes come from: a CSPRNG, or the seeded stream only in deterministic test runs. */
  secrets: SecretSource;
  hashCost: HashCost;
  currency: string;
  /** Most a customer may withdraw per calendar day (UTC), in minor units. */
  dailyWithdrawalLimit: number;
  /** An OTP code may be tried this many times before it is spent. */
  otpMaxFailures: number;
  /** Consecutive failed checks of one factor, across sessions, that lock it until staff unlock. */
  lockAfterFailures: number;
}
