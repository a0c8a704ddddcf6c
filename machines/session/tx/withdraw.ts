/**
 * Withdraw: the amount, a reservation at the bank, then the money moves (dispense, then commit; or, when the
 * dispenser fails or times out, reverse the reservation so the account is not debited).
 */
import { formatMoney, type SessionContext } from '../context.ts';
import { bankCallFailed, enterOnComplete, typing } from '../blocks.ts';
import { sessionSetup } from '../setup.ts';

/** The event reason of a reversed withdrawal: what the dispenser said (the notice), e.g. `dispenser timeout`. */
function dispenseFailure(context: SessionContext): string {
  return context.notice?.code === 'dispenser' ? `dispenser ${context.notice.reason}` : 'dispense failed';
}

function receipt(context: SessionContext, balance: number): string[] {
  const money = (minor: number) => formatMoney(minor, context.money.currency, context.money.minorDigits);
  return [
    `ATM ${context.atmId}`,
    `WITHDRAWAL ${money(context.withdrawal!.amount)}`,
    `BALANCE ${money(balance)}`,
    `REF ${context.withdrawal!.ref}`,
  ];
}

export const withdraw = sessionSetup.createStateConfig({
  initial: 'amount',
  states: {
    amount: {
      meta: { screen: 'enter-amount' },
      entry: {
        type: 'beginEntry',
        params: { field: 'amount', label: 'Amount', minLength: 1, maxLength: 6, charset: 'digits', masked: false },
      },
      ...typing(),
      on: {
        KEY: [
          { guard: enterOnComplete('amountValid'), target: 'reserving', actions: ['keepEntry', 'clearNotice', 'planWithdrawal'] },
          {
            guard: enterOnComplete(),
            target: 'amount',
            reenter: true,
            actions: [
              { type: 'setNotice', params: { code: 'amount-rule' } },
              { type: 'emitEntryRefused', params: { reason: 'amount-rule' } },
            ],
          },
        ],
      },
    },
    reserving: {
      invoke: {
        src: 'reserveWithdrawal',
        input: ({ context }) => ({ accountId: context.accountId!, amount: context.withdrawal!.amount, key: context.withdrawal!.ref }),
        onDone: [
          {
            guard: 'verdictOk',
            target: 'inFlight',
            actions: {
              type: 'keepWithdrawalId',
              params: ({ event }) => ({ withdrawalId: event.output.ok ? event.output.withdrawalId : '' }),
            },
          },
          {
            target: '#atm.session.result',
            actions: [
              {
                type: 'setResult',
                params: ({ event }) => ({ kind: 'refused', reason: event.output.ok ? 'unknown' : event.output.reason }),
              },
              {
                type: 'emitTransaction',
                params: ({ event }) => ({ kind: 'withdraw', ok: false, reason: event.output.ok ? 'unknown' : event.output.reason }),
              },
            ],
          },
        ],
        onError: bankCallFailed(),
      },
    },
    inFlight: {
      // Money is moving (notes counted, the bank settling): no key, CANCEL included, can stop it now.
      on: { KEY: { actions: [] } },
      initial: 'dispensing',
      states: {
        dispensing: {
          meta: { screen: 'dispensing' },
          entry: { type: 'dispense', params: ({ context }) => ({ ref: context.withdrawal!.ref, amount: context.withdrawal!.amount }) },
          after: { dispense: { target: 'reversing', actions: { type: 'setNotice', params: { code: 'dispenser', reason: 'timeout' } } } },
          on: {
            DISPENSED: [
              { guard: 'dispensedAsAsked', target: 'committing', actions: 'keepNotes' },
              // A count that does not add up is not believed: the account is not debited (the cash is reconciled
              // when the cassettes are counted).
              {
                guard: 'ownDispense',
                target: 'reversing',
                actions: { type: 'setNotice', params: { code: 'dispenser', reason: 'miscount' } },
              },
            ],
            DISPENSE_FAILED: {
              guard: 'ownDispense',
              target: 'reversing',
              actions: { type: 'setNotice', params: ({ event }) => ({ code: 'dispenser', reason: event.reason }) },
            },
          },
        },
        committing: {
          invoke: {
            src: 'commitWithdrawal',
            input: ({ context }) => ({ withdrawalId: context.withdrawal!.withdrawalId! }),
            onDone: {
              target: '#atm.session.result',
              actions: [
                {
                  type: 'setResult',
                  params: ({ context, event }) => ({
                    kind: 'withdrawal',
                    amount: context.withdrawal!.amount,
                    balance: event.output.balance,
                  }),
                },
                { type: 'emitTransaction', params: { kind: 'withdraw', ok: true } },
                { type: 'emitReceipt', params: ({ context, event }) => ({ lines: receipt(context, event.output.balance) }) },
              ],
            },
            onError: bankCallFailed(),
          },
        },
        reversing: {
          invoke: {
            src: 'reverseWithdrawal',
            input: ({ context }) => ({ withdrawalId: context.withdrawal!.withdrawalId! }),
            onDone: {
              target: '#atm.session.result',
              actions: [
                { type: 'setResult', params: { kind: 'withdrawal-reversed' } },
                { type: 'emitTransaction', params: ({ context }) => ({ kind: 'withdraw', ok: false, reason: dispenseFailure(context) }) },
              ],
            },
            onError: bankCallFailed(),
          },
        },
      },
    },
  },
});
