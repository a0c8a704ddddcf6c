/** The result of a transaction (context.result, drawn by screens.ts): ENTER for more, CANCEL or silence ends. */
import { sessionSetup } from './setup.ts';

export const result = sessionSetup.createStateConfig({
  meta: { screen: 'result' },
  after: { input: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'completed' } } } },
  on: {
    KEY: [
      { guard: { type: 'isKey', params: { key: 'ENTER' } }, target: 'menu' },
      {
        guard: { type: 'isKey', params: { key: 'CANCEL' } },
        target: '#atm.ending',
        actions: { type: 'endAs', params: { reason: 'completed' } },
      },
    ],
  },
});
