// Bus hardening (issue 10, items 5, 10, 12, 13) on a whole rig: real Aedes, real devices and controller, real
// MQTT clients as the observer, the simulator and an impostor.
import { readFile } from 'node:fs/promises';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtmClient } from '../atm-client.ts';
import { startRig, type Rig } from '../rig.ts';
import { OBSERVER_DENIED } from './security.ts';
import { MAX_SUBSCRIPTIONS } from '../../core/bus-limits.ts';

let rig: Rig;
const denied: string[] = [];

beforeAll(async () => {
  rig = await startRig(
    {
      seed: 21,
      clock: 'manual',
      broker: { port: 0, wsPort: null, hashIterations: 10 },
      bank: { port: 0, file: ':memory:', hashLogN: 10 },
      atms: [{ id: 'atm-1', gsm: { deliveryDelayMs: 0 }, dispenser: { dispenseMs: 0 } }],
    },
    { onDenied: (what) => denied.push(what) },
  );
  await fetch(`${rig.bank.url}/staff/seed`, { method: 'POST', headers: await rig.bank.staffHeaders() });
});
afterAll(() => rig.close());

const connect = (as: { username: string; password: string }, opts: mqtt.IClientOptions = {}) =>
  mqtt.connectAsync(rig.brokerUrl, { ...as, reconnectPeriod: 0, ...opts });
const device = (kind: string) => rig.atms[0]!.devices.find((d) => d.device.kind === kind)!;
/** Counts the times a client loses its connection from now on. */
function drops(client: mqtt.MqttClient): () => number {
  let n = 0;
  client.on('close', () => n++);
  return () => n;
}

describe('item 5: the observer reads no secret', () => {
  it('receives the session and the screens over atm/#, but no key, card number, template or SMS text', async () => {
    const observer = await connect(rig.bus.observer);
    const seen: string[] = [];
    observer.on('message', (t) => seen.push(t));
    await observer.subscribeAsync(['atm/#', 'rig/#']);
    // Asking for a secret topic by name is refused outright (SUBACK 0x80).
    await expect(observer.subscribeAsync('atm/atm-1/keypad/evt/key')).rejects.toThrow(/Subscribe error/);

    const person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
    await person.throughFingerAndPin('C0001', '1991');
    await person.nextMessage('gsm/cmd/send');
    await person.insertCard('4000001234567899');
    await person.nextMessage('card/evt/inserted');
    // The simulator (`#`) did see the secrets go by, so their absence below is the ACL's doing.
    for (const t of ['keypad/evt/key', 'gsm/cmd/send', 'fingerprint/evt/captured'])
      expect(
        person.messages.some((m) => m.topic.endsWith(t)),
        t,
      ).toBe(true);

    // A marker that reaches the observer after everything above: the clock service's answer on rig/#.
    const marker = new Promise((r) => observer.on('message', (t) => t === 'rig/clock/evt/error' && r(undefined)));
    await person.client.publishAsync('rig/clock/sim/advance', 'not json', { qos: 1 });
    await marker;
    expect(seen).toContain('atm/atm-1/session/state');
    expect(seen).toContain('atm/atm-1/lcd/state');
    const secret =
      /keypad\/(evt\/key|sim\/press)|card\/(evt\/inserted|sim\/insert)|fingerprint\/(evt\/captured|sim\/place)|gsm\/(cmd\/send|evt\/received|sim\/receive)/;
    expect(seen.filter((t) => secret.test(t))).toEqual([]);
    await person.press('CANCEL');
    await person.untilState('ending');
    await person.advanceClock(60_000);
    await person.untilState('idle');
    await person.close();
    await observer.endAsync();
  });
});

describe('item 10: no input keeps a device off the bus', () => {
  it('a sim topic of 33,000 characters is refused at the broker; the keypad stays connected and works', async () => {
    const keypadDrops = drops(device('keypad').client);
    const attacker = await connect(rig.bus.simulator);
    const refused = new Promise((r) => attacker.once('close', () => r(undefined)));
    attacker.publish(`atm/atm-1/keypad/sim/${'x'.repeat(33_000)}`, '{}', { qos: 1 });
    await refused;
    expect(denied.some((d) => /topic of 33021 characters/.test(d))).toBe(true);

    const person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
    await person.untilState('idle');
    await person.press('ENTER');
    await person.untilState('session.auth');
    await person.press('CANCEL');
    await person.untilState('ending');
    await person.advanceClock(60_000);
    await person.untilState('idle');
    expect(keypadDrops()).toBe(0);
    await person.close();
  });

  it('an error event that would echo a payload of nearly 64 KiB is cut short; the card reader stays connected', async () => {
    const readerDrops = drops(device('card').client);
    const person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
    const from = person.messages.length;
    // `remove` takes `{}` only: zod names the unknown key in its message, 65,500 characters of it.
    await person.client.publishAsync('atm/atm-1/card/sim/remove', JSON.stringify({ ['k'.repeat(65_500)]: 1 }), { qos: 1 });
    const error = await person.nextMessage('card/evt/error', from);
    const body = error.payload as { code: string; message: string; topic: string };
    expect(body.code).toBe('bad-payload');
    expect(body.message.length).toBeLessThan(1100);
    expect(body.topic).toBe('atm/atm-1/card/sim/remove');
    // Still on the bus: it answers the next action.
    await person.client.publishAsync('atm/atm-1/card/sim/remove', '{}', { qos: 1 });
    await person.nextMessage('card/evt/error', person.messages.indexOf(error) + 1);
    expect(readerDrops()).toBe(0);
    await person.close();
  });
});

