// Notes taken before Present (the attack re-review): a Dispense that timed out still pays, and once the customer took
// those notes the face went on believing they waited at the exit: every later Dispense, from any connection, was
// itemsLeft and Status said `notEmpty` while the dispenser said `presented: 0`. The face follows the device's `taken`.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AtmClient } from '../atm-client.ts';
import type { XfsClient } from './client.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
let person: AtmClient;

beforeAll(async () => {
  face = await startFaceRig([{ id: 'atm-1', dispenser: { dispenseMs: 300 } }]);
  person = await AtmClient.connect(face.rig.brokerUrl, 'atm-1', face.rig.bus.simulator);
  await person.until(() => dispenser()?.online === true, 'the dispenser online');
});
afterAll(async () => {
  await person?.close();
  await face?.rig.close();
});

const denomination = { denomination: { service: { currencies: { ZMW: 100 } } } };
const dispenser = () => person.messages.findLast((m) => m.topic === 'atm/atm-1/dispenser/state')?.payload;
const exit = async (cash: XfsClient) => {
  const status = (await cash.command('Common.Status')).payload as { cashDispenser: { positions: { positionStatus: string }[] } };
  return status.cashDispenser.positions[0]!.positionStatus;
};
/** The exit as the face's Status says, once it says `want` (the face hears `taken` on its own MQTT client). */
const exitBecomes = async (cash: XfsClient, want: string) => {
  let seen = await exit(cash);
  for (const start = Date.now(); seen !== want && Date.now() - start < 3000; seen = await exit(cash))
    await new Promise((r) => setTimeout(r, 25));
  return seen;
};

it('a timed-out Dispense whose notes the customer took: Status empty, and the next Dispense pays', async () => {
  let cash = await face.connect('CashDispenser');
  const timedOut = await cash.command('CashDispenser.Dispense', { denomination }, { timeout: 50 });
  expect(timedOut.completionCode).toBe('timeOut');
  // It still pays (docs/xfs4iot.md); the customer takes the notes.
  await person.until(() => Number(dispenser()?.presented) > 0, 'the notes at the exit');
  await person.takeCash();
  await person.until(() => dispenser()?.presented === 0, 'the notes taken');
  await cash.close();

  cash = await face.connect('CashDispenser');
  expect(await exitBecomes(cash, 'empty')).toBe('empty');
  const mark = person.messages.length;
  expect((await cash.command('CashDispenser.Dispense', { denomination })).completionCode).toBe('success');
  expect((await person.nextMessage('/dispenser/evt/dispensed', mark)).payload).toMatchObject({ amount: 10_000 });
  expect(await exit(cash)).toBe('notEmpty');

  // Taken before Present: Present is still answered, ItemsTakenEvent right after it; then nothing is left.
  await person.takeCash();
  await person.until(() => dispenser()?.presented === 0, 'the notes taken');
  expect(await exitBecomes(cash, 'empty')).toBe('empty');
  const taken = cash.nextUnsolicited('CashManagement.ItemsTakenEvent');
  expect((await cash.command('CashDispenser.Present')).completionCode).toBe('success');
  expect(await taken).toEqual({ position: 'outDefault' });
  expect((await cash.command('CashDispenser.Present')).payload).toEqual({ errorCode: 'noItems' });
  expect(face.problems).toEqual([]);
  expect(cash.invalid).toEqual([]);
  await cash.close();
});
