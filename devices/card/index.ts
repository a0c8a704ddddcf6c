/** The card reader: motorised, it takes a card, reads it, ejects or retains it. Virtual only (no serial driver yet). */
import { strictObject } from '../../core/strict-schema.ts';
import { defineDevice } from '../module.ts';
import { contract } from './contract.ts';
import { reference } from './reference.ts';
import { VirtualCardReader } from './virtual.ts';

export const card = defineDevice({
  kind: 'card',
  title: 'card reader',
  contract,
  reference,
  options: strictObject({}),
  virtual: () => new VirtualCardReader(),
  toSession: (event, p) =>
    event === 'inserted' ? { type: 'CARD_INSERTED', pan: p.pan as string } : event === 'removed' ? { type: 'CARD_REMOVED' } : undefined,
  observerDenied: [
    { topic: 'evt/inserted', why: 'the full card number' },
    { topic: 'sim/insert', why: 'the full card number' },
  ],
});
