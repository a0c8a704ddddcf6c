/** What a command handler sees of the modem, and what it answers. */
import type { Command } from './command-line.ts';
import type { Failure } from './results.ts';
import type { Nvram, Settings } from './settings.ts';
import type { SmsStore } from './store.ts';

export interface Identity {
  /** ATI */
  product: string;
  manufacturer: string;
  model: string;
  revision: string;
  imei: string;
  imsi: string;
  iccid: string;
  operator: string;
  msisdn: string;
  lac: string;
  ci: string;
}

/** After `AT+CMGS`: the "> " prompt, and what the bytes up to Ctrl-Z are. */
export type SmsInput = { mode: 'text'; to: string; toType: number } | { mode: 'pdu'; length: number };

export interface Outcome {
  /** Information text lines. */
  lines?: string[];
  fail?: Failure;
  /** Enter SMS input (the rest of the line is not run). */
  input?: SmsInput;
  /** Runs once the answer is written (a reset after its OK). */
  after?: () => void;
}

export interface Modem {
  settings: Settings;
  /** The user profile AT&W saved. */
  saved: Settings;
  nvram: Nvram;
  readonly identity: Identity;
  readonly store: SmsStore;
  /** Registered on the network (and CFUN=1). */
  readonly registered: boolean;
  readonly smsReady: boolean;
  readonly signal: { rssi: number; ber: number };
  cfun: number;
  restart(): void;
}

export type Handler = (m: Modem, c: Command) => Outcome;

export const OK: Outcome = {};
