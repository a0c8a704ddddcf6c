/**
 * The OTP tier: the bank sends a code by SMS, the customer types it. A wrong code may be retyped; an expired
 * or spent one cannot, so a fresh code is sent.
 */
import { currentTier } from '../context.ts';
import { bankCallFailed, enterOnComplete, failTier, typing } from '../blocks.ts';
import { sessionSetup } from '../setup.ts';
import type { Verdict } from '../../session.types.ts';

const otpReason = (out: Verdict) => (out.ok ? 'ok' : out.reason);

export const otpTier = sessionSetup.createStateConfig({
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
        onDone: { target: 'entering', actions: { type: 'keepOtp', params: ({ event }) => event.output } },
        onError: bankCallFailed(),
      },
    },
    entering: {
      entry: {
        type: 'beginEntry',
        params: ({ context }) => {
          const tier = currentTier(context);
          const length = tier?.kind === 'otp' ? tier.length : 6;
          const charset = tier?.kind === 'otp' && tier.alphabet === 'alphanumeric' ? 'alphanumeric' : 'digits';
          return { field: 'otp', label: 'Enter OTP', minLength: length, maxLength: length, charset, masked: true };
        },
      },
      ...typing('otpInput'),
      on: { KEY: { guard: enterOnComplete(), target: 'verifying', actions: 'keepEntry' } },
    },
    verifying: {
      invoke: {
        src: 'verifyOtp',
        input: ({ context }) => ({ otpId: context.otpId ?? '', code: context.fields.otp ?? '' }),
        onDone: [
          { guard: 'verdictOk', target: '#atm.session.auth.next', actions: ['passTier', 'emitTierPassed'] },
          { guard: 'lastAttempt', target: '#atm.ending', actions: failTier(otpReason, 'lockout') },
          // An expired or spent code cannot be retried: send a fresh one.
          { guard: 'otpNeedsNewCode', target: 'sending', actions: failTier(otpReason) },
          { target: 'entering', actions: failTier(otpReason) },
        ],
        onError: bankCallFailed(),
      },
    },
  },
});
