/**
 * The session machine's vocabulary for XState: its types, the bank calls it makes (actors), the questions it
 * asks (guards), what it does (actions) and how long it waits (delays). The regions (auth tiers, menu,
 * transactions, result, ending) are built from `sessionSetup.createStateConfig`, so they are checked against
 * these names; session.machine.ts assembles them.
 *
 * The bank and the devices are reached only through the actors and the device actions here, which the
 * controller supplies with `machine.provide(...)` (session.ports.ts).
 */
import { assign, emit, fromPromise, setup } from 'xstate';
import type { TransactionKind } from '../profiles.ts';
import { nextInt } from '../../core/random.ts';
import type { BankPorts, EndReason, Identity, SessionEmitted, SessionEvent, SessionInput, Verdict } from '../session.types.ts';
import type { ScreenId } from '../screens.ts';
import {
  EMPTY_ENTRY,
  TX_OPTIONS,
  currentTier,
  tierMaxAttempts,
  toMinor,
  typedAmount,
  type EntryParams,
  type Notice,
  type SessionContext,
  type TxResult,
} from './context.ts';
import { fdkMenuKey } from './menu-layout.ts';

/** The key pressed, or the one an FDK stands for at the menu (menu-layout.ts). */
const menuKey = (context: SessionContext, key: string) => fdkMenuKey(context.profile, key) ?? key;

/** Bank ports as XState promise actors; the defaults refuse, so a missing `provide` fails loudly. */
function port<K extends keyof BankPorts>(name: K) {
  type In = Parameters<BankPorts[K]>[0];
  type Out = Awaited<ReturnType<BankPorts[K]>>;
  return fromPromise<Out, In>(async () => {
    throw new Error(`session machine: bank port "${name}" was not provided`);
  });
}

/**
 * The verdict of the bank call that just finished. Guards only know the machine's declared events, not the
 * `xstate.done.actor.*` event that carries an actor's output, so this is the one place that reads it untyped.
 * (Transitions and actions read `event.output` typed, from the invoked actor.)
 */
function verdictOf<T = object>(event: SessionEvent): Verdict<T> {
  return (event as unknown as { output: Verdict<T> }).output;
}

type Ev<T extends SessionEvent['type']> = Extract<SessionEvent, { type: T }>;

