/**
 * Faults on the wire (docs/faults.md): each step adds a rule the way any tool would, on rig/fault/sim/add as the
 * simulator, and waits until the rig shows it in force; an assertion reads the faults applied from
 * rig/fault/evt/applied, as the trace does.
 */
import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { topics } from '../../devices/topics.ts';
import { DEVICE_KINDS } from '../../devices/registry.ts';
import { fingerOf, type AtmWorld } from '../support/world.ts';

async function addFault(world: AtmWorld, rule: Record<string, unknown>) {
  const { person } = await world.ready();
  const mark = person.messages.length;
  const inForce = () =>
    person.messages
      .slice(mark)
      .some((m) => m.topic === topics.fault.state && (m.payload.faults as { id: string }[]).some((f) => f.id === rule.id));
  const refused = () => person.messages.slice(mark).find((m) => m.topic === topics.fault.error);
  rule.id ??= `s${mark}`;
  await person.client.publishAsync(topics.fault.add, JSON.stringify(rule), { qos: 1 });
  await person.until(() => inForce() || refused() !== undefined, `the fault ${JSON.stringify(rule)} in force`);
  assert.equal(refused(), undefined, `the rig refused the fault: ${String(refused()?.payload.message)}`);
}

/** A device's events on this scenario's ATM: `atm/<atm>/<kind>/evt/#`. */
function events(world: AtmWorld, kind: string): string {
  assert.ok((DEVICE_KINDS as readonly string[]).includes(kind), `no device "${kind}" (devices: ${DEVICE_KINDS.join(', ')})`);
  return topics.device(world.atmId, kind, 'evt', '#');
}

Given('{int}% of the {word} events are lost', async function (this: AtmWorld, percent: number, kind: string) {
  await addFault(this, { topic: events(this, kind), action: 'drop', probability: percent / 100 });
});

Given('the next {word} event is lost', async function (this: AtmWorld, kind: string) {
  await addFault(this, { topic: events(this, kind), action: 'drop', count: 1 });
});

Given('the {word} events arrive {int} second(s) late', async function (this: AtmWorld, kind: string, seconds: number) {
  await addFault(this, { topic: events(this, kind), action: 'delay', ms: seconds * 1000 });
});

Given('the {word} events arrive twice', async function (this: AtmWorld, kind: string) {
  await addFault(this, { topic: events(this, kind), action: 'duplicate' });
});

Given('the {word} events arrive out of order', async function (this: AtmWorld, kind: string) {
  await addFault(this, { topic: events(this, kind), action: 'reorder', ms: 1000 });
});

Given('the {word} events are cut short', async function (this: AtmWorld, kind: string) {
  await addFault(this, { topic: events(this, kind), action: 'corrupt', corrupt: 'truncate' });
});

Given('the {word} events have bits flipped', async function (this: AtmWorld, kind: string) {
  await addFault(this, { topic: events(this, kind), action: 'corrupt', corrupt: 'bitflip' });
});

Given('the dispenser commands arrive twice', async function (this: AtmWorld) {
  await addFault(this, { topic: topics.device(this.atmId, 'dispenser', 'cmd', '#'), action: 'duplicate' });
});

Then('the dispenser has paid out {int} in all', async function (this: AtmWorld, amount: number) {
  const { person } = await this.ready();
  // What left the cassettes, by the dispenser's own state: the notes counted out since the scenario began.
  const states = person.messages.filter((m) => m.topic === topics.deviceState(this.atmId, 'dispenser'));
  const total = (m: (typeof states)[number]) =>
    (m.payload.cassettes as { denomination: number; count: number }[]).reduce((s, c) => s + c.denomination * c.count, 0);
  assert.ok(states.length > 0, 'no dispenser state seen');
  assert.equal((total(states[0]!) - total(states.at(-1)!)) / 100, amount);
});

Given('the {word} is cut off the bus at its next event', async function (this: AtmWorld, kind: string) {
  await addFault(this, { topic: events(this, kind), action: 'disconnect', count: 1 });
});

Given('the bank answers after {int} second(s)', async function (this: AtmWorld, seconds: number) {
  await addFault(this, { bank: '*', action: 'delay', ms: seconds * 1000 });
});

Given('the ATM is cut off from the bank', async function (this: AtmWorld) {
  await addFault(this, { bank: this.atmId, action: 'partition' });
});

Given('{atm} is cut off from the bank', async function (this: AtmWorld, atm: string) {
  await addFault(this.at(atm), { bank: atm, action: 'partition' });
});

Given("the bank's answer to the next withdrawal is lost", async function (this: AtmWorld) {
  await addFault(this, { bank: this.atmId, action: 'drop', path: '/accounts/:number/withdrawals', count: 1 });
});

/** A finger placed while the bank is slow: the step ends when the ATM is waiting for the bank, not for its verdict. */
When('{word} places the requested finger, and the ATM asks the bank', async function (this: AtmWorld, name: string) {
  const who = this.named(name);
  const { person } = await this.ready();
  const { requestedFinger } = await person.untilState('session.auth.fingerprint.waiting');
  await person.placeFinger(requestedFinger ?? who.fingers[0]!, fingerOf(who));
  await person.untilState('session.auth.fingerprint.verifying');
});

When('the faults are cleared', async function (this: AtmWorld) {
  const { rig, person } = await this.ready();
  await person.client.publishAsync(topics.fault.clear, '{}', { qos: 1 });
  await person.until(() => rig.faults.rules.length === 0, 'the faults cleared');
});

Then('{int} bank answer(s) was/were lost', async function (this: AtmWorld, count: number) {
  const { person } = await this.ready();
  const lost = () =>
    person.messages.filter((m) => m.topic === topics.fault.applied && m.payload.action === 'drop' && String(m.payload.from) === this.atmId);
  await person.until(() => lost().length >= count, `${count} bank answers lost`).catch(() => undefined);
  assert.equal(lost().length, count, 'bank answers lost');
});

const ACTION: Record<string, string> = {
  lost: 'drop',
  delayed: 'delay',
  duplicated: 'duplicate',
  reordered: 'reorder',
  corrupted: 'corrupt',
};

Then('{int} {word} event(s) was/were {word}', async function (this: AtmWorld, count: number, kind: string, done: string) {
  const { person } = await this.ready();
  const action = ACTION[done];
  assert.ok(action, `"${done}": say ${Object.keys(ACTION).join(', ')}`);
  const prefix = topics.device(this.atmId, kind, 'evt', '');
  const applied = () =>
    person.messages.filter(
      (m) => m.topic === topics.fault.applied && m.payload.action === action && String(m.payload.where).startsWith(prefix),
    );
  await person.until(() => applied().length >= count, `${count} ${kind} events ${done}`).catch(() => undefined);
  assert.equal(applied().length, count, `${kind} events ${done}`);
});
