/** The menu: each transaction the profile offers under its key (TX_OPTIONS); CANCEL ends the session. The FDKs beside
 *  the LCD choose what their line shows (menu-layout.ts). */
import { sessionSetup } from './setup.ts';

export const menu = sessionSetup.createStateConfig({
  meta: { screen: 'menu' },
  entry: 'nextTx',
  after: { input: { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'timeout' } } } },
  on: {
    KEY: [
      { guard: { type: 'chooses', params: { kind: 'withdraw' } }, target: 'withdraw' },
      { guard: { type: 'chooses', params: { kind: 'balance' } }, target: 'balance' },
      { guard: { type: 'chooses', params: { kind: 'transfer' } }, target: 'transfer' },
      { guard: { type: 'chooses', params: { kind: 'change-secret' } }, target: 'change' },
      { guard: { type: 'chooses', params: { kind: 'statement' } }, target: 'statement' },
      {
        guard: 'endsMenu',
        target: '#atm.ending',
        actions: { type: 'endAs', params: { reason: 'completed' } },
      },
    ],
  },
});
