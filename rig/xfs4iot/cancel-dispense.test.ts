// A Dispense cancelled while its notes are counted (the attack review of #14): the notes still come to the exit, and
// the next Dispense sees them (itemsLeft) instead of paying beside them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtmClient } from '../atm-client.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
let person: AtmClient;

beforeAll(async () => {
  face = await startFaceRig([{ id: 'atm-1', dispenser: { dispenseMs: 400 } }]);
  person = await AtmClient.connect(face.rig.brokerUrl, 'atm-1', face.rig.bus.simulator);
});
afterAll(async () => {
  await person?.close();
  await face?.rig.close();
});

describe('a cancelled Dispense', () => {
  it('completes canceled, its notes still reach the exit, and the next Dispense is refused itemsLeft, not paid', async () => {
    const cash = await face.connect('CashDispenser');
    const request = { denomination: { service: { currencies: { ZMW: 100 } } } };
    await person.until(
      () => person.messages.findLast((m) => m.topic === 'atm/atm-1/dispenser/state')?.payload.online === true,
      'the dispenser online',
    );
    const mark = person.messages.length;
    const first = cash.command('CashDispenser.Dispense', { denomination: request }, { requestId: 60 });
    await person.nextMessage('/dispenser/cmd/dispense', mark);
    await cash.command('Common.Cancel', { requestIds: [60] });
    expect((await first).completionCode).toBe('canceled');
    const second = await cash.command('CashDispenser.Dispense', { denomination: request });
    expect(second.payload).toEqual({ errorCode: 'itemsLeft' });
    // One payout in all: the dispenser was asked once.
    expect(person.messages.slice(mark).filter((m) => m.topic.endsWith('/dispenser/cmd/dispense'))).toHaveLength(1);
    expect(face.problems).toEqual([]);
    await cash.close();
  });
});
