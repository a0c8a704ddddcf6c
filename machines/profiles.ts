/**
 * Auth profiles: which authentication tiers a session runs, in which order, with which limits.
 * A profile is data (validated by AuthProfileSchema), so a custom profile is just a JSON file.
 * See docs/profiles.md for the built-ins and how to write one.
 */
import { z } from 'zod';
import { readJsonFile } from '../core/json.ts';
import { strictObject, unknownDiscriminator } from '../core/strict-schema.ts';
import { didYouMean } from '../core/suggest.ts';

const maxAttempts = z.number().int().min(1).max(10).default(3);

export const CardTierSchema = strictObject({
  kind: z.literal('card'),
  maxAttempts: z.number().int().min(1).max(10).default(1),
});

export const CredentialsTierSchema = strictObject({
  kind: z.literal('username+password'),
  maxAttempts,
  usernameMaxLength: z.number().int().min(1).max(20).default(12),
  passwordLength: z.number().int().min(4).max(16).default(6),
});

export const FingerprintTierSchema = strictObject({
  kind: z.literal('fingerprint'),
  maxAttempts,
  /** `random`: the ATM asks for one finger 1-10 and only that finger passes; `any`: any enrolled finger. */
  request: z.enum(['random', 'any']).default('random'),
  /** `1:N` identifies the customer from the whole library; `1:1` verifies the already identified customer.
   *  `auto` picks 1:1 when an earlier tier identified the customer, 1:N otherwise. */
  match: z.enum(['auto', '1:N', '1:1']).default('auto'),
});

export const PinTierSchema = strictObject({
  kind: z.literal('pin'),
  maxAttempts,
  length: z.number().int().min(4).max(12).default(4),
});

export const PasswordTierSchema = strictObject({
  kind: z.literal('password'),
  maxAttempts,
  length: z.number().int().min(4).max(16).default(6),
});

export const OtpTierSchema = strictObject({
  kind: z.literal('otp'),
  maxAttempts,
  length: z.number().int().min(4).max(10).default(6),
  alphabet: z.enum(['digits', 'alphanumeric']).default('digits'),
  /** How long a code stays valid after it is issued. */
  ttlSeconds: z.number().int().min(10).max(3600).default(120),
});

const TIER_SCHEMAS = [
  CardTierSchema,
  CredentialsTierSchema,
  FingerprintTierSchema,
  PinTierSchema,
  PasswordTierSchema,
  OtpTierSchema,
] as const;
export const TierSchema = z.discriminatedUnion('kind', TIER_SCHEMAS, {
  error: unknownDiscriminator(
    'kind',
    TIER_SCHEMAS.map((t) => t.shape.kind.value),
  ),
});
export type Tier = z.infer<typeof TierSchema>;
export type TierKind = Tier['kind'];

/** The longest timeout a profile may set: a day. Node runs a timer past 2^31 ms (24.8 days) at once. */
const DAY_MS = 86_400_000;

export const TRANSACTIONS = ['withdraw', 'balance', 'transfer', 'change-secret', 'statement'] as const;
export type TransactionKind = (typeof TRANSACTIONS)[number];

export const AuthProfileSchema = strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1).max(80),
  description: z.string().max(2000).default(''),
  tiers: z.array(TierSchema).min(1).max(8),
  /** What happens to the card when a tier runs out of attempts. */
  onLockout: z.enum(['eject', 'retain']).default('eject'),
  transactions: z
    .array(z.enum(TRANSACTIONS))
    .min(1)
    .default([...TRANSACTIONS]),
  timeouts: strictObject({
    /** No key, finger or card for this long in a waiting state ends the session. */
    inputMs: z.number().int().min(1000).max(DAY_MS).default(30_000),
    /** A card left in the slot this long after the session is retained. */
    cardTakeMs: z.number().int().min(1000).max(DAY_MS).default(30_000),
    /** How long a closing message stays on screen before the ATM is idle again. */
    messageMs: z.number().int().min(0).max(DAY_MS).default(3_000),
    /** The dispenser must report within this long. */
    dispenseMs: z.number().int().min(1000).max(DAY_MS).default(60_000),
    /** The GSM modem must accept the OTP's SMS within this long (a SIM800 may take up to a minute). */
    smsMs: z.number().int().min(1000).max(DAY_MS).default(70_000),
  }).prefault({}),
}).superRefine((profile, ctx) => {
  // Every tier after the first needs to know who the customer is; only some tiers can tell.
  let identified = false;
  profile.tiers.forEach((tier, i) => {
    if (tier.kind === 'card' && i !== 0) {
      ctx.addIssue({ code: 'custom', path: ['tiers', i], message: 'a card tier can only be the first tier' });
    }
    const needsIdentity =
      tier.kind === 'pin' || tier.kind === 'password' || tier.kind === 'otp' || (tier.kind === 'fingerprint' && tier.match === '1:1');
    if (needsIdentity && !identified) {
      ctx.addIssue({
        code: 'custom',
        path: ['tiers', i],
        message: `a ${tier.kind} tier needs an earlier tier that identifies the customer (card, username+password or a 1:N fingerprint)`,
      });
    }
    if (tier.kind === 'card' || tier.kind === 'username+password' || tier.kind === 'fingerprint') identified = true;
  });
  if (profile.tiers.filter((t) => t.kind === 'card').length > 1) {
    ctx.addIssue({ code: 'custom', path: ['tiers'], message: 'at most one card tier' });
  }
  // A card number and a finger are not secrets, and an OTP's code passes through the ATM's own modem: only a PIN or a
  // password proves to the bank that the customer is at this ATM, not someone with the ATM's key (docs/security.md).
  if (!profile.tiers.some((t) => t.kind === 'pin' || t.kind === 'password' || t.kind === 'username+password')) {
    ctx.addIssue({
      code: 'custom',
      path: ['tiers'],
      message:
        "needs a pin, password or username+password tier: the bank lets an ATM act on a customer's accounts only after a secret the ATM cannot see (a card, a finger or an OTP the ATM itself texts is not one)",
    });
  }
});
export type AuthProfile = z.infer<typeof AuthProfileSchema>;
export type AuthProfileInput = z.input<typeof AuthProfileSchema>;

