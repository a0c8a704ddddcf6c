/**
 * The ATM session statechart.
 *
 * idle -> session (auth tiers in profile order -> menu -> transaction -> result -> menu | end) -> ending -> idle
 *
 * Pure logic: the bank and the devices are reached only through the actors and actions named in `setup`,
 * which the controller supplies with `machine.provide(...)`; time comes from the actor's clock (XState's
 * `SimulatedClock` in tests); randomness from a seed kept in the context. Rendering (the LCD) is derived from
 * the snapshot by `screens.ts`, not pushed by actions.
 */
import { and, assign, emit, fromPromise, not, setup } from 'xstate';
import { changeableSecret, fingerprintMode, type AuthProfile, type Tier, type TierKind, type TransactionKind } from './profiles.ts';
import { nextInt } from '../core/random.ts';
import type {
  BankPorts,
  EndReason,
  Entry,
  Identity,
  SessionEmitted,
  SessionEvent,
  SessionInput,
  StatementEntry,
  Verdict,
} from './session.types.ts';

export interface SessionContext {
  profile: AuthProfile;
  atmId: string;
  amountStep: number;
  maxWithdrawal: number;
  currency: string;
  minorDigits: number;
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
  entry: Entry;
  /** Values collected from finished entries, by field name. */
  fields: Record<string, string>;
  /** The last error or hint, shown on the LCD until the next one. */
  notice?: string;
  txSeq: number;
  withdrawal?: { ref: string; amount: number; withdrawalId?: string; notes?: Record<string, number> };
  /** What the result screen shows after a transaction. */
  result?: { title: string; lines: string[] };
  endReason?: EndReason;
  retainCard: boolean;
  /** Devices whose state says they are offline. */
  offline: string[];
}

const EMPTY_ENTRY: Entry = { field: '', label: '', value: '', minLength: 0, maxLength: 0, charset: 'digits', masked: false };

/** Bank ports as XState promise actors; the defaults refuse, so a missing `provide` fails loudly. */
function port<K extends keyof BankPorts>(name: K) {
  type In = Parameters<BankPorts[K]>[0];
  type Out = Awaited<ReturnType<BankPorts[K]>>;
  return fromPromise<Out, In>(async () => {
    throw new Error(`session machine: bank port "${name}" was not provided`);
  });
}

export const TX_OPTIONS: Record<string, TransactionKind> = {
  '1': 'withdraw',
  '2': 'balance',
  '3': 'transfer',
  '4': 'change-secret',
  '5': 'statement',
};

function currentTier(context: SessionContext): Tier | undefined {
  return context.profile.tiers[context.tierIndex];
}

function tierIs(kind: TierKind) {
  return ({ context }: { context: SessionContext }) => currentTier(context)?.kind === kind;
}

