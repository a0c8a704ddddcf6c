/**
 * The end of a session: tell the world, then the card (retained after a lockout that says so, else ejected and,
 * when not taken in time, retained), then goodbye for a moment, then idle.
 */
import { sessionSetup } from './setup.ts';

export const ending = sessionSetup.createStateConfig({
  entry: 'emitEnded',
  initial: 'deciding',
  states: {
    deciding: {
      always: [{ guard: 'shouldRetainCard', target: 'retaining' }, { guard: 'cardInside', target: 'ejecting' }, { target: 'goodbye' }],
    },
    ejecting: {
      meta: { screen: 'take-card' },
      entry: 'ejectCard',
      after: { cardTake: { target: 'retaining', actions: { type: 'setNotice', params: { code: 'card-not-taken' } } } },
      on: { CARD_REMOVED: { target: 'goodbye', actions: 'markCardOut' } },
    },
    retaining: {
      meta: { screen: 'card-retained' },
      entry: ['retainCard', 'markCardOut'],
      always: 'goodbye',
    },
    goodbye: {
      meta: { screen: 'goodbye' },
      after: { message: '#atm.idle' },
    },
  },
});
