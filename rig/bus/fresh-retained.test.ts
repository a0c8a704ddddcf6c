// A state published while a new subscriber's retained messages are on their way: the subscriber must end with the
// new state, not with the old one sent after it (Aedes reads retained messages ahead of sending them).
import mqtt from 'mqtt';
import { afterAll, expect, it } from 'vitest';
import { startBroker } from '../broker.ts';

const broker = await startBroker({ port: 0, wsPort: null });
afterAll(() => broker.close());

/** Forty retained states "old"; topics 5-29 are published again with `now` the moment Aedes has added a new
 *  reader's subscription and starts reading the retained messages for it. What the reader last got on each topic. */
async function subscribeAsStatesChange(name: string, now: string): Promise<{ changed: string[]; seen: Map<string, string> }> {
  const topics = Array.from({ length: 40 }, (_, i) => `atm/${name}-${i}/lcd/state`);
  const publisher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  const reader = await mqtt.connectAsync(broker.url, { clientId: name, reconnectPeriod: 0 });
  try {
    for (const topic of topics) await publisher.publishAsync(topic, 'old', { qos: 1, retain: true });
    const published: Promise<unknown>[] = [];
    broker.aedes.once('subscribe', (_subs, client) => {
      if (client.id !== name) return;
      for (const topic of topics.slice(5, 30)) published.push(publisher.publishAsync(topic, now, { qos: 1, retain: true }));
    });
    const seen = new Map<string, string>();
    let lastRetained: () => void;
    const allRetained = new Promise<void>((r) => (lastRetained = r));
    reader.on('message', (topic, payload) => {
      seen.set(topic, String(payload));
      if (topic === topics.at(-1)) lastRetained(); // sent in the order stored: the last retained message
    });
    await reader.subscribeAsync('atm/+/lcd/state', { qos: 1 });
    await allRetained;
    await Promise.all(published);
    expect(topics.filter((t) => !seen.has(t))).toEqual([]);
    return { changed: topics.slice(5, 30), seen };
  } finally {
    await reader.endAsync();
    await publisher.endAsync();
  }
}

it('a subscriber that subscribes as a state changes ends with the new state, over TCP', async () => {
  const { changed, seen } = await subscribeAsStatesChange('reader', 'new');
  expect(changed.filter((t) => seen.get(t) !== 'new')).toEqual([]);
});

it('a state cleared as a subscriber subscribes is not brought back by its retained copy', async () => {
  const { changed, seen } = await subscribeAsStatesChange('clearing', '');
  expect(changed.filter((t) => seen.get(t) === 'old')).toEqual([]);
});