function tierMaxAttempts(context: SessionContext): number {
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

const failureText: Record<string, string> = {
  'wrong-finger': 'Wrong finger',
  'no-match': 'Finger not matched',
  'wrong-pin': 'Incorrect PIN',
  'wrong-password': 'Wrong password',
  'wrong-credentials': 'Login failed',
  wrong: 'Wrong OTP',
  expired: 'OTP expired',
  used: 'OTP already used',
  locked: 'Account locked',
};

type Ev<T extends SessionEvent['type']> = Extract<SessionEvent, { type: T }>;
type EntryParams = Omit<Entry, 'value'>;

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
    emitted: {} as SessionEmitted,
  },
  actors: {
    lookupCard: port('lookupCard'),
    verifyCredentials: port('verifyCredentials'),
    verifySecret: port('verifySecret'),
    matchFingerprint: port('matchFingerprint'),
    sendOtp: port('sendOtp'),
    verifyOtp: port('verifyOtp'),
    getBalance: port('getBalance'),
    reserveWithdrawal: port('reserveWithdrawal'),
    commitWithdrawal: port('commitWithdrawal'),
    reverseWithdrawal: port('reverseWithdrawal'),
    transfer: port('transfer'),
    changeSecret: port('changeSecret'),
    miniStatement: port('miniStatement'),
  },
  delays: {
    input: ({ context }) => context.profile.timeouts.inputMs,
    /** Waiting for an SMS is not inactivity: the OTP entry lasts the code's lifetime plus the usual input time. */
    otpInput: ({ context }) => {
      const tier = currentTier(context);
      return context.profile.timeouts.inputMs + (tier?.kind === 'otp' ? tier.ttlSeconds * 1000 : 0);
    },
    cardTake: ({ context }) => context.profile.timeouts.cardTakeMs,
    message: ({ context }) => context.profile.timeouts.messageMs,
    dispense: ({ context }) => context.profile.timeouts.dispenseMs,
  },
  guards: {
    isKey: ({ event }, params: { key: string }) => event.type === 'KEY' && event.key === params.key,
    cardProfile: ({ context }) => context.profile.tiers[0]?.kind === 'card',
    allTiersPassed: ({ context }) => context.tierIndex >= context.profile.tiers.length,
    tierIsCard: tierIs('card'),
    tierIsCredentials: tierIs('username+password'),
    tierIsFingerprint: tierIs('fingerprint'),
    tierIsPin: tierIs('pin'),
    tierIsPassword: tierIs('password'),
    tierIsOtp: tierIs('otp'),
    /** The failure being handled is the last attempt the tier allows. */
    lastAttempt: ({ context }) => context.attempts + 1 >= tierMaxAttempts(context),
    acceptsKey: ({ context, event }) => {
      if (event.type !== 'KEY' || event.key.length !== 1) return false;
      const { entry } = context;
      if (entry.value.length >= entry.maxLength) return false;
      return entry.charset === 'alphanumeric' ? /^[0-9A-Z]$/.test(event.key) : /^[0-9]$/.test(event.key);
    },
    entryComplete: ({ context }) =>
      context.entry.value.length >= context.entry.minLength && context.entry.value.length <= context.entry.maxLength,
    verdictOk: ({ event }) => (event as unknown as { output: Verdict }).output.ok,
    fingerAccepted: ({ context, event }) => {
      const out = (event as unknown as { output: Verdict<Identity & { finger: number }> }).output;
      if (!out.ok) return false;
      if (context.customerId && out.customerId !== context.customerId) return false;
      return context.requestedFinger === undefined || out.finger === context.requestedFinger;
    },
    bankLocked: ({ event }) => {
      const out = (event as unknown as { output: Verdict }).output;
      return !out.ok && out.reason === 'locked';
    },
    otpNeedsNewCode: ({ event }) => {
      const out = (event as unknown as { output: Verdict }).output;
      return !out.ok && (out.reason === 'expired' || out.reason === 'used');
    },
    amountValid: ({ context }) => {
      const amount = toMinor(context.entry.value, context.minorDigits);
      return amount > 0 && amount % context.amountStep === 0 && amount <= context.maxWithdrawal;
    },
    /** The key picks this transaction and the profile offers it. */
    chooses: ({ context, event }, params: { kind: string }) =>
      event.type === 'KEY' &&
      TX_OPTIONS[event.key] === params.kind &&
      context.profile.transactions.includes(params.kind as TransactionKind),
    confirmMatches: ({ context }) => context.entry.value === context.fields.next,
    ownDispense: ({ context, event }) =>
      (event.type === 'DISPENSED' || event.type === 'DISPENSE_FAILED') && event.ref === context.withdrawal?.ref,
    /** A device the profile needs is offline (a cardless ATM does not need its card reader). */
    deviceMissing: ({ context }) =>
      context.offline.some((d) => d !== 'card' || context.profile.tiers.some((t) => t.kind === 'card')),
    shouldRetainCard: ({ context }) => context.cardInside && context.retainCard,
    cardInside: ({ context }) => context.cardInside,
  },
  actions: {
    trackDevice: assign(({ context, event }) => {
      const e = event as Ev<'DEVICE_STATUS'>;
      const others = context.offline.filter((d) => d !== e.device);
      return { offline: e.online ? others : [...others, e.device] };
    }),

    // Device effects: no-ops here, the controller provides the real commands.
    ejectCard: () => {},
    retainCard: () => {},
    dispense: (_, _params: { ref: string; amount: number }) => {},

    startSession: assign(({ context }) => {
      // Draw order matters for replay: session id first, then (in a random-finger tier) the finger.
      // `firstRequestedFinger` below mirrors it.
      const [n, rng] = nextInt(context.rng, 0, 0xffffff);
      return {
        rng,
        sessionId: `${context.atmId}-${n.toString(16).padStart(6, '0')}`,
        tierIndex: 0,
        attempts: 0,
        fields: {},
        txSeq: 0,
        notice: undefined,
        endReason: undefined,
        retainCard: false,
      };
    }),
    emitStarted: emit(({ context }) => ({ type: 'started' as const, sessionId: context.sessionId, profile: context.profile.id })),
    storeCard: assign(({ event }) => ({ pan: (event as Ev<'CARD_INSERTED'>).pan, cardInside: true })),
    resetSession: assign({
      tierIndex: 0,
      attempts: 0,
      customerId: undefined,
      accountId: undefined,
      customerName: undefined,
      pan: undefined,
      cardInside: false,
      requestedFinger: undefined,
      template: undefined,
      otpId: undefined,
      entry: EMPTY_ENTRY,
      fields: {},
      notice: undefined,
      withdrawal: undefined,
      result: undefined,
      endReason: undefined,
      retainCard: false,
    }),

    // Keypad entry
    beginEntry: assign((_, params: EntryParams) => ({ entry: { ...params, value: '' } })),
    typeKey: assign(({ context, event }) => ({
      entry: { ...context.entry, value: context.entry.value + (event as Ev<'KEY'>).key },
    })),
    clearEntry: assign(({ context }) => ({ entry: { ...context.entry, value: '' } })),
    keepEntry: assign(({ context }) => ({ fields: { ...context.fields, [context.entry.field]: context.entry.value } })),
    clearNotice: assign({ notice: undefined }),
    setNotice: assign((_, params: { text: string }) => ({ notice: params.text })),

    // Tiers
    identify: assign(({ event }) => {
      const out = (event as unknown as { output: Identity & { ok: true } }).output;
      return { customerId: out.customerId, accountId: out.accountId, customerName: out.name };
    }),
    passTier: assign(({ context }) => ({ tierIndex: context.tierIndex + 1, attempts: 0, notice: undefined, requestedFinger: undefined })),
    emitTierPassed: emit(({ context }) => ({
      type: 'tier-passed' as const,
      sessionId: context.sessionId,
      // passTier already ran, so the tier just passed is the previous one
      tier: context.profile.tiers[context.tierIndex - 1]!.kind,
      index: context.tierIndex - 1,
      customerId: context.customerId,
    })),
    failTier: assign(({ context }, params: { reason: string }) => {
      // The attempts left are shown on their own line (screens.ts), so the notice stays short enough for 20 columns.
      return { attempts: context.attempts + 1, notice: failureText[params.reason] ?? params.reason };
    }),
    emitTierFailed: emit(({ context }, params: { reason: string }) => ({
      type: 'tier-failed' as const,
      sessionId: context.sessionId,
      tier: currentTier(context)!.kind,
      index: context.tierIndex,
      attempt: context.attempts,
      attemptsLeft: tierMaxAttempts(context) - context.attempts,
      reason: params.reason,
    })),
    lockout: assign(({ context }) => ({ endReason: 'lockout' as const, retainCard: context.profile.onLockout === 'retain' })),
    /** The bank locked the customer after repeated failures across sessions: abuse, so any card is kept. */
    accountLocked: assign({ endReason: 'lockout' as const, retainCard: true }),
    pickFinger: assign(({ context }) => {
      const tier = currentTier(context);
      if (tier?.kind !== 'fingerprint' || tier.request !== 'random') return { requestedFinger: undefined };
      const [finger, rng] = nextInt(context.rng, 1, 10);
      return { requestedFinger: finger, rng };
    }),
    keepTemplate: assign(({ event }) => ({ template: (event as Ev<'FINGER'>).template })),
    keepOtp: assign(({ event }) => ({ otpId: (event as unknown as { output: { otpId: string } }).output.otpId })),

    // Transactions
    nextTx: assign(({ context }) => ({ txSeq: context.txSeq + 1, result: undefined, notice: undefined, fields: {} })),
    planWithdrawal: assign(({ context }) => ({
      withdrawal: {
        ref: `${context.sessionId}-${context.txSeq}`,
        amount: toMinor(context.fields.amount ?? '0', context.minorDigits),
      },
    })),
    keepWithdrawalId: assign(({ context, event }) => ({
      withdrawal: { ...context.withdrawal!, withdrawalId: (event as unknown as { output: { withdrawalId: string } }).output.withdrawalId },
    })),
    keepNotes: assign(({ context, event }) => ({ withdrawal: { ...context.withdrawal!, notes: (event as Ev<'DISPENSED'>).notes } })),
    setResult: assign((_, params: { title: string; lines?: string[] }) => ({ result: { title: params.title, lines: params.lines ?? [] } })),
    emitTransaction: emit(({ context }, params: { kind: TransactionKind; ok: boolean; reason?: string }) => ({
      type: 'transaction' as const,
      sessionId: context.sessionId,
      kind: params.kind,
      ok: params.ok,
      ...(params.kind === 'withdraw' && context.withdrawal ? { amount: context.withdrawal.amount } : {}),
      ...(params.reason ? { reason: params.reason } : {}),
    })),

    // Ending
    endAs: assign((_, params: { reason: EndReason }) => ({ endReason: params.reason })),
    markCardOut: assign({ cardInside: false }),
    emitEnded: emit(({ context }) => ({
      type: 'ended' as const,
      sessionId: context.sessionId,
      reason: context.endReason ?? 'completed',
      ...(context.pan ? { card: context.cardInside && context.retainCard ? ('retained' as const) : ('ejected' as const) } : {}),
    })),
  },
}).createMachine({
  id: 'atm',
  context: ({ input }) => ({
    profile: input.profile,
    atmId: input.atmId,
    amountStep: input.amountStep,
    maxWithdrawal: input.maxWithdrawal,
    currency: input.currency,
    minorDigits: input.minorDigits,
    rng: input.seed >>> 0,
    sessionId: '',
    tierIndex: 0,
    attempts: 0,
    cardInside: false,
    entry: EMPTY_ENTRY,
    fields: {},
    txSeq: 0,
    retainCard: false,
    offline: [],
  }),
  // Device status is tracked in every state; only an idle ATM acts on it (a session in progress is let finish).
  on: { DEVICE_STATUS: { actions: 'trackDevice' } },
  initial: 'idle',
  states: {
    idle: {
      entry: 'resetSession',
      always: { guard: 'deviceMissing', target: 'outOfService' },
      on: {
        KEY: {
          guard: and([not('cardProfile'), { type: 'isKey', params: { key: 'ENTER' } }]),
          target: 'session',
        },
        CARD_INSERTED: [
          { guard: 'cardProfile', target: 'session', actions: 'storeCard' },
          // A cardless ATM hands a card straight back.
          { actions: 'ejectCard' },
        ],
      },
    },

    outOfService: {
      always: { guard: not('deviceMissing'), target: 'idle' },
      on: {
        // A card pushed into a broken ATM comes straight back.
        CARD_INSERTED: { actions: 'ejectCard' },
      },
    },

    session: {
      entry: ['startSession', 'emitStarted'],
      on: {
        KEY: { guard: { type: 'isKey', params: { key: 'CANCEL' } }, target: 'ending', actions: { type: 'endAs', params: { reason: 'cancelled' } } },
      },
      initial: 'auth',
      states: {
        auth: {
          initial: 'next',
          states: {
            next: {
              always: [
                { guard: 'allTiersPassed', target: '#atm.session.menu', actions: emit(({ context }) => ({ type: 'authenticated' as const, sessionId: context.sessionId, customerId: context.customerId! })) },
                { guard: 'tierIsCard', target: 'card' },
                { guard: 'tierIsCredentials', target: 'credentials' },
                { guard: 'tierIsFingerprint', target: 'fingerprint' },
                { guard: 'tierIsPin', target: 'pin' },
                { guard: 'tierIsPassword', target: 'password' },
                { guard: 'tierIsOtp', target: 'otp' },
              ],
            },

            card: {
              invoke: {
                src: 'lookupCard',
                input: ({ context }) => ({ pan: context.pan ?? '' }),
                onDone: [
                  { guard: 'verdictOk', target: 'next', actions: ['identify', 'passTier', 'emitTierPassed'] },
                  {
                    target: '#atm.ending',
                    actions: [
                      { type: 'setNotice', params: { text: 'Card not recognised' } },
                      { type: 'endAs', params: { reason: 'unknown-card' } },
                    ],
                  },
                ],
                onError: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } },
              },
            },

            credentials: {
              initial: 'username',
              states: {
                username: {
                  entry: [{ type: 'beginEntry', params: ({ context }: { context: SessionContext }) => credentialEntry(context, 'username') }],
                  ...typing(),
                  on: { KEY: { guard: and([{ type: 'isKey', params: { key: 'ENTER' } }, 'entryComplete']), target: 'password', actions: 'keepEntry' } },
                },
                password: {
                  entry: [{ type: 'beginEntry', params: ({ context }: { context: SessionContext }) => credentialEntry(context, 'password') }],
                  ...typing(),
                  on: { KEY: { guard: and([{ type: 'isKey', params: { key: 'ENTER' } }, 'entryComplete']), target: 'verifying', actions: 'keepEntry' } },
                },
                verifying: {
                  invoke: {
                    src: 'verifyCredentials',
                    input: ({ context }) => ({ username: context.fields.username ?? '', password: context.fields.password ?? '' }),
                    onDone: [
                      { guard: 'verdictOk', target: '#atm.session.auth.next', actions: ['identify', 'passTier', 'emitTierPassed'] },
                      { guard: 'lastAttempt', target: '#atm.ending', actions: [{ type: 'failTier', params: { reason: 'wrong-credentials' } }, { type: 'emitTierFailed', params: { reason: 'wrong-credentials' } }, 'lockout'] },
                      { target: 'username', actions: [{ type: 'failTier', params: { reason: 'wrong-credentials' } }, { type: 'emitTierFailed', params: { reason: 'wrong-credentials' } }] },
                    ],
                    onError: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } },
                  },
                },
              },
            },

            fingerprint: {
              entry: 'pickFinger',
              initial: 'waiting',
              states: {
                waiting: {
                  after: { input: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'timeout' } } } },
                  on: { FINGER: { target: 'verifying', actions: 'keepTemplate' } },
                },
                verifying: {
                  invoke: {
                    src: 'matchFingerprint',
                    input: ({ context }) =>
                      fingerprintMode(context.profile, context.tierIndex) === '1:1'
                        ? { template: context.template ?? '', customerId: context.customerId }
                        : { template: context.template ?? '' },
                    onDone: [
                      { guard: 'fingerAccepted', target: '#atm.session.auth.next', actions: ['identify', 'passTier', 'emitTierPassed'] },
                      { guard: and(['lastAttempt', 'verdictOk']), target: '#atm.ending', actions: [{ type: 'failTier', params: { reason: 'wrong-finger' } }, { type: 'emitTierFailed', params: { reason: 'wrong-finger' } }, 'lockout'] },
                      { guard: 'lastAttempt', target: '#atm.ending', actions: [{ type: 'failTier', params: { reason: 'no-match' } }, { type: 'emitTierFailed', params: { reason: 'no-match' } }, 'lockout'] },
                      { guard: 'verdictOk', target: 'waiting', actions: [{ type: 'failTier', params: { reason: 'wrong-finger' } }, { type: 'emitTierFailed', params: { reason: 'wrong-finger' } }] },
                      { target: 'waiting', actions: [{ type: 'failTier', params: { reason: 'no-match' } }, { type: 'emitTierFailed', params: { reason: 'no-match' } }] },
                    ],
                    onError: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } },
                  },
                },
              },
            },

            pin: secretTier('pin'),
            password: secretTier('password'),

            otp: {
              initial: 'sending',
              states: {
                sending: {
                  invoke: {
                    src: 'sendOtp',
                    input: ({ context }) => {
                      const tier = currentTier(context);
                      if (tier?.kind !== 'otp') throw new Error('not an OTP tier');
                      return { customerId: context.customerId!, length: tier.length, alphabet: tier.alphabet, ttlSeconds: tier.ttlSeconds };
                    },
                    onDone: { target: 'entering', actions: 'keepOtp' },
                    onError: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } },
                  },
                },
                entering: {
                  entry: {
                    type: 'beginEntry',
                    params: ({ context }: { context: SessionContext }) => {
                      const tier = currentTier(context);
                      const length = tier?.kind === 'otp' ? tier.length : 6;
                      const charset = tier?.kind === 'otp' && tier.alphabet === 'alphanumeric' ? 'alphanumeric' : 'digits';
                      return { field: 'otp', label: 'Enter OTP', minLength: length, maxLength: length, charset, masked: true } as EntryParams;
                    },
                  },
                  ...typing('otpInput'),
                  on: { KEY: { guard: and([{ type: 'isKey', params: { key: 'ENTER' } }, 'entryComplete']), target: 'verifying', actions: 'keepEntry' } },
                },
                verifying: {
                  invoke: {
                    src: 'verifyOtp',
                    input: ({ context }) => ({ otpId: context.otpId ?? '', code: context.fields.otp ?? '' }),
                    onDone: [
                      { guard: 'verdictOk', target: '#atm.session.auth.next', actions: ['passTier', 'emitTierPassed'] },
                      {
                        guard: 'lastAttempt',
                        target: '#atm.ending',
                        actions: [
                          { type: 'failTier', params: ({ event }) => ({ reason: otpReason(event) }) },
                          { type: 'emitTierFailed', params: ({ event }) => ({ reason: otpReason(event) }) },
                          'lockout',
                        ],
                      },
                      {
                        // An expired or spent code cannot be retried: send a fresh one.
                        guard: 'otpNeedsNewCode',
                        target: 'sending',
                        actions: [
                          { type: 'failTier', params: ({ event }) => ({ reason: otpReason(event) }) },
                          { type: 'emitTierFailed', params: ({ event }) => ({ reason: otpReason(event) }) },
                        ],
                      },
                      {
                        target: 'entering',
                        actions: [
                          { type: 'failTier', params: ({ event }) => ({ reason: otpReason(event) }) },
                          { type: 'emitTierFailed', params: ({ event }) => ({ reason: otpReason(event) }) },
                        ],
                      },
                    ],
                    onError: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } },
                  },
                },
              },
            },
          },
        },

        menu: {
          entry: 'nextTx',
          after: { input: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'timeout' } } } },
          on: {
            KEY: [
              { guard: { type: 'chooses', params: { kind: 'withdraw' } }, target: 'withdraw' },
              { guard: { type: 'chooses', params: { kind: 'balance' } }, target: 'balance' },
              { guard: { type: 'chooses', params: { kind: 'transfer' } }, target: 'transfer' },
              { guard: { type: 'chooses', params: { kind: 'change-secret' } }, target: 'change' },
              { guard: { type: 'chooses', params: { kind: 'statement' } }, target: 'statement' },
              { guard: { type: 'isKey', params: { key: 'CANCEL' } }, target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'completed' } } },
            ],
          },
        },

        withdraw: {
          initial: 'amount',
          states: {
            amount: {
              entry: { type: 'beginEntry', params: { field: 'amount', label: 'Amount', minLength: 1, maxLength: 6, charset: 'digits', masked: false } },
              ...typing(),
              on: {
                KEY: [
                  { guard: and([{ type: 'isKey', params: { key: 'ENTER' } }, 'entryComplete', 'amountValid']), target: 'reserving', actions: ['keepEntry', 'clearNotice', 'planWithdrawal'] },
                  {
                    guard: and([{ type: 'isKey', params: { key: 'ENTER' } }, 'entryComplete']),
                    target: 'amount',
                    reenter: true,
                    actions: {
                      type: 'setNotice',
                      params: ({ context }) => ({ text: `x${formatAmount(context.amountStep, context.minorDigits)}, max ${formatAmount(context.maxWithdrawal, context.minorDigits)}` }),
                    },
                  },
                ],
              },
            },
            reserving: {
              invoke: {
                src: 'reserveWithdrawal',
                input: ({ context }) => ({ accountId: context.accountId!, amount: context.withdrawal!.amount, key: context.withdrawal!.ref }),
                onDone: [
                  { guard: 'verdictOk', target: 'inFlight', actions: 'keepWithdrawalId' },
                  {
                    target: '#atm.session.result',
                    actions: [
                      { type: 'setResult', params: ({ event }) => ({ title: refusalText(event.output) }) },
                      { type: 'emitTransaction', params: ({ event }) => ({ kind: 'withdraw', ok: false, reason: event.output.ok ? 'unknown' : event.output.reason }) },
                    ],
                  },
                ],
                onError: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } },
              },
            },
            inFlight: {
              // Money is moving (notes counted, the bank settling): no key, CANCEL included, can stop it now.
              on: { KEY: { actions: [] } },
              initial: 'dispensing',
              states: {
                dispensing: {
                  entry: { type: 'dispense', params: ({ context }) => ({ ref: context.withdrawal!.ref, amount: context.withdrawal!.amount }) },
                  after: { dispense: { target: 'reversing', actions: { type: 'setNotice', params: { text: 'dispenser timeout' } } } },
                  on: {
                    DISPENSED: { guard: 'ownDispense', target: 'committing', actions: 'keepNotes' },
                    DISPENSE_FAILED: { guard: 'ownDispense', target: 'reversing', actions: { type: 'setNotice', params: ({ event }) => ({ text: `dispenser ${event.reason}` }) } },
                  },
                },
                committing: {
                  invoke: {
                    src: 'commitWithdrawal',
                    input: ({ context }) => ({ withdrawalId: context.withdrawal!.withdrawalId! }),
                    onDone: {
                      target: '#atm.session.result',
                      actions: [
                        {
                          type: 'setResult',
                          params: ({ context, event }) => ({
                            title: 'Take your cash',
                            lines: [
                              formatMoney(context.withdrawal!.amount, context.currency, context.minorDigits),
                              `Balance ${formatMoney(event.output.balance, context.currency, context.minorDigits)}`,
                            ],
                          }),
                        },
                        { type: 'emitTransaction', params: { kind: 'withdraw', ok: true } },
                        emit(({ context, event }) => ({
                          type: 'receipt' as const,
                          sessionId: context.sessionId,
                          lines: [
                            `ATM ${context.atmId}`,
                            `WITHDRAWAL ${formatMoney(context.withdrawal!.amount, context.currency, context.minorDigits)}`,
                            `BALANCE ${formatMoney(event.output.balance, context.currency, context.minorDigits)}`,
                            `REF ${context.withdrawal!.ref}`,
                          ],
                        })),
                      ],
                    },
                    onError: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } },
                  },
                },
                reversing: {
                  invoke: {
                    src: 'reverseWithdrawal',
                    input: ({ context }) => ({ withdrawalId: context.withdrawal!.withdrawalId! }),
                    onDone: {
                      target: '#atm.session.result',
                      actions: [
                        { type: 'setResult', params: { title: 'Unable to dispense', lines: ['Account not debited'] } },
                        { type: 'emitTransaction', params: ({ context }) => ({ kind: 'withdraw', ok: false, reason: context.notice ?? 'dispense failed' }) },
                      ],
                    },
                    onError: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } },
                  },
                },
              },
            },
          },
        },

        balance: {
          invoke: {
            src: 'getBalance',
            input: ({ context }) => ({ accountId: context.accountId! }),
            onDone: {
              target: 'result',
              actions: [
                { type: 'setResult', params: ({ context, event }) => ({ title: 'Available balance', lines: [formatMoney(event.output.balance, context.currency, context.minorDigits)] }) },
                { type: 'emitTransaction', params: { kind: 'balance', ok: true } },
              ],
            },
            onError: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } },
          },
        },

        transfer: {
          initial: 'account',
          states: {
            account: {
              entry: { type: 'beginEntry', params: { field: 'to', label: 'To account (10 dig.)', minLength: 10, maxLength: 10, charset: 'digits', masked: false } },
              ...typing(),
              on: { KEY: { guard: and([{ type: 'isKey', params: { key: 'ENTER' } }, 'entryComplete']), target: 'amount', actions: 'keepEntry' } },
            },
            amount: {
              entry: { type: 'beginEntry', params: { field: 'amount', label: 'Amount', minLength: 1, maxLength: 7, charset: 'digits', masked: false } },
              ...typing(),
              on: { KEY: { guard: and([{ type: 'isKey', params: { key: 'ENTER' } }, 'entryComplete']), target: 'submitting', actions: 'keepEntry' } },
            },
            submitting: {
              invoke: {
                src: 'transfer',
                input: ({ context }) => ({
                  accountId: context.accountId!,
                  to: context.fields.to ?? '',
                  amount: toMinor(context.fields.amount ?? '0', context.minorDigits),
                  key: `${context.sessionId}-${context.txSeq}`,
                }),
                onDone: [
                  {
                    guard: 'verdictOk',
                    target: '#atm.session.result',
                    actions: [
                      {
                        type: 'setResult',
                        params: ({ context, event }) => ({
                          title: 'Transfer done',
                          lines: [
                            `${formatMoney(toMinor(context.fields.amount ?? '0', context.minorDigits), context.currency, context.minorDigits)} to ${context.fields.to}`,
                            event.output.ok ? `Balance ${formatMoney(event.output.balance, context.currency, context.minorDigits)}` : '',
                          ],
                        }),
                      },
                      { type: 'emitTransaction', params: { kind: 'transfer', ok: true } },
                    ],
                  },
                  {
                    target: '#atm.session.result',
                    actions: [
                      { type: 'setResult', params: ({ event }) => ({ title: refusalText(event.output) }) },
                      { type: 'emitTransaction', params: ({ event }) => ({ kind: 'transfer', ok: false, reason: event.output.ok ? 'unknown' : event.output.reason }) },
                    ],
                  },
                ],
                onError: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } },
              },
            },
          },
        },

        change: {
          initial: 'current',
          states: {
            current: {
              entry: { type: 'beginEntry', params: ({ context }: { context: SessionContext }) => secretEntry(context, 'current', 'Current') },
              ...typing(),
              on: { KEY: { guard: and([{ type: 'isKey', params: { key: 'ENTER' } }, 'entryComplete']), target: 'next', actions: 'keepEntry' } },
            },
            next: {
              entry: { type: 'beginEntry', params: ({ context }: { context: SessionContext }) => secretEntry(context, 'next', 'New') },
              ...typing(),
              on: { KEY: { guard: and([{ type: 'isKey', params: { key: 'ENTER' } }, 'entryComplete']), target: 'confirm', actions: 'keepEntry' } },
            },
            confirm: {
              entry: { type: 'beginEntry', params: ({ context }: { context: SessionContext }) => secretEntry(context, 'confirm', 'Confirm') },
              ...typing(),
              on: {
                KEY: [
                  { guard: and([{ type: 'isKey', params: { key: 'ENTER' } }, 'entryComplete', 'confirmMatches']), target: 'submitting', actions: ['keepEntry', 'clearNotice'] },
                  { guard: and([{ type: 'isKey', params: { key: 'ENTER' } }, 'entryComplete']), target: 'next', actions: { type: 'setNotice', params: { text: 'Entries do not match' } } },
                ],
              },
            },
            submitting: {
              invoke: {
                src: 'changeSecret',
                input: ({ context }) => ({
                  customerId: context.customerId!,
                  kind: changeableSecret(context.profile),
                  current: context.fields.current ?? '',
                  next: context.fields.next ?? '',
                }),
                onDone: [
                  {
                    guard: 'verdictOk',
                    target: '#atm.session.result',
                    actions: [
                      { type: 'setResult', params: ({ context }) => ({ title: `${secretName(context)} changed` }) },
                      { type: 'emitTransaction', params: { kind: 'change-secret', ok: true } },
                    ],
                  },
                  {
                    target: '#atm.session.result',
                    actions: [
                      { type: 'setResult', params: ({ context, event }) => ({ title: `${secretName(context)} not changed`, lines: [event.output.ok ? '' : refusalText(event.output)] }) },
                      { type: 'emitTransaction', params: ({ event }) => ({ kind: 'change-secret', ok: false, reason: event.output.ok ? 'unknown' : event.output.reason }) },
                    ],
                  },
                ],
                onError: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } },
              },
            },
          },
        },

        statement: {
          invoke: {
            src: 'miniStatement',
            input: ({ context }) => ({ accountId: context.accountId!, limit: 3 }),
            onDone: {
              target: 'result',
              actions: [
                { type: 'setResult', params: ({ context, event }) => ({ title: 'Mini statement', lines: statementLines(event.output.entries, context) }) },
                { type: 'emitTransaction', params: { kind: 'statement', ok: true } },
                emit(({ context, event }) => ({
                  type: 'receipt' as const,
                  sessionId: context.sessionId,
                  lines: [`ATM ${context.atmId}`, 'MINI STATEMENT', ...statementLines(event.output.entries, context)],
                })),
              ],
            },
            onError: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } },
          },
        },

        result: {
          after: { input: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'completed' } } } },
          on: {
            KEY: [
              { guard: { type: 'isKey', params: { key: 'ENTER' } }, target: 'menu' },
              { guard: { type: 'isKey', params: { key: 'CANCEL' } }, target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'completed' } } },
            ],
          },
        },
      },
    },

    ending: {
      entry: 'emitEnded',
      initial: 'deciding',
      states: {
        deciding: {
          always: [
            { guard: 'shouldRetainCard', target: 'retaining' },
            { guard: 'cardInside', target: 'ejecting' },
            { target: 'goodbye' },
          ],
        },
        ejecting: {
          entry: 'ejectCard',
          after: { cardTake: { target: 'retaining', actions: assign({ notice: 'Card not taken: retained' }) } },
          on: { CARD_REMOVED: { target: 'goodbye', actions: 'markCardOut' } },
        },
        retaining: {
          entry: ['retainCard', 'markCardOut'],
          always: 'goodbye',
        },
        goodbye: {
          after: { message: '#atm.idle' },
        },
      },
    },
  },
});

