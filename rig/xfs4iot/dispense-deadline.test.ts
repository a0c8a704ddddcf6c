// The face's dispense carries a deadline (the attack review): the Dispense's header timeout, counted from its
// acknowledge on the rig clock, as the rig's controller sends its own. A dispense command held up on the wire past it
// is answered `expired` by the dispenser and pays nothing (devices/dispenser/seen-refs.ts).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AtmClient } from '../atm-client.ts';
import { startFaceRig, type FaceRig } from './testing.ts';

let face: FaceRig;
let person: AtmClient;
beforeAll(async () => {
  face = await startFaceRig();
  person = await AtmClient.connect(face.rig.brokerUrl, 'atm-1', face.rig.bus.simulator);
});
afterAll(async () => {
  await person?.close();
  await face?.rig.close();
});

it("sends the Dispense's timeout to the dispenser as its deadline; without a timeout, none", async () => {
  const cash = await face.connect('CashDispenser');
  const denomination = { denomination: { service: { currencies: { ZMW: 100 } } } };
  await person.until(
    () => person.messages.findLast((m) => m.topic === 'atm/atm-1/dispenser/state')?.payload.online === true,
    'the dispenser online',
  );
  let mark = person.messages.length;
  const before = face.rig.clock.now();
  expect((await cash.command('CashDispenser.Dispense', { denomination }, { timeout: 30_000 })).completionCode).toBe('success');
  const after = face.rig.clock.now();
  const sent = (await person.nextMessage('/dispenser/cmd/dispense', mark)).payload;
  expect(sent.deadline).toBeGreaterThanOrEqual(before + 30_000);
  expect(sent.deadline).toBeLessThanOrEqual(after + 30_000);

  await cash.command('CashDispenser.Present');
  await person.takeCash();
  await person.until(() => person.messages.findLast((m) => m.topic === 'atm/atm-1/dispenser/state')?.payload.presented === 0, 'taken');
  mark = person.messages.length;
  expect((await cash.command('CashDispenser.Dispense', { denomination })).completionCode).toBe('success');
  expect((await person.nextMessage('/dispenser/cmd/dispense', mark)).payload).not.toHaveProperty('deadline');
  expect(face.problems).toEqual([]);
  await cash.close();
});
