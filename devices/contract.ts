/**
 * Payload schemas of the topic contract, per device kind: what each command, event, simulated action and
 * state looks like. Devices and the controller validate with these at the boundary; a payload that fails
 * becomes an `evt/error`, never a crash.
 */
import { z } from 'zod';
import { KEY_PATTERN } from '../core/keys.ts';
import type { DeviceKind } from './topics.ts';

export const Key = z.string().regex(KEY_PATTERN, 'a digit, a letter A-Z, ENTER, CANCEL or CLEAR');
export const Pan = z.string().regex(/^\d{12,19}$/, 'a card number of 12 to 19 digits');
export const Msisdn = z.string().regex(/^\+\d{7,15}$/, 'a phone number in international format');
export const Finger = z.number().int().min(1).max(10);
export const Ref = z.string().min(1).max(80);
export const Notes = z.record(z.string().regex(/^\d+$/), z.number().int().nonnegative());
export const LcdLines = z.array(z.string().max(20)).length(4);
export const Cassette = z.object({ denomination: z.number().int().positive(), count: z.number().int().nonnegative() });

/** Every device's `evt/error`. */
export const DeviceError = z.object({ code: z.string(), message: z.string(), topic: z.string().optional() });
/** Every device's retained `state` carries at least this. */
export const BaseState = z.object({ online: z.boolean(), kind: z.string(), impl: z.string() });

export interface DeviceContract {
  cmd: Record<string, z.ZodType>;
  evt: Record<string, z.ZodType>;
  sim: Record<string, z.ZodType>;
}

const empty = z.object({}).strict();

export const CONTRACT = {
  card: {
    cmd: { eject: empty, retain: empty },
    evt: { inserted: z.object({ pan: Pan }), removed: empty, ejected: empty, retained: empty },
    sim: { insert: z.object({ pan: Pan }), remove: empty },
  },
  keypad: {
    cmd: {},
    evt: { key: z.object({ key: Key }) },
    sim: { press: z.object({ key: Key }) },
  },
  fingerprint: {
    cmd: {},
    evt: { captured: z.object({ template: z.string().min(16), quality: z.number().int().min(0).max(100) }) },
    sim: {
      /** A person places a finger: an enrolled customer's finger, or a stranger's (no customerId). `quality`
       *  below 100 simulates dirt, a cut or a damaged finger. */
      place: z.object({
        customerId: z.string().min(1).max(40).optional(),
        finger: Finger,
        quality: z.number().int().min(0).max(100).default(100),
        /** An artificial copy (wax, gelatine) of that finger. */
        spoof: z.boolean().default(false),
      }),
    },
  },
  lcd: {
    cmd: { show: z.object({ lines: LcdLines }), clear: empty },
    evt: {},
    sim: {},
  },
  gsm: {
    cmd: { send: z.object({ to: Msisdn, text: z.string().min(1).max(1024), ref: Ref }) },
    evt: {
      sent: z.object({ ref: Ref, mr: z.number().int() }),
      failed: z.object({ ref: Ref, cmsError: z.number().int(), message: z.string() }),
      /** An SMS to the modem's own number. */
      received: z.object({ from: z.string().max(20), text: z.string().max(1024) }),
    },
    sim: {
      network: z.object({ registered: z.boolean() }),
      /** Someone sends an SMS to the modem's number. */
      receive: z.object({ from: Msisdn, text: z.string().min(1).max(1024) }),
      /** Faults of the GSM path: delay every SMS, drop (lose) the next ones, or refuse with a +CMS ERROR. */
      fault: z.discriminatedUnion('mode', [
        z.object({ mode: z.literal('none') }),
        z.object({ mode: z.literal('delay'), ms: z.number().int().min(0).max(3_600_000) }),
        z.object({ mode: z.literal('drop') }),
        z.object({ mode: z.literal('error'), cmsError: z.number().int().min(0).max(999).default(500) }),
      ]),
    },
  },
  dispenser: {
    cmd: { dispense: z.object({ ref: Ref, amount: z.number().int().positive() }) },
    evt: {
      dispensed: z.object({ ref: Ref, amount: z.number().int().positive(), notes: Notes }),
      failed: z.object({ ref: Ref, reason: z.enum(['jam', 'cannot-make-amount', 'short', 'offline']), message: z.string() }),
      taken: empty,
    },
    sim: {
      jam: z.object({ on: z.boolean() }),
      /** The dispenser takes commands and never answers (a firmware hang): the ATM's dispense timeout must act. */
      hang: z.object({ on: z.boolean() }),
      /** The next dispenses reject this many notes each (worn, stuck together): the dispenser replaces up to
       *  3 from the cassette; more fails the dispense ("too many rejects"). 0 clears it. */
      rejects: z.object({ notes: z.number().int().min(0).max(40) }),
      take: empty,
      refill: z.object({ cassettes: z.array(Cassette).min(1).max(4) }),
    },
  },
} as const satisfies Record<DeviceKind, DeviceContract>;

export type Contract = typeof CONTRACT;
export type Payload<K extends DeviceKind, C extends keyof DeviceContract, N extends keyof Contract[K][C]> =
  Contract[K][C][N] extends z.ZodType ? z.infer<Contract[K][C][N]> : never;
