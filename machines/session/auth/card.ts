/** The card tier: the bank looks the card up; an unknown card ends the session (no retries). */
import { bankCallFailed, inUseElsewhere } from '../blocks.ts';
import { sessionSetup } from '../setup.ts';

export const cardTier = sessionSetup.createStateConfig({
  meta: { screen: 'reading-card' },
  invoke: {
    src: 'lookupCard',
    input: ({ context }) => ({ pan: context.pan ?? '' }),
    onDone: [
      {
        guard: 'verdictOk',
        target: 'next',
        actions: [{ type: 'identify', params: ({ event }) => event.output }, 'passTier', 'emitTierPassed'],
      },
      // One session per customer: the bank refuses a card whose customer is at another ATM (a copied card).
      inUseElsewhere(),
      {
        target: '#atm.ending',
        actions: [
          { type: 'setNotice', params: { code: 'unknown-card' } },
          { type: 'endAs', params: { reason: 'unknown-card' } },
        ],
      },
    ],
    onError: bankCallFailed(),
  },
});
