// A rig of 400 virtual ATMs closed at once died of "Maximum call stack size exceeded" (the bench's fleet of 1,000):
// Aedes's emitter capped the messages in flight at 100, queued the rest, and drained its queue recursively, one
// stack frame deep per queued message that no one reads (mcollina/mqemitter#204). The same here with no rig around it.
import mqtt from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from './broker.ts';

let broker: RunningBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

it('takes a burst of thousands of messages no one reads, behind a hundred in flight, and goes on delivering', async () => {
  broker = await startBroker({ port: 0, wsPort: null });
  const reader = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  await reader.subscribeAsync('read/#', { qos: 0 });
  let read = 0;
  reader.on('message', () => read++);
  const publish = (topic: string) =>
    broker!.aedes.publish({ cmd: 'publish', topic, payload: Buffer.from('x'), qos: 0, retain: false, dup: false }, () => {});
  // Each delivery to the reader finishes on a later turn: 150 keep the emitter full while 20,000 others arrive.
  for (let i = 0; i < 150; i++) publish('read/x');
  for (let i = 0; i < 20_000; i++) publish(`nobody/${i % 400}/state`);
  await expect.poll(() => read, { timeout: 10_000 }).toBe(150);
  publish('read/after');
  await expect.poll(() => read).toBe(151);
  await reader.endAsync();
});