describe('item 12: client ids belong to their users', () => {
  it("the observer cannot take over the keypad's or the controller's client id, nor one in their namespace", async () => {
    const keypad = device('keypad').client;
    const keypadDrops = drops(keypad);
    // The controller's id, as it connected: atm-rig:atm-1:controller:<random>.
    const controllerId = Object.keys((rig.broker!.aedes as unknown as { clients: Record<string, unknown> }).clients).find((id) =>
      id.startsWith('atm-rig:atm-1:controller:'),
    );
    expect(controllerId).toBeDefined();
    for (const clientId of [keypad.options.clientId!, controllerId!, 'atm-rig:atm-1:keypad:mine', 'atm-rig:atm-1:controller:x']) {
      await expect(connect(rig.bus.observer, { clientId }), clientId).rejects.toThrow(/Identifier rejected/i);
    }
    // A round trip on the keypad's own connection: had it been kicked, the socket would be gone before this.
    await keypad.subscribeAsync('atm/atm-1/keypad/cmd/+', { qos: 1 });
    expect(keypadDrops()).toBe(0);
    // The controller is still there: session/state is not the controller's last will.
    const person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
    await person.untilState('idle');
    await person.close();
    // A user may still take over its own id (a device reconnecting after a half-open connection), and ids
    // outside the rig's namespace are anyone's.
    const first = await connect(rig.bus.simulator, { clientId: 'qa-laptop-1' });
    const replaced = new Promise((r) => first.once('close', () => r(undefined)));
    const second = await connect(rig.bus.simulator, { clientId: 'qa-laptop-1' });
    await replaced;
    await second.endAsync();
    expect(denied.some((d) => d.startsWith('observer may not use client id atm-rig:atm-1:keypad:'))).toBe(true);
  });
});

describe('item 13: retained sim, cmd and evt messages are not kept', () => {
  it('mosquitto_pub -r on dispenser/sim/jam jams once, and is not replayed to a later subscriber', async () => {
    const simulator = await connect(rig.bus.simulator);
    // QoS 2 completes only after the broker has stored the message (retained included).
    await simulator.publishAsync('atm/atm-1/dispenser/sim/jam', JSON.stringify({ on: true }), { qos: 2, retain: true });
    // A sim action named `state` is still a sim action (the attack review kept one retained).
    await simulator.publishAsync('atm/atm-1/gsm/sim/state', JSON.stringify({}), { qos: 2, retain: true });
    await simulator.publishAsync('atm/atm-1/gsm/sim/fault', JSON.stringify({ mode: 'drop' }), { qos: 2, retain: true });
    await simulator.publishAsync('atm/atm-1/dispenser/sim/jam', JSON.stringify({ on: false }), { qos: 2 });
    await simulator.publishAsync('atm/atm-1/gsm/sim/fault', JSON.stringify({ mode: 'none' }), { qos: 2 });
    const retained = await new Promise<string[]>((resolve, reject) => {
      const topics: string[] = [];
      const { persistence } = rig.broker!.aedes as unknown as {
        persistence: { createRetainedStreamCombi(p: string[]): NodeJS.ReadableStream };
      };
      const stream = persistence.createRetainedStreamCombi(['atm/#']);
      stream.on('data', (p: { topic: string }) => topics.push(p.topic));
      stream.on('end', () => resolve(topics));
      stream.on('error', reject);
    });
    expect(retained.filter((t) => !/^atm\/atm-1\/[a-z]+\/state$/.test(t))).toEqual([]);
    expect(retained).toContain('atm/atm-1/dispenser/state');
    await simulator.endAsync();
  });
});

