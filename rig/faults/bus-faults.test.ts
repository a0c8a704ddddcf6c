// The broker side of bus faults alone: a real Aedes with the fault hook, real MQTT clients, a manual clock.
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { createRandom } from '../../core/random.ts';
import { startBroker, type RunningBroker } from '../broker.ts';
import { withBusFaults } from './bus-faults.ts';
import { FaultInjector, type AppliedFault } from './injector.ts';

const clock = new ManualClock();
const injector = new FaultInjector(clock, createRandom(3), ['atm-1']);
const applied: AppliedFault[] = [];
injector.onApplied((f) => applied.push(f));
let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker({
    port: 0,
    wsPort: null,
    hooks: withBusFaults(
      {},
      injector,
      () => broker.aedes,
      () => 'atm-1.keypad',
      { maxDelayed: 3 },
    ),
  });
});
afterAll(() => broker.close());

/** A client reading `topic`, and what it has read. */
async function readerOf(topic: string) {
  const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  const got: string[] = [];
  client.on('message', (_t, b) => got.push(b.toString()));
  await client.subscribeAsync(topic, { qos: 1 });
  return { client, got };
}

describe('a delay rule on a busy topic', () => {
  it('holds at most its limit; what comes past it is lost, and reported as a drop with the reason', async () => {
    const { client: reader, got } = await readerOf('atm/#');
    const writer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    injector.add({ topic: 'atm/atm-1/keypad/evt/key', action: 'delay', ms: 1000 });
    for (let i = 0; i < 5; i++) await writer.publishAsync('atm/atm-1/keypad/evt/key', `{"n":${i}}`, { qos: 1 });
    expect(applied.map((f) => f.action)).toEqual(['delay', 'delay', 'delay', 'drop', 'drop']);
    expect(applied[3]!.note).toBe('3 messages already delayed');
    clock.advance(1000);
    await expect.poll(() => got.length).toBe(3);
    expect(got).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
    // The queue is free again.
    await writer.publishAsync('atm/atm-1/keypad/evt/key', '{"n":5}', { qos: 1 });
    expect(applied.at(-1)!.action).toBe('delay');
    await writer.endAsync();
    await reader.endAsync();
  });

  it('clearing the rule lets every held message go at once, in order', async () => {
    injector.clear();
    const { client: reader, got } = await readerOf('atm/atm-1/keypad/state');
    const writer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    injector.add({ topic: 'atm/atm-1/keypad/state', action: 'delay', ms: 3_600_000 });
    await writer.publishAsync('atm/atm-1/keypad/state', '{"online":false}', { qos: 1, retain: true });
    await writer.publishAsync('atm/atm-1/keypad/state', '{"online":true}', { qos: 1, retain: true });
    expect(got).toEqual([]);
    injector.clear();
    await expect.poll(() => got).toEqual(['{"online":false}', '{"online":true}']);
    // Nothing is left to come an hour later and overwrite the state.
    clock.advance(3_600_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(2);
    await writer.endAsync();
    await reader.endAsync();
  });
});

describe('a reorder rule on a retained state topic', () => {
  // The second attack review: the held state, put back behind the next, reached readers but not the broker's
  // retained copy, so a reader who came later saw another state than those who were there.
  it('leaves retained what readers saw last', async () => {
    injector.clear();
    const { client: reader, got: live } = await readerOf('atm/atm-1/lcd/state');
    const writer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    injector.add({ topic: 'atm/atm-1/lcd/state', action: 'reorder', count: 1 });
    await writer.publishAsync('atm/atm-1/lcd/state', '{"n":1}', { qos: 1, retain: true });
    await writer.publishAsync('atm/atm-1/lcd/state', '{"n":2}', { qos: 1, retain: true });
    await expect.poll(() => live).toEqual(['{"n":2}', '{"n":1}']);
    const { client: later, got: retained } = await readerOf('atm/atm-1/lcd/state');
    await expect.poll(() => retained).toEqual(['{"n":1}']);
    await Promise.all([writer, reader, later].map((c) => c.endAsync()));
  });
});

describe('a copy put behind its message', () => {
  // The second attack review: during a restart the rig's handle names the old broker for a few ms while the new one
  // already handles messages; a copy must go out on the broker that handles its message.
  it('goes out on the broker that handled the message, whatever the handle names', async () => {
    const elsewhere = await Aedes.createBroker();
    const faults = new FaultInjector(new ManualClock(), createRandom(4), ['atm-1']);
    const own = await startBroker({
      port: 0,
      wsPort: null,
      hooks: withBusFaults(
        {},
        faults,
        () => elsewhere,
        () => 'atm-1.keypad',
      ),
    });
    try {
      const reader = await mqtt.connectAsync(own.url, { reconnectPeriod: 0 });
      const got: string[] = [];
      reader.on('message', (_t, b) => got.push(b.toString()));
      await reader.subscribeAsync('atm/atm-1/keypad/evt/key', { qos: 1 });
      const writer = await mqtt.connectAsync(own.url, { reconnectPeriod: 0 });
      faults.add({ topic: 'atm/atm-1/keypad/evt/key', action: 'duplicate', count: 1 });
      await writer.publishAsync('atm/atm-1/keypad/evt/key', '{"key":"5"}', { qos: 1 });
      await expect.poll(() => got).toEqual(['{"key":"5"}', '{"key":"5"}']);
      await Promise.all([writer, reader].map((c) => c.endAsync()));
    } finally {
      await own.close();
      await new Promise<void>((r) => elsewhere.close(() => r()));
    }
  });
});
