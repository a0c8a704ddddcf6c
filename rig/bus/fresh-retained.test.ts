// A state published while a new subscriber's retained messages are on their way: the subscriber must end with the
// new state, not with the old one sent after it (Aedes reads retained messages ahead of sending them).
import mqtt from 'mqtt';
import { afterAll, expect, it } from 'vitest';
import { startBroker } from '../broker.ts';

const broker = await startBroker({ port: 0, wsPort: null });
afterAll(() => broker.close());

it('a subscriber that subscribes as a state changes ends with the new state, over TCP', async () => {
  const topics = Array.from({ length: 40 }, (_, i) => `atm/atm-${i}/lcd/state`);
  const publisher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  const reader = await mqtt.connectAsync(broker.url, { clientId: 'reader', reconnectPeriod: 0 });
  try {
    for (const topic of topics) await publisher.publishAsync(topic, 'old', { qos: 1, retain: true });
    // The moment Aedes has added the reader's subscription and starts reading the retained messages for it.
    const published: Promise<unknown>[] = [];
    broker.aedes.once('subscribe', (_subs, client) => {
      if (client.id !== 'reader') return;
      for (const topic of topics.slice(5, 30)) published.push(publisher.publishAsync(topic, 'new', { qos: 1, retain: true }));
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
    const stale = topics.slice(5, 30).filter((t) => seen.get(t) !== 'new');
    expect(stale).toEqual([]);
    expect(topics.filter((t) => !seen.has(t))).toEqual([]);
  } finally {
    await reader.endAsync();
    await publisher.endAsync();
  }
});

it('a state cleared as a subscriber subscribes is not brought back by its retained copy', async () => {
  const topics = Array.from({ length: 40 }, (_, i) => `atm/clear-${i}/lcd/state`);
  const publisher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  const reader = await mqtt.connectAsync(broker.url, { clientId: 'clear-reader', reconnectPeriod: 0 });
  try {
    for (const topic of topics) await publisher.publishAsync(topic, 'old', { qos: 1, retain: true });
    const cleared: Promise<unknown>[] = [];
    broker.aedes.once('subscribe', (_subs, client) => {
      if (client.id !== 'clear-reader') return;
      for (const topic of topics.slice(5, 30)) cleared.push(publisher.publishAsync(topic, '', { qos: 1, retain: true }));
    });
    const seen = new Map<string, string>();
    let lastRetained: () => void;
    const allRetained = new Promise<void>((r) => (lastRetained = r));
    reader.on('message', (topic, payload) => {
      seen.set(topic, String(payload));
      if (topic === topics.at(-1)) lastRetained();
    });
    await reader.subscribeAsync('atm/+/lcd/state', { qos: 1 });
    await allRetained;
    await Promise.all(cleared);
    expect(topics.slice(5, 30).filter((t) => seen.get(t) === 'old')).toEqual([]);
  } finally {
    await reader.endAsync();
    await publisher.endAsync();
  }
});
