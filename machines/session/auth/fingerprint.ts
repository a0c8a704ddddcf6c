/**
 * The fingerprint tier: the ATM asks for a finger (a random one, or any), the bank matches the template 1:1
 * or 1:N. A match of another finger than the requested one is "wrong finger"; no match is "no match".
 */
import { and } from 'xstate';
import { fingerprintMode } from '../../profiles.ts';
import { bankCallFailed, failTier, inUseElsewhere } from '../blocks.ts';
import { sessionSetup } from '../setup.ts';

export const fingerprintTier = sessionSetup.createStateConfig({
  entry: 'pickFinger',
  initial: 'waiting',
  states: {
    waiting: {
      meta: { screen: 'place-finger' },
      after: { input: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'timeout' } } } },
      on: { FINGER: { target: 'verifying', actions: 'keepTemplate' } },
    },
    verifying: {
      meta: { screen: 'checking-finger' },
      invoke: {
        src: 'matchFingerprint',
        input: ({ context }) =>
          fingerprintMode(context.profile, context.tierIndex) === '1:1'
            ? { template: context.template ?? '', customerId: context.customerId }
            : { template: context.template ?? '' },
        onDone: [
          inUseElsewhere(),
          {
            guard: 'fingerAccepted',
            target: '#atm.session.auth.next',
            actions: [{ type: 'identify', params: ({ event }) => event.output }, 'passTier', 'emitTierPassed'],
          },
          { guard: and(['lastAttempt', 'verdictOk']), target: '#atm.ending', actions: failTier('wrong-finger', 'lockout') },
          { guard: 'lastAttempt', target: '#atm.ending', actions: failTier('no-match', 'lockout') },
          { guard: 'verdictOk', target: 'waiting', actions: failTier('wrong-finger') },
          { target: 'waiting', actions: failTier('no-match') },
        ],
        onError: bankCallFailed(),
      },
    },
  },
});