describe('what any bus user can make the broker keep (from the attack review)', () => {
  it('a client holds at most MAX_SUBSCRIPTIONS subscriptions', async () => {
    const observer = await connect(rig.bus.observer);
    const filters = Array.from({ length: MAX_SUBSCRIPTIONS }, (_, i) => `atm/atm-${i}/lcd/state`);
    await observer.subscribeAsync(filters);
    await expect(observer.subscribeAsync('atm/one-too-many/lcd/state')).rejects.toThrow(/Subscribe error/);
    await observer.subscribeAsync(filters[0]!); // one it holds already is no new one
    await observer.endAsync();
  });

  // A load run's person reads each customer's phone in turn: after a hundred customers every subscription failed.
  it('a subscription given up no longer counts: a client may read one topic after another for as long as it likes', async () => {
    const observer = await connect(rig.bus.observer);
    for (let i = 0; i < MAX_SUBSCRIPTIONS + 20; i++) {
      await observer.subscribeAsync(`atm/atm-${i}/lcd/state`);
      await observer.unsubscribeAsync(`atm/atm-${i}/lcd/state`);
    }
    const filters = Array.from({ length: MAX_SUBSCRIPTIONS }, (_, i) => `atm/atm-${i}/printer/state`);
    await observer.subscribeAsync(filters);
    await expect(observer.subscribeAsync('atm/one-too-many/lcd/state')).rejects.toThrow(/Subscribe error/);
    await observer.endAsync();
  });

  // From the attack review: UNSUBSCRIBE F and SUBSCRIBE F at another QoS in one write. Aedes put a new listener in
  // place for the new QoS, then the unsubscribe under way deleted its entry but not the listener, and the count took F
  // off: round after round one connection held any number of live subscriptions, and they outlived it.
  it('a filter unsubscribed and subscribed again at another QoS in one write leaves no subscription behind', async () => {
    const aedes = rig.broker!.aedes;
    const publishTo = (topic: string) =>
      aedes.publish({ cmd: 'publish', topic, payload: Buffer.from('x'), qos: 0, retain: false, dup: false }, () => {});
    const observer = await connect(rig.bus.observer);
    const round = (r: number) => Array.from({ length: MAX_SUBSCRIPTIONS }, (_, i) => `atm/r${r}-${i}/lcd/state`);
    const rounds = [0, 1, 2].flatMap(round);
    for (let r = 0; r < 3; r++) {
      await observer.subscribeAsync(round(r), { qos: 0 });
      const stream = (observer as unknown as { stream: { cork(): void; uncork(): void } }).stream;
      stream.cork();
      const both = Promise.all([observer.unsubscribeAsync(round(r)), observer.subscribeAsync(round(r), { qos: 1 })]);
      stream.uncork();
      await both;
    }
    // What it holds now counts, and no more: a full set of other filters, then no further one.
    const fresh = Array.from({ length: MAX_SUBSCRIPTIONS }, (_, i) => `atm/fresh-${i}/lcd/state`);
    await observer.subscribeAsync(fresh);
    await expect(observer.subscribeAsync('atm/one-more/lcd/state')).rejects.toThrow(/Subscribe error/);
    const received = new Set<string>();
    observer.on('message', (topic) => received.add(topic));
    for (const topic of [...rounds, ...fresh]) publishTo(topic);
    await expect.poll(() => received.size).toBeGreaterThanOrEqual(MAX_SUBSCRIPTIONS);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.size).toBeLessThanOrEqual(MAX_SUBSCRIPTIONS);
    // Gone with its connection: a message to its filters finds no listener left to fail on.
    await observer.endAsync();
    const errors: string[] = [];
    const onClientError = (_client: unknown, err: Error) => errors.push(err.message);
    aedes.on('clientError', onClientError);
    for (const topic of [...rounds, ...fresh]) publishTo(topic);
    await new Promise((resolve) => setTimeout(resolve, 100));
    aedes.removeListener('clientError', onClientError);
    expect(errors).toEqual([]);
  });

  it("only the rig's own clients get a persistent session (clean=false)", async () => {
    await expect(connect(rig.bus.observer, { clean: false, clientId: 'parked-observer' })).rejects.toThrow(/Not authorized/i);
    const own = await connect(rig.bus.internal.get('rig.trace')!, { clean: false, clientId: 'atm-rig:trace:persistent' });
    expect(own.connected).toBe(true);
    await own.endAsync();
  });
});

describe('message names that are JavaScript built-ins (from the modules attack review)', () => {
  it('evt/constructor from a device, sim/__proto__ from the simulator: answered or ignored, and the rig lives', async () => {
    const printer = await connect(rig.bus.internal.get('atm-1.printer')!);
    for (const name of ['constructor', '__proto__', 'toString'])
      await printer.publishAsync(`atm/atm-1/printer/evt/${name}`, '{}', { qos: 1 });
    await printer.endAsync();
    const person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
    const mark = person.messages.length;
    await person.client.publishAsync('atm/atm-1/printer/sim/__proto__', '{}', { qos: 1 });
    const error = await person.nextMessage('/printer/evt/error', mark);
    expect(error.payload).toMatchObject({ code: 'unknown-sim' });
    // Still alive: the controller, the devices and the broker answer.
    await person.untilScreen('welcome');
    await person.press('ENTER');
    await person.untilScreen('place-finger');
    await person.press('CANCEL');
    await person.close();
  });
});

describe('docs/topics.md', () => {
  it('lists every topic denied to the observer', async () => {
    const md = await readFile(new URL('../../docs/topics.md', import.meta.url), 'utf8');
    const missing = OBSERVER_DENIED.map((d) => d.filter.replace('atm/+/', 'atm/{atm}/')).filter(
      (t) => !md.includes(`| \`${t}\` | **denied** |`),
    );
    expect(missing).toEqual([]);
  });
});
