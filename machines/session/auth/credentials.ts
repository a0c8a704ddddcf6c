/** The username + password tier: two entries, one bank check, retries until the attempts run out. */
import { currentTier, type EntryParams, type SessionContext } from '../context.ts';
import { bankCallFailed, enterOnComplete, failTier, typing } from '../blocks.ts';
import { sessionSetup } from '../setup.ts';

/** The tier's entries, sized by its `usernameMaxLength` and `passwordLength`. */
function credentialEntry(context: SessionContext, field: 'username' | 'password'): EntryParams {
  const tier = currentTier(context);
  const usernameMax = tier?.kind === 'username+password' ? tier.usernameMaxLength : 12;
  const passwordLength = tier?.kind === 'username+password' ? tier.passwordLength : 6;
  return field === 'username'
    ? { field, label: 'Username', minLength: 1, maxLength: usernameMax, charset: 'alphanumeric', masked: false }
    : { field, label: 'Password', minLength: passwordLength, maxLength: passwordLength, charset: 'alphanumeric', masked: true };
}

export const credentialsTier = sessionSetup.createStateConfig({
  initial: 'username',
  states: {
    username: {
      meta: { screen: 'enter-username' },
      entry: [{ type: 'beginEntry', params: ({ context }) => credentialEntry(context, 'username') }],
      ...typing(),
      on: { KEY: { guard: enterOnComplete(), target: 'password', actions: 'keepEntry' } },
    },
    password: {
      meta: { screen: 'enter-password' },
      entry: [{ type: 'beginEntry', params: ({ context }) => credentialEntry(context, 'password') }],
      ...typing(),
      on: { KEY: { guard: enterOnComplete(), target: 'verifying', actions: 'keepEntry' } },
    },
    verifying: {
      meta: { screen: 'verifying' },
      invoke: {
        src: 'verifyCredentials',
        input: ({ context }) => ({ username: context.fields.username ?? '', password: context.fields.password ?? '' }),
        onDone: [
          {
            guard: 'verdictOk',
            target: '#atm.session.auth.next',
            actions: [{ type: 'identify', params: ({ event }) => event.output }, 'passTier', 'emitTierPassed'],
          },
          { guard: 'lastAttempt', target: '#atm.ending', actions: failTier('wrong-credentials', 'lockout') },
          { target: 'username', actions: failTier('wrong-credentials') },
        ],
        onError: bankCallFailed(),
      },
    },
  },
});
