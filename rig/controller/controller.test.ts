// What the controller puts on the bus for what it is told: a screen per state the session rests in (not one per
// key of a burst), and a device's presence passed to the session only when it changes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { connectBus } from '../../core/bus.ts';
import { AtmClient } from '../atm-client.ts';
import { startRig, type Rig } from '../rig.ts';

let rig: Rig;
let person: AtmClient;
const deviceStatus: string[] = [];

beforeAll(async () => {
  rig = await startRig(
    {
      seed: 7,
      broker: { port: 0, wsPort: null, hashIterations: 10 },
      bank: { port: 0, file: ':memory:', hashLogN: 10 },
      atms: [{ id: 'atm-1', profile: 'seed001' }],
    },
    {
      inspect: (_atm, _profile, e: InspectionEvent) => {
        if (e.type === '@xstate.event' && e.event.type === 'DEVICE_STATUS') deviceStatus.push(`${e.event.device} ${e.event.online}`);
      },
    },
  );
  await fetch(`${rig.bank.url}/staff/seed`, { method: 'POST', headers: await rig.bank.staffHeaders() });
  person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
});

afterAll(async () => {
  await person?.close();
  await rig?.close();
});

it('draws the screen once for keys handled in one turn, and the state it rests in', async () => {
  await person.untilScreen('welcome');
  await person.press('ENTER');
  const { requestedFinger } = await person.untilScreen('place-finger');
  await person.placeFinger(requestedFinger!, 'C0001');
  await person.untilScreen('enter-pin');
  const spy = await connectBus(rig.brokerUrl, 'spy', rig.bus.simulator);
  const shows: string[][] = [];
  spy.on('message', (_t, payload) => shows.push((JSON.parse(String(payload)) as { lines: string[] }).lines));
  await spy.subscribeAsync('atm/atm-1/lcd/cmd/show', { qos: 1 });
  try {
    const controller = rig.atms[0]!.controller!;
    for (const key of ['1', '9', '9']) controller.actor.send({ type: 'KEY', key }); // three keys in one turn
    await person.until(() => shows.length > 0, 'a screen');
    await new Promise((r) => setTimeout(r, 100));
    expect(shows).toEqual([['Enter PIN', '***', '', 'ENTER=OK CANCEL=quit']]);
    expect(person.session).toMatchObject({ screen: 'enter-pin', input: { length: 3 } });
  } finally {
    await spy.endAsync();
  }
  await person.press('CANCEL');
  await person.untilScreen('welcome');
});

it("passes on a device's presence when it changes, not each state it publishes", async () => {
  // Every screen above was an LCD state: none of them was news to the session.
  expect(deviceStatus.filter((s) => s.startsWith('lcd '))).toEqual(['lcd true']);
  // The keypad's own client says it is gone, twice, then back.
  const keypad = rig.atms[0]!.devices.find((d) => d.device.kind === 'keypad')!.client;
  const say = (online: boolean) =>
    keypad.publishAsync('atm/atm-1/keypad/state', JSON.stringify({ online, kind: 'keypad', impl: 'virtual' }), {
      qos: 1,
      retain: true,
    });
  await say(false);
  await person.untilScreen('out-of-service');
  await say(false);
  await say(true);
  await person.untilScreen('welcome');
  expect(deviceStatus.filter((s) => s.startsWith('keypad '))).toEqual(['keypad true', 'keypad false', 'keypad false', 'keypad true']);
});
