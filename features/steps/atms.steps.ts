/**
 * Several ATMs in one scenario. The other steps act on the first ATM; these name the ATM they act on. A named
 * step runs its action on a view of the world at that ATM (`world.at`), so every action works at any ATM.
 */
import assert from 'node:assert/strict';
import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import { askFor, authenticate, choose, placeFinger, requestedFinger, startSession, typeEntry, untilIdle } from '../support/actions.ts';
import { fingerOf, type AtmWorld } from '../support/world.ts';

defineParameterType({ name: 'atm', regexp: /atm-[a-z0-9-]+/, transformer: (id: string) => id });

Given('ATMs {atm} and {atm} running {string}', function (this: AtmWorld, first: string, second: string, profile: string) {
  assert.notEqual(first, second, 'two different ATMs');
  this.configure('several ATMs', () => {
    this.atmIds = [first, second];
    this.profile = profile;
  });
});

When('{word} starts a session at {atm}', async function (this: AtmWorld, name: string, atm: string) {
  await startSession(this.at(atm), this.named(name));
});

When('{word} authenticates at {atm}', async function (this: AtmWorld, name: string, atm: string) {
  await authenticate(this.at(atm), this.named(name));
});

When('{word} withdraws {int} at {atm}', async function (this: AtmWorld, name: string, amount: number, atm: string) {
  this.named(name);
  await choose(this.at(atm), 'withdraw');
  await askFor(this.at(atm), amount);
});

/** Both at once: the two sessions' bank calls and dispenses overlap. */
When(
  '{word} at {atm} and {word} at {atm} each withdraw {int} at the same time',
  async function (this: AtmWorld, first: string, atm1: string, second: string, atm2: string, amount: number) {
    await Promise.all(
      [
        [first, atm1],
        [second, atm2],
      ].map(async ([name, atm]) => {
        const at = this.at(atm!);
        await authenticate(at, this.named(name!));
        await choose(at, 'withdraw');
        await askFor(at, amount);
      }),
    );
  },
);

/** Type a secret at one ATM and wait for the bank's answer, not only for the ATM to take the ENTER: which of two
 *  ATMs keeps her session depends on which the bank answered first, and a faster bus no longer leaves that to chance. */
async function enterSecret(world: AtmWorld, field: string, value: string) {
  const { person } = await world.ready();
  const mark = person.messages.length;
  await typeEntry(world, field, value);
  await person.nextMessage(/\/session\/evt\/(tier-passed|tier-failed|ended)$/, mark);
}

When('{word} enters her/his PIN at {atm}', async function (this: AtmWorld, name: string, atm: string) {
  await enterSecret(this.at(atm), 'pin', this.named(name).pin!);
});

When('{word} enters her/his password at {atm}', async function (this: AtmWorld, name: string, atm: string) {
  await enterSecret(this.at(atm), 'password', this.named(name).password!);
});

When('{word} places the requested finger at {atm}', async function (this: AtmWorld, name: string, atm: string) {
  const who = this.named(name);
  await placeFinger(this.at(atm), await requestedFinger(this.at(atm), who), fingerOf(who));
});

When("someone inserts a copy of {word}'s card at {atm}", async function (this: AtmWorld, name: string, atm: string) {
  const who = this.named(name);
  assert.ok(who.pan, `${name} has no card`);
  const { person } = await this.at(atm).ready();
  const mark = person.messages.length;
  await person.insertCard(who.pan);
  await person.nextMessage('/card/evt/inserted', mark);
});

Then('{atm} shows {string}', async function (this: AtmWorld, atm: string, text: string) {
  const { person } = await this.at(atm).ready();
  await person.untilLcd(text);
});

Then('{atm} pays out {int}', async function (this: AtmWorld, atm: string, amount: number) {
  const { person } = await this.at(atm).ready();
  const event = await person.nextMessage('/dispenser/evt/dispensed');
  assert.equal(event.payload.amount, amount * 100);
});

Then('the session at {atm} ends with reason {string}', async function (this: AtmWorld, atm: string, reason: string) {
  const { person } = await this.at(atm).ready();
  const ended = await person.nextMessage('/session/evt/ended');
  assert.equal(ended.payload.reason, reason);
});

Then('the session at {atm} goes on', async function (this: AtmWorld, atm: string) {
  const { person } = await this.at(atm).ready();
  assert.ok(!person.messages.some((m) => m.topic.endsWith('/session/evt/ended')), `the session at ${atm} ended`);
});

Then('{atm} is idle', async function (this: AtmWorld, atm: string) {
  await untilIdle(this.at(atm));
});
