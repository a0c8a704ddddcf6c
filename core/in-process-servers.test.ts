// A broker in this process reached in memory (core/in-process-servers.ts, core/duplex-pair.ts), against a real Aedes
// with no socket at all: the URL below listens nowhere, so anything that arrives came through memory.
import { once } from 'node:events';
import { Aedes } from 'aedes';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { connectBus } from './bus.ts';
import { duplexPair, PairEnd } from './duplex-pair.ts';
import { serveInProcess } from './in-process-servers.ts';

const URL = 'mqtt://127.0.0.1:1'; // port 1: nothing listens there
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(options: Parameters<typeof Aedes.createBroker>[0] = {}) {
  const aedes = await Aedes.createBroker(options);
  const stop = serveInProcess(URL, (stream) => aedes.handle(stream as never));
  const close = async () => {
    stop();
    await new Promise<void>((r) => aedes.close(() => r()));
  };
  cleanups.push(close);
  return { aedes, close };
}

const client = async (role: string, options = {}) => {
  const c = await connectBus(URL, role, { reconnectPeriod: 50, ...options });
  cleanups.push(() => c.endAsync(true));
  return c;
};
const next = (c: MqttClient) =>
  new Promise<{ topic: string; text: string }>((resolve) =>
    c.once('message', (topic, payload) => resolve({ topic, text: String(payload) })),
  );
const connected = (c: MqttClient) => new Promise<void>((resolve) => c.once('connect', () => resolve()));

describe('a broker in this process', () => {
  it('carries messages in memory, in order, at QoS 1', async () => {
    await serve();
    const reader = await client('reader');
    const writer = await client('writer');
    expect(writer.stream).toBeInstanceOf(PairEnd);
    await reader.subscribeAsync('k/#', { qos: 1 });
    const got: string[] = [];
    reader.on('message', (_t, p) => got.push(String(p)));
    const keys = Array.from({ length: 50 }, (_, i) => String(i));
    await Promise.all(keys.map((k) => writer.publishAsync('k/press', k, { qos: 1 })));
    for (let i = 0; i < 100 && got.length < keys.length; i++) await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual(keys);
  });

  it('a publish on a client being closed does not end the process (mqtt.js reports it as an error event)', async () => {
    await serve();
    const device = await client('device');
    const ending = device.endAsync();
    expect(() => device.publish('dev/state', 'late', { qos: 1 })).not.toThrow();
    await ending;
  });

  it('refuses a bad login as a socket connection does', async () => {
    await serve({ authenticate: (_c, _u, _p, done) => done(null, false) });
    await expect(connectBus(URL, 'intruder', { reconnectPeriod: 0 })).rejects.toThrow(/Not authorized|Bad username/i);
  });

  it("fires the client's will when its end is cut, and the client comes back by itself", async () => {
    await serve();
    const watcher = await client('watcher');
    await watcher.subscribeAsync('dev/state', { qos: 1 });
    const device = await client('device', { will: { topic: 'dev/state', payload: Buffer.from('offline'), qos: 1, retain: false } });
    const will = next(watcher);
    const back = connected(device);
    (device.stream as PairEnd).destroy();
    expect((await will).text).toBe('offline');
    await back;
    const hello = next(watcher);
    await device.publishAsync('dev/state', 'online', { qos: 1 });
    expect((await hello).text).toBe('online');
  });

  it('while no broker serves the URL each attempt is refused; a broker serving it again is reached', async () => {
    const first = await serve();
    const device = await client('device');
    await first.close();
    await new Promise((r) => setTimeout(r, 200)); // several refused attempts
    expect(device.connected).toBe(false);
    const back = connected(device);
    await serve();
    await back;
    expect(device.connected).toBe(true);
  });
});

describe('duplexPair', () => {
  it('holds a writer back while the reader is slow, and loses nothing', async () => {
    const [a, b] = duplexPair();
    const chunk = Buffer.alloc(64 * 1024, 7);
    let accepted = true;
    let written = 0;
    for (; written < 64 && accepted; written++) accepted = a.write(chunk);
    expect(accepted).toBe(false); // the far end's buffer is full: backpressure, not unbounded memory
    let received = 0;
    b.on('data', (d: Buffer) => (received += d.length));
    await once(a, 'drain');
    a.end();
    await once(b, 'end');
    expect(received).toBe(written * chunk.length);
  });

  it('closes the far end when one end is destroyed', async () => {
    const [a, b] = duplexPair();
    const closed = once(b, 'close');
    a.destroy();
    await closed;
    expect(b.destroyed).toBe(true);
  });
});