export const sessionSetup = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
    emitted: {} as SessionEmitted,
    /** What the outside may rely on: each screen state names its stable screen id (machines/screens.ts). */
    meta: {} as { screen: ScreenId },
  },
  actors: {
    lookupCard: port('lookupCard'),
    verifyCredentials: port('verifyCredentials'),
    verifySecret: port('verifySecret'),
    matchFingerprint: port('matchFingerprint'),
    issueOtp: port('issueOtp'),
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
    sms: ({ context }) => context.profile.timeouts.smsMs,
  },
  guards: {
    isKey: ({ event }, params: { key: string }) => event.type === 'KEY' && event.key === params.key,
    cardProfile: ({ context }) => context.profile.tiers[0]?.kind === 'card',
    allTiersPassed: ({ context }) => context.tierIndex >= context.profile.tiers.length,
    tierIsCard: ({ context }) => currentTier(context)?.kind === 'card',
    tierIsCredentials: ({ context }) => currentTier(context)?.kind === 'username+password',
    tierIsFingerprint: ({ context }) => currentTier(context)?.kind === 'fingerprint',
    tierIsPin: ({ context }) => currentTier(context)?.kind === 'pin',
    tierIsPassword: ({ context }) => currentTier(context)?.kind === 'password',
    tierIsOtp: ({ context }) => currentTier(context)?.kind === 'otp',
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
    verdictOk: ({ event }) => verdictOf(event).ok,
    /** The bank holds the customer for another ATM (one session per customer). */
    inUseElsewhere: ({ event }) => {
      const verdict = verdictOf(event);
      return !verdict.ok && verdict.reason === 'in-use-elsewhere';
    },
    fingerAccepted: ({ context, event }) => {
      const out = verdictOf<Identity & { finger: number }>(event);
      if (!out.ok) return false;
      if (context.customerId && out.customerId !== context.customerId) return false;
      return context.requestedFinger === undefined || out.finger === context.requestedFinger;
    },
    bankLocked: ({ event }) => {
      const out = verdictOf(event);
      return !out.ok && out.reason === 'locked';
    },
    otpNeedsNewCode: ({ event }) => {
      const out = verdictOf(event);
      return !out.ok && (out.reason === 'expired' || out.reason === 'used');
    },
    amountValid: ({ context }) => {
      const amount = toMinor(context.entry.value, context.money.minorDigits);
      return amount > 0 && amount % context.money.amountStep === 0 && amount <= context.money.maxWithdrawal;
    },
    /** The key picks this transaction and the profile offers it. */
    chooses: ({ context, event }, params: { kind: TransactionKind }) =>
      event.type === 'KEY' && TX_OPTIONS[menuKey(context, event.key)] === params.kind && context.profile.transactions.includes(params.kind),
    /** CANCEL, or the FDK beside the menu's "CANCEL to end". */
    endsMenu: ({ context, event }) => event.type === 'KEY' && menuKey(context, event.key) === 'CANCEL',
    confirmMatches: ({ context }) => context.entry.value === context.fields.next,
    ownSms: ({ context, event }) => (event.type === 'SMS_SENT' || event.type === 'SMS_FAILED') && event.ref === context.smsRef,
    ownDispense: ({ context, event }) =>
      (event.type === 'DISPENSED' || event.type === 'DISPENSE_FAILED') && event.ref === context.withdrawal?.ref,
    /** The dispenser says it paid out what was asked, in notes that add up to it: only then is the account debited. */
    dispensedAsAsked: ({ context, event }) =>
      event.type === 'DISPENSED' &&
      event.ref === context.withdrawal?.ref &&
      event.amount === context.withdrawal.amount &&
      Object.entries(event.notes).reduce((sum, [d, n]) => sum + Number(d) * n, 0) === event.amount,
    /** A device the profile needs is offline (a cardless ATM does not need its card reader). */
    deviceMissing: ({ context }) => context.offline.some((d) => d !== 'card' || context.profile.tiers.some((t) => t.kind === 'card')),
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
    sendSms: (_, _params: { to: string; text: string; ref: string }) => {},

    startSession: assign(({ context }) => {
      // Draw order matters for replay: session id first, then (in a random-finger tier) the finger.
      // `firstRequestedFinger` (session.machine.ts) mirrors it.
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
    setNotice: assign((_, params: Notice) => ({ notice: params })),
    /** The entry being typed is refused (the notice says why), and asked for again. */
    emitEntryRefused: emit(({ context }, params: { reason: 'amount-rule' | 'entries-differ' }) => ({
      type: 'entry-refused' as const,
      sessionId: context.sessionId,
      field: context.entry.field,
      reason: params.reason,
    })),

    // Tiers
    /** Who the bank says the customer is (params: the bank's verdict, ok in the transitions that use it). */
    identify: assign((_, params: Verdict<Identity>) =>
      params.ok ? { customerId: params.customerId, accountId: params.accountId, customerName: params.name } : {},
    ),
    passTier: assign(({ context }) => ({ tierIndex: context.tierIndex + 1, attempts: 0, notice: undefined, requestedFinger: undefined })),
    emitTierPassed: emit(({ context }) => ({
      type: 'tier-passed' as const,
      sessionId: context.sessionId,
      // passTier already ran, so the tier just passed is the previous one
      tier: context.profile.tiers[context.tierIndex - 1]!.kind,
      index: context.tierIndex - 1,
      customerId: context.customerId,
    })),
    emitAuthenticated: emit(({ context }) => ({
      type: 'authenticated' as const,
      sessionId: context.sessionId,
      customerId: context.customerId!,
    })),
    /** One more failed attempt; the notice says why (screens.ts shows it, and the attempts left on their own line). */
    failTier: assign(({ context }, params: { reason: string }) => ({
      attempts: context.attempts + 1,
      notice: { code: 'tier-failed' as const, reason: params.reason },
    })),
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
    /** The code's id, and the reference its SMS goes out under (the text, the code itself, is not kept). */
    keepOtp: assign(({ context }, params: { otpId: string }) => ({
      otpId: params.otpId,
      // The code's id first: unique in the bank, so a cut for length never makes two references alike.
      smsRef: `${params.otpId}@${context.sessionId}`.slice(0, 80),
    })),

    // Transactions
    nextTx: assign(({ context }) => ({ txSeq: context.txSeq + 1, result: undefined, notice: undefined, fields: {} })),
    planWithdrawal: assign(({ context }) => ({
      withdrawal: { ref: `${context.sessionId}-${context.txSeq}`, amount: typedAmount(context) },
    })),
    keepWithdrawalId: assign(({ context }, params: { withdrawalId: string }) => ({
      withdrawal: { ...context.withdrawal!, withdrawalId: params.withdrawalId },
    })),
    keepNotes: assign(({ context, event }) => ({ withdrawal: { ...context.withdrawal!, notes: (event as Ev<'DISPENSED'>).notes } })),
    setResult: assign((_, params: TxResult) => ({ result: params })),
    emitTransaction: emit(({ context }, params: { kind: TransactionKind; ok: boolean; reason?: string }) => ({
      type: 'transaction' as const,
      sessionId: context.sessionId,
      kind: params.kind,
      ok: params.ok,
      ...(params.kind === 'withdraw' && context.withdrawal ? { amount: context.withdrawal.amount } : {}),
      ...(params.reason ? { reason: params.reason } : {}),
    })),
    /** The receipt printer's lines for this transaction. */
    emitReceipt: emit(({ context }, params: { lines: string[] }) => ({
      type: 'receipt' as const,
      sessionId: context.sessionId,
      // One per transaction of the session: a printer's printed/failed names the receipt it was.
      ref: `${context.sessionId}-${context.txSeq}`,
      lines: params.lines,
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
});
