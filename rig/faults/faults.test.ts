// Bus and bank faults on a whole rig: real Aedes with its hooks, real devices and controller, real MQTT clients,
// real HTTP. Each fault is checked from the outside: what a reader of the bus receives, what an ATM's call gets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdCustomer } from '../bank/testing/sessions.ts';
import mqtt from 'mqtt';
import { AtmClient } from '../atm-client.ts';
import { startRig, type Rig } from '../rig.ts';
import { topics } from '../../devices/topics.ts';
import { createBankClient } from '../controller/bank-client.ts';

let rig: Rig;
let person: AtmClient;
const KEY = topics.device('atm-1', 'keypad', 'evt', 'key');

beforeAll(async () => {
  rig = await startRig({
    seed: 5,
    clock: 'manual',
    broker: { port: 0, wsPort: null, hashIterations: 10 },
    bank: { port: 0, file: ':memory:', hashLogN: 10 },
    atms: [{ id: 'atm-1', gsm: { deliveryDelayMs: 0 }, dispenser: { dispenseMs: 0 } }],
  });
  person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
  await person.untilScreen('welcome');
});
afterAll(async () => {
  await person.close();
  await rig.close();
});

/** Keys as the controller's side of the bus receives them, from message index `from` on. */
const keysSince = (from: number) => person.messages.slice(from).filter((m) => m.topic === KEY);
const fresh = () => {
  rig.faults.clear();
  return person.messages.length;
};
/** A marker that passes no fault: once it is back, everything published before it has been delivered. */
async function settle() {
  await person.advanceClock(0);
}

