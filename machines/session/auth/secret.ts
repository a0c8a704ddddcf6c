/** A PIN or password tier: enter, verify, retry until the attempts run out (or the bank locks the customer). */
import { currentTier, type EntryParams, type SessionContext } from '../context.ts';
import { bankCallFailed, enterOnComplete, failTier, inUseElsewhere, typing } from '../blocks.ts';
import { sessionSetup } from '../setup.ts';

function secretEntry(context: SessionContext, kind: 'pin' | 'password'): EntryParams {
  const tier = currentTier(context);
  const length = tier?.kind === kind ? tier.length : 4;
  return kind === 'pin'
    ? { field: 'pin', label: 'Enter PIN', minLength: length, maxLength: length, charset: 'digits', masked: true }
    : { field: 'password', label: 'Enter password', minLength: length, maxLength: length, charset: 'alphanumeric', masked: true };
}

export function secretTier(kind: 'pin' | 'password') {
  const reason = kind === 'pin' ? 'wrong-pin' : 'wrong-password';
  return sessionSetup.createStateConfig({
    initial: 'entering',
    states: {
      entering: {
        meta: { screen: kind === 'pin' ? 'enter-pin' : 'enter-password' },
        entry: { type: 'beginEntry', params: ({ context }) => secretEntry(context, kind) },
        ...typing(),
        on: { KEY: { guard: enterOnComplete(), target: 'verifying', actions: 'keepEntry' } },
      },
      verifying: {
        meta: { screen: 'verifying' },
        invoke: {
          src: 'verifySecret',
          input: ({ context }) => ({ customerId: context.customerId!, kind, value: context.fields[kind] ?? '' }),
          onDone: [
            { guard: 'verdictOk', target: '#atm.session.auth.next', actions: ['passTier', 'emitTierPassed'] },
            inUseElsewhere(),
            { guard: 'bankLocked', target: '#atm.ending', actions: failTier('locked', 'accountLocked') },
            { guard: 'lastAttempt', target: '#atm.ending', actions: failTier(reason, 'lockout') },
            { target: 'entering', actions: failTier(reason) },
          ],
          onError: bankCallFailed(),
        },
      },
    },
  });
}
