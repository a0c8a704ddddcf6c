/** Change the PIN (or, in a profile without one, the password): current, new, confirm, one bank call. */
import { changeableSecret } from '../../profiles.ts';
import { secretKind, type EntryParams, type SessionContext } from '../context.ts';
import { bankCallFailed, enterOnComplete, typing } from '../blocks.ts';
import { sessionSetup } from '../setup.ts';

function secretEntry(context: SessionContext, field: string, label: string): EntryParams {
  const kind = secretKind(context);
  const tier = context.profile.tiers.find((t) => t.kind === kind);
  const length = tier && (tier.kind === 'pin' || tier.kind === 'password') ? tier.length : kind === 'pin' ? 4 : 6;
  return {
    field,
    label: `${label} ${kind === 'pin' ? 'PIN' : 'password'}`,
    minLength: length,
    maxLength: length,
    charset: kind === 'pin' ? 'digits' : 'alphanumeric',
    masked: true,
  };
}

export const changeSecret = sessionSetup.createStateConfig({
  initial: 'current',
  states: {
    current: {
      meta: { screen: 'enter-current-secret' },
      entry: { type: 'beginEntry', params: ({ context }) => secretEntry(context, 'current', 'Current') },
      ...typing(),
      on: { KEY: { guard: enterOnComplete(), target: 'next', actions: 'keepEntry' } },
    },
    next: {
      meta: { screen: 'enter-new-secret' },
      entry: { type: 'beginEntry', params: ({ context }) => secretEntry(context, 'next', 'New') },
      ...typing(),
      on: { KEY: { guard: enterOnComplete(), target: 'confirm', actions: 'keepEntry' } },
    },
    confirm: {
      meta: { screen: 'confirm-new-secret' },
      entry: { type: 'beginEntry', params: ({ context }) => secretEntry(context, 'confirm', 'Confirm') },
      ...typing(),
      on: {
        KEY: [
          { guard: enterOnComplete('confirmMatches'), target: 'submitting', actions: ['keepEntry', 'clearNotice'] },
          {
            guard: enterOnComplete(),
            target: 'next',
            actions: [
              { type: 'setNotice', params: { code: 'entries-differ' } },
              { type: 'emitEntryRefused', params: { reason: 'entries-differ' } },
            ],
          },
        ],
      },
    },
    submitting: {
      invoke: {
        src: 'changeSecret',
        input: ({ context }) => ({
          customerId: context.customerId!,
          kind: changeableSecret(context.profile),
          current: context.fields.current ?? '',
          next: context.fields.next ?? '',
        }),
        onDone: [
          {
            guard: 'verdictOk',
            target: '#atm.session.result',
            actions: [
              { type: 'setResult', params: ({ context }) => ({ kind: 'secret-changed', secret: secretKind(context) }) },
              { type: 'emitTransaction', params: { kind: 'change-secret', ok: true } },
            ],
          },
          {
            target: '#atm.session.result',
            actions: [
              {
                type: 'setResult',
                params: ({ context, event }) => ({
                  kind: 'secret-not-changed',
                  secret: secretKind(context),
                  reason: event.output.ok ? '' : event.output.reason,
                }),
              },
              {
                type: 'emitTransaction',
                params: ({ event }) => ({ kind: 'change-secret', ok: false, reason: event.output.ok ? 'unknown' : event.output.reason }),
              },
            ],
          },
        ],
        onError: bankCallFailed(),
      },
    },
  },
});