/** The finger the first session of a fresh machine with this seed asks for, when its first tier is a random
 *  finger. Tests use it to pick a seed that reproduces a published case ("the ATM asked for finger 3"). */
export function firstRequestedFinger(seed: number): number {
  const [, afterSessionId] = nextInt(seed >>> 0, 0, 0xffffff);
  return nextInt(afterSessionId, 1, 10)[0];
}

// ---- building blocks (plain data the config above spreads in) ----

/** A keypad-entry state: key presses re-enter the `typing` child, which restarts the inactivity timer. */
function typing(delay: 'input' | 'otpInput' = 'input') {
  return {
    initial: 'typing' as const,
    states: {
      typing: {
        after: { [delay]: { target: '#atm.ending', actions: { type: 'endAs' as const, params: { reason: 'timeout' as const } } } },
        on: {
          KEY: [
            { guard: { type: 'isKey' as const, params: { key: 'CLEAR' } }, target: 'typing', reenter: true, actions: 'clearEntry' as const },
            { guard: 'acceptsKey' as const, target: 'typing', reenter: true, actions: 'typeKey' as const },
          ],
        },
      },
    },
  };
}

/** A PIN or password tier: enter, verify, retry until the attempts run out. */
function secretTier(kind: 'pin' | 'password') {
  const reason = kind === 'pin' ? 'wrong-pin' : 'wrong-password';
  return {
    initial: 'entering' as const,
    states: {
      entering: {
        entry: {
          type: 'beginEntry' as const,
          params: ({ context }: { context: SessionContext }): EntryParams => {
            const tier = currentTier(context);
            const length = tier?.kind === kind ? tier.length : 4;
            return kind === 'pin'
              ? { field: 'pin', label: 'Enter PIN', minLength: length, maxLength: length, charset: 'digits', masked: true }
              : { field: 'password', label: 'Enter password', minLength: length, maxLength: length, charset: 'alphanumeric', masked: true };
          },
        },
        ...typing(),
        on: {
          KEY: {
            guard: and([{ type: 'isKey' as const, params: { key: 'ENTER' } }, 'entryComplete' as const]),
            target: 'verifying' as const,
            actions: 'keepEntry' as const,
          },
        },
      },
      verifying: {
        invoke: {
          src: 'verifySecret' as const,
          input: ({ context }: { context: SessionContext }) => ({ customerId: context.customerId!, kind, value: context.fields[kind] ?? '' }),
          onDone: [
            { guard: 'verdictOk' as const, target: '#atm.session.auth.next', actions: ['passTier' as const, 'emitTierPassed' as const] },
            {
              guard: 'bankLocked' as const,
              target: '#atm.ending',
              actions: [{ type: 'failTier' as const, params: { reason: 'locked' } }, { type: 'emitTierFailed' as const, params: { reason: 'locked' } }, 'accountLocked' as const],
            },
            {
              guard: 'lastAttempt' as const,
              target: '#atm.ending',
              actions: [{ type: 'failTier' as const, params: { reason } }, { type: 'emitTierFailed' as const, params: { reason } }, 'lockout' as const],
            },
            { target: 'entering' as const, actions: [{ type: 'failTier' as const, params: { reason } }, { type: 'emitTierFailed' as const, params: { reason } }] },
          ],
          onError: { target: '#atm.ending', actions: { type: 'endAs' as const, params: { reason: 'service-unavailable' as const } } },
        },
      },
    },
  };
}

