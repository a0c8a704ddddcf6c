/**
 * The OTP tier: the bank issues a code, the ATM's GSM modem texts it (an effect, answered by the modem's events,
 * as a dispense is), the customer types it. A wrong code may be retyped; an expired or spent one cannot, so a
 * fresh code is sent. A modem that refuses or never answers ends the session `sms-failed`, apart from a bank
 * outage (`service-unavailable`).
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
      meta: { screen: 'sending-otp' },
      invoke: {
        src: 'issueOtp',
        input: ({ context }) => {
          const tier = currentTier(context);
          if (tier?.kind !== 'otp') throw new Error('not an OTP tier');
          return { customerId: context.customerId!, length: tier.length, alphabet: tier.alphabet, ttlSeconds: tier.ttlSeconds };
        },
        onDone: {
          target: 'texting',
          actions: [
            { type: 'keepOtp', params: ({ event }) => ({ otpId: event.output.otpId }) },
            { type: 'sendSms', params: ({ context, event }) => ({ to: event.output.to, text: event.output.text, ref: context.smsRef! }) },
          ],
        },
        onError: bankCallFailed(),
      },
    },
    texting: {
      meta: { screen: 'sending-otp' },
      after: { sms: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'sms-failed' } } } },
      on: {
        SMS_SENT: { guard: 'ownSms', target: 'entering' },
        SMS_FAILED: { guard: 'ownSms', target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'sms-failed' } } },
      },
    },
    entering: {
      meta: { screen: 'enter-otp' },
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
      meta: { screen: 'verifying' },
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
