/** Mini statement: the last three entries, on the LCD and on a receipt. */
import { statementLines } from '../context.ts';
import { bankCallFailed } from '../blocks.ts';
import { sessionSetup } from '../setup.ts';

export const statement = sessionSetup.createStateConfig({
  invoke: {
    src: 'miniStatement',
    input: ({ context }) => ({ accountId: context.accountId!, limit: 3 }),
    onDone: {
      target: 'result',
      actions: [
        { type: 'setResult', params: ({ event }) => ({ kind: 'statement', entries: event.output.entries }) },
        { type: 'emitTransaction', params: { kind: 'statement', ok: true } },
        {
          type: 'emitReceipt',
          params: ({ context, event }) => ({
            lines: [`ATM ${context.atmId}`, 'MINI STATEMENT', ...statementLines(event.output.entries, context.money.minorDigits)],
          }),
        },
      ],
    },
    onError: bankCallFailed(),
  },
});
