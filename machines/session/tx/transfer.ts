/** Transfer: the target account, the amount, one bank call (idempotent by the transaction's key). */
import { typedAmount } from '../context.ts';
import { bankCallFailed, enterOnComplete, typing } from '../blocks.ts';
import { sessionSetup } from '../setup.ts';

export const transfer = sessionSetup.createStateConfig({
  initial: 'account',
  states: {
    account: {
      meta: { screen: 'enter-account' },
      entry: {
        type: 'beginEntry',
        params: { field: 'to', label: 'To account (10 dig.)', minLength: 10, maxLength: 10, charset: 'digits', masked: false },
      },
      ...typing(),
      on: { KEY: { guard: enterOnComplete(), target: 'amount', actions: 'keepEntry' } },
    },
    amount: {
      meta: { screen: 'enter-amount' },
      entry: {
        type: 'beginEntry',
        params: { field: 'amount', label: 'Amount', minLength: 1, maxLength: 7, charset: 'digits', masked: false },
      },
      ...typing(),
      on: { KEY: { guard: enterOnComplete(), target: 'submitting', actions: 'keepEntry' } },
    },
    submitting: {
      invoke: {
        src: 'transfer',
        input: ({ context }) => ({
          accountId: context.accountId!,
          to: context.fields.to ?? '',
          amount: typedAmount(context),
          key: `${context.sessionId}-${context.txSeq}`,
        }),
        onDone: [
          {
            guard: 'verdictOk',
            target: '#atm.session.result',
            actions: [
              {
                type: 'setResult',
                params: ({ context, event }) => ({
                  kind: 'transfer',
                  amount: typedAmount(context),
                  to: context.fields.to ?? '',
                  ...(event.output.ok ? { balance: event.output.balance } : {}),
                }),
              },
              { type: 'emitTransaction', params: { kind: 'transfer', ok: true } },
            ],
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
                params: ({ event }) => ({ kind: 'transfer', ok: false, reason: event.output.ok ? 'unknown' : event.output.reason }),
              },
            ],
          },
        ],
        onError: bankCallFailed(),
      },
    },
  },
});