/** The username + password tier's entries, sized by the tier's `usernameMaxLength` and `passwordLength`. */
function credentialEntry(context: SessionContext, field: 'username' | 'password'): EntryParams {
  const tier = currentTier(context);
  const usernameMax = tier?.kind === 'username+password' ? tier.usernameMaxLength : 12;
  const passwordLength = tier?.kind === 'username+password' ? tier.passwordLength : 6;
  return field === 'username'
    ? { field, label: 'Username', minLength: 1, maxLength: usernameMax, charset: 'alphanumeric', masked: false }
    : { field, label: 'Password', minLength: passwordLength, maxLength: passwordLength, charset: 'alphanumeric', masked: true };
}

function otpReason(event: unknown): string {
  const out = (event as { output: Verdict }).output;
  return out.ok ? 'ok' : out.reason;
}

function refusalText(out: Verdict<object>): string {
  if (out.ok) return 'Done';
  switch (out.reason) {
    case 'insufficient-funds':
      return 'Insufficient funds';
    case 'daily-limit':
      return 'Daily limit reached';
    case 'unknown-account':
      return 'Unknown account';
    case 'same-account':
      return 'Same account';
    case 'wrong-secret':
      return 'Current is wrong';
    case 'weak-secret':
      return 'Too weak';
    default:
      return `Refused: ${out.reason}`.slice(0, 20);
  }
}

function secretName(context: SessionContext): string {
  return changeableSecret(context.profile) === 'pin' ? 'PIN' : 'Password';
}

function secretEntry(context: SessionContext, field: string, label: string): EntryParams {
  const kind = changeableSecret(context.profile);
  const tier = context.profile.tiers.find((t) => t.kind === kind);
  const length = tier && (tier.kind === 'pin' || tier.kind === 'password') ? tier.length : kind === 'pin' ? 4 : 6;
  return {
    field,
    label: `${label} ${kind === 'pin' ? 'PIN' : 'password'}`,
    minLength: length,
    maxLength: length,
    charset: kind === 'pin' ? 'digits' : 'alphanumeric',
    masked: true,
  };
}

function statementLines(entries: StatementEntry[], context: SessionContext): string[] {
  return entries.map((e) => {
    const date = new Date(e.ts).toISOString().slice(5, 10);
    const amount = formatAmount(e.amount, context.minorDigits);
    return `${date} ${e.type.slice(0, 6).padEnd(6)} ${amount}`.slice(0, 20);
  });
}

export type SessionMachine = typeof sessionMachine;