/** Cardless, from the random-finger design: finger 1-10 at random (1:N), 4-digit PIN, 6-digit OTP by SMS. */
const seed001: AuthProfileInput = {
  id: 'seed001',
  name: 'Random finger + PIN + SMS OTP (cardless)',
  description:
    'The ATM asks for one of the ten enrolled fingers chosen at random and identifies the customer from it; ' +
    'any other finger, even the owner\'s, is "Wrong finger". Then the 4-digit PIN, then a 6-digit OTP sent by SMS.',
  tiers: [
    { kind: 'fingerprint', request: 'random', match: '1:N' },
    { kind: 'pin', length: 4 },
    { kind: 'otp', length: 6, alphabet: 'digits' },
  ],
};

/** Card, 6-character alphanumeric password, fingerprint 1:1 against the card holder, 8-character OTP. */
const seed002: AuthProfileInput = {
  id: 'seed002',
  name: 'Card + password + fingerprint + OTP (three-tier)',
  description:
    'The card identifies the customer; then a 6-character alphanumeric password, a fingerprint verified 1:1 ' +
    'against the card holder and an 8-character OTP. Three attempts per tier, then the session ends and the ' +
    'card is ejected.',
  tiers: [
    { kind: 'card' },
    { kind: 'password', length: 6 },
    { kind: 'fingerprint', request: 'any', match: '1:1' },
    { kind: 'otp', length: 8, alphabet: 'alphanumeric' },
  ],
  onLockout: 'eject',
};

/** The web ATM design at a physical terminal: username + password, then any enrolled finger. */
const seed000: AuthProfileInput = {
  id: 'seed000',
  name: 'Username + password + fingerprint (web ATM)',
  description: 'Log in with username and password typed on the keypad, then any enrolled finger verified 1:1.',
  tiers: [
    { kind: 'username+password', passwordLength: 6 },
    { kind: 'fingerprint', request: 'any', match: '1:1' },
  ],
};

export const BUILT_IN_PROFILES: Readonly<Record<string, AuthProfile>> = Object.freeze(
  Object.fromEntries([seed000, seed001, seed002].map((p) => [p.id, AuthProfileSchema.parse(p)])),
);

/** A built-in profile by id, or a custom profile from a JSON file path. */
export async function loadProfile(idOrPath: string): Promise<AuthProfile> {
  const builtIn = BUILT_IN_PROFILES[idOrPath];
  if (builtIn) return builtIn;
  if (!idOrPath.endsWith('.json')) {
    throw new Error(
      `unknown profile "${idOrPath}"${didYouMean(idOrPath, Object.keys(BUILT_IN_PROFILES))}: use ${Object.keys(BUILT_IN_PROFILES).join(', ')} or a .json file`,
    );
  }
  return parseProfile(await readJsonFile(idOrPath, 'auth profile'), idOrPath);
}

export function parseProfile(data: unknown, source = 'profile'): AuthProfile {
  const result = AuthProfileSchema.safeParse(data);
  if (!result.success) {
    throw new Error(`invalid auth profile in ${source}:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** The fingerprint tier's effective matching mode at position `index`. */
export function fingerprintMode(profile: AuthProfile, index: number): '1:N' | '1:1' {
  const tier = profile.tiers[index];
  if (tier?.kind !== 'fingerprint') throw new Error(`tier ${index} is not a fingerprint tier`);
  if (tier.match !== 'auto') return tier.match;
  const identifiedBefore = profile.tiers
    .slice(0, index)
    .some((t) => t.kind === 'card' || t.kind === 'username+password' || t.kind === 'fingerprint');
  return identifiedBefore ? '1:1' : '1:N';
}

/** The secret the "change" transaction changes: the profile's PIN, else its password. */
export function changeableSecret(profile: AuthProfile): 'pin' | 'password' {
  return profile.tiers.some((t) => t.kind === 'pin') ? 'pin' : 'password';
}
