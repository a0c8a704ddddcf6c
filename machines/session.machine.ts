/**
 * The ATM session statechart.
 *
 * idle -> session (auth tiers in profile order -> menu -> transaction -> result -> menu | end) -> ending -> idle
 *
 * Pure logic: the bank and the devices are reached only through the actors and actions named in `setup`
 * (session/setup.ts), which the controller supplies with `machine.provide(...)`; time comes from the actor's
 * clock (XState's `SimulatedClock` in tests); randomness from a seed kept in the context. The machine records
 * what happened (`result`, `notice` as data); the LCD is derived from the snapshot by `screens.ts`.
 *
 * Where things are:
 *   session/setup.ts          types, bank actors, guards, actions, delays
 *   session/context.ts        the context, results and notices as data, money formatting
 *   session/blocks.ts         repeated shapes: keypad entry, bank call failed, tier failed
 *   session/auth/*.ts         the auth tiers: card, credentials, fingerprint, PIN/password, OTP
 *   session/menu.ts, session/tx/*.ts, session/result.ts, session/ending.ts
 */
import { and, not } from 'xstate';
import { nextInt } from '../core/random.ts';
import { auth } from './session/auth/index.ts';
import { EMPTY_ENTRY } from './session/context.ts';
import { ending } from './session/ending.ts';
import { menu } from './session/menu.ts';
import { result } from './session/result.ts';
import { sessionSetup } from './session/setup.ts';
import { balance } from './session/tx/balance.ts';
import { changeSecret } from './session/tx/change-secret.ts';
import { statement } from './session/tx/statement.ts';
import { transfer } from './session/tx/transfer.ts';
import { withdraw } from './session/tx/withdraw.ts';

export {
  TX_OPTIONS,
  formatAmount,
  formatMoney,
  statementLines,
  toMinor,
  type Notice,
  type SessionContext,
  type TxResult,
} from './session/context.ts';

export const sessionMachine = sessionSetup.createMachine({
  id: 'atm',
  context: ({ input }) => ({
    profile: input.profile,
    atmId: input.atmId,
    money: input.money,
    rng: input.seed >>> 0,
    sessionId: '',
    tierIndex: 0,
    attempts: 0,
    cardInside: false,
    entry: EMPTY_ENTRY,
    fields: {},
    txSeq: 0,
    retainCard: false,
    offline: [],
  }),
  // Device status is tracked in every state; only an idle ATM acts on it (a session in progress is let finish).
  on: { DEVICE_STATUS: { actions: 'trackDevice' } },
  initial: 'idle',
  states: {
    idle: {
      meta: { screen: 'welcome' },
      entry: 'resetSession',
      always: { guard: 'deviceMissing', target: 'outOfService' },
      on: {
        KEY: {
          guard: and([not('cardProfile'), { type: 'isKey', params: { key: 'ENTER' } }]),
          target: 'session',
        },
        CARD_INSERTED: [
          { guard: 'cardProfile', target: 'session', actions: 'storeCard' },
          // A cardless ATM hands a card straight back.
          { actions: 'ejectCard' },
        ],
      },
    },

    outOfService: {
      meta: { screen: 'out-of-service' },
      always: { guard: not('deviceMissing'), target: 'idle' },
      on: {
        // A card pushed into a broken ATM comes straight back.
        CARD_INSERTED: { actions: 'ejectCard' },
      },
    },

    session: {
      entry: ['startSession', 'emitStarted'],
      on: {
        KEY: {
          guard: { type: 'isKey', params: { key: 'CANCEL' } },
          target: 'ending',
          actions: { type: 'endAs', params: { reason: 'cancelled' } },
        },
      },
      initial: 'auth',
      states: {
        auth,
        menu,
        withdraw,
        balance,
        transfer,
        change: changeSecret,
        statement,
        result,
      },
    },

    ending,
  },
});

export type SessionMachine = typeof sessionMachine;

/** The finger the first session of a fresh machine with this seed asks for, when its first tier is a random
 *  finger. Tests use it to pick a seed that reproduces a published case ("the ATM asked for finger 3"). */
export function firstRequestedFinger(seed: number): number {
  const [, afterSessionId] = nextInt(seed >>> 0, 0, 0xffffff);
  return nextInt(afterSessionId, 1, 10)[0];
}
