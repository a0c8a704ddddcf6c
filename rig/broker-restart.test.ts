// The embedded broker restarted (a crash: sessions and retained messages lost): every client of the rig comes back
// by itself, publishes again the retained state it owns, and can hear what is sent to it as soon as it says so.
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectBus } from '../core/bus.ts';
import { startBroker } from './broker.ts';
import { topics } from '../devices/topics.ts';
import { AtmClient } from './atm-client.ts';
import { startRig, type Rig } from './rig.ts';

let rig: Rig;
let person: AtmClient;

beforeAll(async () => {
  rig = await startRig({
    seed: 7,
    clock: 'manual',
    broker: { port: 0, wsPort: null, hashIterations: 10 },
    bank: { port: 0, file: ':memory:', hashLogN: 4 },
    atms: [{ id: 'atm-1' }],
  });
  person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
  await person.untilScreen('welcome');
});
afterAll(async () => {
  await person?.close();
  await rig?.close();
});

it('publishes every retained state again (devices, session, clock, faults), and a key pressed when the keypad is back is heard', async () => {
  const mark = person.messages.length;
  await rig.broker!.restart();
  const keypad = topics.deviceState('atm-1', 'keypad');
  await person.until(
    () => person.messages.slice(mark).some((m) => m.topic === keypad && m.payload.online === true),
    'the keypad back online',
    10_000,
  );
  // At once: the keypad said it is back only once it could hear its sim topic again.
  await person.press('ENTER');
  await person.untilScreen('place-finger');
  await person.press('CANCEL');

  // A reader who comes after the restart finds the retained state of everything, over TCP.
  const reader = await mqtt.connectAsync(rig.brokerUrl, { ...rig.bus.simulator, reconnectPeriod: 0 });
  const retained = new Set<string>();
  reader.on('message', (topic, _payload, packet) => packet.retain && retained.add(topic));
  await reader.subscribeAsync(['rig/#', 'atm/atm-1/+/state'], { qos: 1 });
  await expect
    .poll(() => [...retained].sort(), { timeout: 5000 })
    .toEqual(expect.arrayContaining([topics.clock.state, topics.fault.state, topics.sessionState('atm-1'), keypad]));
  await reader.endAsync();
});

it('closes a connection whose login is still being checked, in memory and over TCP: both find the restarted broker', async () => {
  let slow = true;
  const broker = await startBroker({
    port: 0,
    wsPort: null,
    hooks: { authenticate: (_client, _user, _password, done) => (slow ? setTimeout(() => done(null, true), 200) : done(null, true)) },
  });
  const clients: MqttClient[] = [];
  try {
    clients.push(await connectBus(broker.url, 'in-memory', { reconnectPeriod: 50 }));
    clients.push(await mqtt.connectAsync(broker.url, { reconnectPeriod: 50 }));
    const back = clients.map((c) => new Promise<void>((resolve) => c.once('connect', () => resolve())));
    for (const c of clients) c.stream.destroy(); // both reconnect in 50 ms; their logins take 200
    await new Promise((r) => setTimeout(r, 120));
    await broker.restart(); // left alone, both waited 30 s (mqtt.js's connect timeout), and the TCP server's close with them
    slow = false;
    await Promise.all(back);
    expect(clients.map((c) => c.connected)).toEqual([true, true]);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.close();
  }
});
