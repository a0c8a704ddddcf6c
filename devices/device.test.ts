// attachDevice against a real Aedes broker: what a device may do while it is being closed.
import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { afterAll, expect, it } from 'vitest';
import { systemClock } from '../core/clock.ts';
import { createRandom } from '../core/random.ts';
import { attachDevice, type DeviceContext } from './device.ts';

const aedes = await Aedes.createBroker();
const server = createServer((socket) => aedes.handle(socket));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(async () => {
  await new Promise<void>((r) => aedes.close(() => r()));
  await new Promise<void>((r) => server.close(() => r()));
});

it('a state change while the device is being closed is not sent, and does not throw (a serial link going down as its port closes)', async () => {
  let ctx: DeviceContext | undefined;
  const attached = await attachDevice(
    { kind: 'keypad', impl: 'serial:/dev/null', initialState: () => ({}), start: (c) => void (ctx = c), command: () => {} },
    { brokerUrl: url, atmId: 'atm-1', clock: systemClock, random: createRandom(1) },
  );
  // mqtt.js reports a publish on a closing client as an 'error' event: it surfaced as an unhandled rejection.
  const errors: Error[] = [];
  attached.client.prependListener('error', (err) => errors.push(err));
  const closing = attached.close();
  for (let i = 0; i < 200 && !attached.client.disconnecting; i++) await new Promise((r) => setImmediate(r));
  expect(attached.client.disconnecting).toBe(true);
  expect(() => ctx!.setState({ online: false, link: 'down' })).not.toThrow();
  await closing;
  expect(errors).toEqual([]);
});
