// A device whose state changes while its MQTT link is down (its serial link came back, a timer ran): the state goes
// out once the device can hear again, so a reader that acts on it at once (a controller, a person) is heard.
import { afterAll, expect, it } from 'vitest';
import { connectBus } from '../core/bus.ts';
import { systemClock } from '../core/clock.ts';
import { createRandom } from '../core/random.ts';
import { attachDevice, type DeviceContext } from '../devices/device.ts';
import { startBroker } from './broker.ts';

const broker = await startBroker({ port: 0, wsPort: null });
afterAll(() => broker.close());

it('a state change while the link is down is published once the device hears again: a key pressed on seeing it is not lost', async () => {
  let ctx: DeviceContext | undefined;
  const pressed: string[] = [];
  const attached = await attachDevice(
    {
      kind: 'keypad',
      impl: 'serial:/dev/null',
      initialState: () => ({}),
      start: (c) => void (ctx = c),
      command: () => {},
      sim: ({ name }) => void pressed.push(name),
    },
    // By name, as a broker on another host is reached (the reconnect's lookup gives the queued state a head start).
    {
      brokerUrl: broker.url.replace('127.0.0.1', 'localhost'),
      atmId: 'atm-1',
      clock: systemClock,
      random: createRandom(1),
      mqttOptions: { reconnectPeriod: 100 },
    },
  );
  const reader = await connectBus(broker.url, 'reader');
  try {
    // The reader presses a key each time it sees the new state: every one must reach the device.
    let sent = 0;
    reader.on('message', (_topic, payload) => {
      if ((JSON.parse(String(payload)) as { n?: number }).n !== 1) return;
      sent++;
      void reader.publishAsync('atm/atm-1/keypad/sim/press', JSON.stringify({ key: '5' }), { qos: 1 });
    });
    await reader.subscribeAsync('atm/atm-1/keypad/state', { qos: 1 });
    await new Promise((r) => setTimeout(r, 100));
    attached.client.stream.destroy(); // the link drops
    await new Promise((r) => setTimeout(r, 20));
    ctx!.setState({ n: 1 }); // the device changes meanwhile, and has events to send
    ctx!.emit('key', { key: '1' });
    ctx!.emit('key', { key: '2' });
    for (let i = 0; i < 100 && sent === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 500));
    expect(sent).toBeGreaterThan(0);
    expect(pressed).toHaveLength(sent);
  } finally {
    await reader.endAsync();
    await attached.close();
  }
});
