/** Balance: one bank call, then the result screen. */
import { bankCallFailed } from '../blocks.ts';
import { sessionSetup } from '../setup.ts';

export const balance = sessionSetup.createStateConfig({
  invoke: {
    src: 'getBalance',
    input: ({ context }) => ({ accountId: context.accountId! }),
    onDone: {
      target: 'result',
      actions: [
        { type: 'setResult', params: ({ event }) => ({ kind: 'balance', balance: event.output.balance }) },
        { type: 'emitTransaction', params: { kind: 'balance', ok: true } },
      ],
    },
    onError: bankCallFailed(),
  },
});