describe('bus faults (aedes authorizePublish)', () => {
  it('drop: the first key is lost, the second arrives; the loss is reported on rig/fault/evt/applied', async () => {
    const from = fresh();
    const rule = rig.faults.add({ topic: 'atm/+/keypad/evt/#', action: 'drop', count: 1 });
    await person.press('1', '2');
    await person.nextMessage(KEY, from);
    await settle();
    expect(keysSince(from).map((m) => m.payload.key)).toEqual(['2']);
    const applied = await person.nextMessage('rig/fault/evt/applied', from);
    expect(applied.payload).toMatchObject({ id: rule.id, action: 'drop', where: KEY, from: 'atm-1.keypad' });
    // The report never carries the payload (a typed PIN digit is a secret).
    expect(JSON.stringify(applied.payload)).not.toContain('"key"');
  });

  it('delay: a key arrives only when the rig clock has moved on by the delay', async () => {
    const from = fresh();
    rig.faults.add({ topic: KEY, action: 'delay', ms: 2000 });
    await person.press('3');
    await settle();
    expect(keysSince(from)).toHaveLength(0);
    await person.advanceClock(1999);
    expect(keysSince(from)).toHaveLength(0);
    await person.advanceClock(1);
    await person.nextMessage(KEY, from);
    expect(keysSince(from).map((m) => m.payload.key)).toEqual(['3']);
  });

  it('duplicate: every key arrives twice, in order', async () => {
    const from = fresh();
    rig.faults.add({ topic: KEY, action: 'duplicate' });
    await person.press('4', '5');
    await person.until(() => keysSince(from).length === 4, 'four keys');
    expect(keysSince(from).map((m) => m.payload.key)).toEqual(['4', '4', '5', '5']);
  });

  // The attack review: with some keys doubled, a PIN typed in one burst came out as "9 9 1 ENTER 1" (a copy put back
  // from the hook overtook the keypad's earlier keys still in the broker).
  it('duplicate, some of the time: a burst of keys keeps its order, each copy next to its original', async () => {
    const from = fresh();
    const rule = rig.faults.add({ topic: KEY, action: 'duplicate', probability: 0.3 });
    const typed = '1234567890'.repeat(3).split('');
    const applied = () => person.messages.slice(from).filter((m) => m.topic === 'rig/fault/evt/applied' && m.payload.id === rule.id).length;
    const seen = () => keysSince(from).map((m) => String(m.payload.key));
    await person.press(...typed);
    await person.until(() => seen().length === typed.length + applied() && seen().at(-1) === '0', 'every key and copy');
    expect(applied()).toBeGreaterThan(0);
    const keys = seen();
    expect(keys.filter((k, i) => i === 0 || k !== keys[i - 1])).toEqual(typed);
  });

  it('reorder: the next key overtakes the one held back; a lone key is let go after ms', async () => {
    const from = fresh();
    rig.faults.add({ topic: KEY, action: 'reorder', ms: 500, probability: 1, count: 2 });
    await person.press('6', '7');
    await person.until(() => keysSince(from).length === 2, 'two keys');
    expect(keysSince(from).map((m) => m.payload.key)).toEqual(['7', '6']);
    await person.press('8');
    await settle();
    expect(keysSince(from)).toHaveLength(2);
    await person.advanceClock(500);
    await person.until(() => keysSince(from).length === 3, 'the third key');
    expect(keysSince(from).map((m) => m.payload.key)).toEqual(['7', '6', '8']);
  });

  it('corrupt: the reader gets other bytes, and the controller answers them as a bad payload without falling over', async () => {
    rig.faults.clear();
    const raw = await mqtt.connectAsync(rig.brokerUrl, { ...rig.bus.simulator, reconnectPeriod: 0 });
    const got: Buffer[] = [];
    raw.on('message', (t, b) => t === KEY && got.push(b));
    await raw.subscribeAsync(KEY, { qos: 1 });
    rig.faults.add({ topic: KEY, action: 'corrupt', corrupt: 'truncate', count: 1 });
    await person.press('9', '0');
    await expect.poll(() => got.length).toBe(2);
    expect(got[0]!.toString()).not.toBe('{"key":"9"}');
    expect(() => JSON.parse(got[0]!.toString())).toThrow();
    expect(JSON.parse(got[1]!.toString())).toMatchObject({ key: '0' });
    await raw.endAsync();
    // Still serving: the next key goes through (and has arrived before the next test counts keys).
    const mark = person.messages.length;
    await person.press('CANCEL');
    await person.nextMessage(KEY, mark);
    await person.untilScreen('welcome');
  });

  // The second attack review: a key that was never acknowledged is sent again at each reconnect, and a standing rule
  // cut it every time: the keypad never came back while the rule stood.
  it('disconnect with no count: one cut per key; the key sent again goes through and the keypad is back', async () => {
    const from = fresh();
    const rule = rig.faults.add({ topic: KEY, action: 'disconnect' });
    await person.press('2');
    await person.until(() => keysSince(from).length === 1, 'the key sent again', 5000);
    const states = () => person.messages.slice(from).filter((m) => m.topic === 'atm/atm-1/keypad/state');
    await person.until(() => states().at(-1)?.payload.online === true, 'the keypad back online');
    const cuts = person.messages.slice(from).filter((m) => m.topic === 'rig/fault/evt/applied' && m.payload.id === rule.id);
    expect(cuts).toHaveLength(1);
    rig.faults.clear();
  });

  it('disconnect: the keypad is cut off at its key, comes back by itself, and MQTT sends the unacknowledged key again', async () => {
    const from = fresh();
    rig.faults.add({ topic: KEY, action: 'disconnect', count: 1 });
    await person.press('1');
    const states = () => person.messages.slice(from).filter((m) => m.topic === 'atm/atm-1/keypad/state');
    await person.until(() => states().some((m) => m.payload.online === false), 'the keypad offline (its last will)');
    await person.until(() => states().at(-1)?.payload.online === true, 'the keypad back online');
    // QoS 1 is at least once: the key the broker never acknowledged comes again after the reconnect, once.
    await person.until(() => keysSince(from).length === 1, 'the key sent again');
    await settle();
    expect(keysSince(from).map((m) => m.payload.key)).toEqual(['1']);
  });

  it('rules in order, one fault per message: a spent rule steps aside for the next', async () => {
    const from = fresh();
    rig.faults.add({ topic: KEY, action: 'drop', count: 1 });
    rig.faults.add({ topic: KEY, action: 'duplicate' });
    await person.press('1', '2', '3');
    await person.until(() => keysSince(from).length === 4, 'four keys');
    expect(keysSince(from).map((m) => m.payload.key)).toEqual(['2', '2', '3', '3']);
  });

  it('the retained state follows how often each rule applied', async () => {
    const from = fresh();
    const rule = rig.faults.add({ topic: KEY, action: 'drop' });
    await person.press('4', '5');
    const applied = () =>
      person.messages
        .slice(from)
        .filter((m) => m.topic === topics.fault.state)
        .at(-1)?.payload.faults as { id: string; applied: number }[] | undefined;
    await person.until(() => applied()?.find((f) => f.id === rule.id)?.applied === 2, 'applied 2 on rig/fault/state');
  });

  it('from: a rule for one sender leaves the others alone', async () => {
    const from = fresh();
    rig.faults.add({ topic: 'atm/+/+/evt/#', from: 'atm-1.card', action: 'drop' });
    await person.press('2');
    await person.nextMessage(KEY, from);
  });
});

