/** Authentication: the profile's tiers in order (`next` routes to the current one), then the menu. */
import { sessionSetup } from '../setup.ts';
import { cardTier } from './card.ts';
import { credentialsTier } from './credentials.ts';
import { fingerprintTier } from './fingerprint.ts';
import { otpTier } from './otp.ts';
import { secretTier } from './secret.ts';

export const auth = sessionSetup.createStateConfig({
  initial: 'next',
  states: {
    next: {
      always: [
        { guard: 'allTiersPassed', target: '#atm.session.menu', actions: 'emitAuthenticated' },
        { guard: 'tierIsCard', target: 'card' },
        { guard: 'tierIsCredentials', target: 'credentials' },
        { guard: 'tierIsFingerprint', target: 'fingerprint' },
        { guard: 'tierIsPin', target: 'pin' },
        { guard: 'tierIsPassword', target: 'password' },
        { guard: 'tierIsOtp', target: 'otp' },
      ],
    },
    card: cardTier,
    credentials: credentialsTier,
    fingerprint: fingerprintTier,
    pin: secretTier('pin'),
    password: secretTier('password'),
    otp: otpTier,
  },
});