describe('bank faults', () => {
  const client = () => createBankClient(rig.bank.url, { credential: { id: 'atm-1', key: rig.atmKeys.get('atm-1')! }, timeoutMs: 5000 });

  it('delay: the answer waits for the rig clock', async () => {
    rig.faults.clear();
    rig.faults.add({ bank: 'atm-1', action: 'delay', ms: 5000 });
    let done = false;
    const call = client()
      .matchFingerprint({ template: 'A'.repeat(32) })
      .finally(() => (done = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(done).toBe(false);
    await person.advanceClock(5000);
    await call.catch(() => undefined);
    expect(done).toBe(true);
  });

  it('partition: the ATM cannot reach the bank; another ATM could', async () => {
    rig.faults.clear();
    rig.faults.add({ bank: 'atm-1', action: 'partition' });
    await expect(client().matchFingerprint({ template: 'A'.repeat(32) })).rejects.toThrow();
    rig.faults.clear();
    await expect(client().matchFingerprint({ template: 'A'.repeat(32) })).resolves.toBeDefined();
  });
});

describe('bank faults: the answer lost', () => {
  it('drop: the withdrawal is reserved though the ATM never hears; it asks again with the same key and gets the same one', async () => {
    rig.faults.clear();
    await fetch(`${rig.bank.url}/staff/seed`, { method: 'POST', headers: await rig.bank.staffHeaders() });
    const { number: account, customerId } = rig.bank.service.snapshot().accounts[0]!;
    // The ATM's session has checked the customer's PIN: only then may it act on her account (session-guard.ts).
    holdCustomer(rig.bank.service, customerId, 'atm-1');
    const atm = createBankClient(rig.bank.url, { credential: { id: 'atm-1', key: rig.atmKeys.get('atm-1')! }, retryDelaysMs: [10] });
    const rule = rig.faults.add({ bank: 'atm-1', action: 'drop', path: '/accounts/:number/withdrawals', count: 1 });
    const reserved = await atm.reserveWithdrawal({ accountId: account, amount: 100, key: 'lost-answer-0001' });
    expect(rig.faults.appliedCount(rule.id)).toBe(1);
    const held = rig.bank.service.snapshot().holds.filter((h) => h.key.endsWith('lost-answer-0001'));
    expect(held).toHaveLength(1);
    expect(reserved).toMatchObject({ ok: true, withdrawalId: held[0]!.id });
  });
});

describe('faults over the bus (the simulator role)', () => {
  it('adds a rule from rig/fault/sim/add, shows it on the retained state, and refuses a bad one with a suggestion', async () => {
    rig.faults.clear();
    const from = person.messages.length;
    await person.client.publishAsync(topics.fault.add, JSON.stringify({ topic: KEY, action: 'drop', probability: 0.3 }), { qos: 1 });
    await person.until(
      () => person.messages.slice(from).some((m) => m.topic === topics.fault.state && (m.payload.faults as unknown[]).length === 1),
      'the fault on rig/fault/state',
    );
    await person.client.publishAsync(topics.fault.add, JSON.stringify({ topic: KEY, action: 'dorp' }), { qos: 1 });
    const error = await person.nextMessage(topics.fault.error, from);
    expect(error.payload.message).toMatch(/unknown action "dorp" \(did you mean "drop"\?\)/);
    await person.client.publishAsync(topics.fault.add, JSON.stringify({ topic: KEY, action: 'drop', probabilty: 1 }), { qos: 1 });
    await person.until(() => person.messages.slice(from).filter((m) => m.topic === topics.fault.error).length === 2, 'the second refusal');
    expect(person.messages.slice(from).findLast((m) => m.topic === topics.fault.error)!.payload.message).toMatch(
      /"probabilty" \(did you mean "probability"\?\)/,
    );
    await person.client.publishAsync(topics.fault.clear, '{}', { qos: 1 });
    await person.until(() => rig.faults.rules.length === 0, 'the faults cleared');
  });

  it('the observer may not add faults', async () => {
    rig.faults.clear();
    const observer = await mqtt.connectAsync(rig.brokerUrl, { ...rig.bus.observer, reconnectPeriod: 0 });
    observer.on('error', () => undefined);
    await observer.publishAsync(topics.fault.add, JSON.stringify({ topic: '#', action: 'drop' }), { qos: 0 }).catch(() => undefined);
    await settle();
    expect(rig.faults.rules).toHaveLength(0);
    await observer.endAsync(true);
  });
});
