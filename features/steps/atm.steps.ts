/**
 * Steps phrased as a person at the ATM would say them. Every step acts and observes over MQTT and HTTP, like a
 * real customer, device or dashboard; none reaches into the rig's internals.
 */
import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { otpFromSms } from '../../rig/atm-client.ts';
import type { AtmWorld } from '../support/world.ts';

Given('an ATM running the {string} profile', async function (this: AtmWorld, profile: string) {
  await this.startRig(profile);
});

Given('the demo customers are enrolled', async function (this: AtmWorld) {
  await this.bank('POST', '/staff/seed');
});

When(/^(\w+) presses (ENTER|CANCEL|CLEAR|[0-9A-Z])$/, async function (this: AtmWorld, name: string, key: string) {
  this.customer ??= this.customerNamed(name);
  await this.running.person.press(key);
});

When('{word} starts a session', async function (this: AtmWorld, name: string) {
  this.customer = this.customerNamed(name);
  await this.running.person.press('ENTER');
  await this.running.person.untilState('session.auth');
});

Then('the ATM asks for one finger between 1 and 10', async function (this: AtmWorld) {
  const { requestedFinger } = await this.running.person.untilState('session.auth.fingerprint.waiting');
  assert.ok(requestedFinger && requestedFinger >= 1 && requestedFinger <= 10, `requested finger ${requestedFinger}`);
  await this.running.person.untilLcd(`Place finger ${requestedFinger}`);
});

When('{word} places the requested finger', async function (this: AtmWorld, name: string) {
  const customer = this.customerNamed(name);
  const { requestedFinger } = await this.running.person.untilState('session.auth.fingerprint.waiting');
  assert.ok(requestedFinger, 'the ATM did not ask for a particular finger');
  const mark = this.running.person.messages.length;
  await this.running.person.placeFinger(requestedFinger, customer.id);
  await this.running.person.nextMessage('/session/state', mark);
});

When('{word} places another of her/his own fingers', async function (this: AtmWorld, name: string) {
  const customer = this.customerNamed(name);
  const { requestedFinger } = await this.running.person.untilState('session.auth.fingerprint.waiting');
  const other = requestedFinger === 1 ? 2 : 1;
  this.log(`requested finger ${requestedFinger}, placed finger ${other}`);
  const mark = this.running.person.messages.length;
  await this.running.person.placeFinger(other, customer.id);
  await this.running.person.nextMessage('/session/evt/tier-failed', mark);
});

When('{word} enters her/his PIN', async function (this: AtmWorld, name: string) {
  const customer = this.customerNamed(name);
  await this.running.person.untilState('session.auth.pin.entering');
  await this.running.person.type(customer.pin);
});

When('{word} enters the PIN {string}', async function (this: AtmWorld, _name: string, pin: string) {
  await this.running.person.untilState('session.auth.pin.entering');
  const mark = this.running.person.messages.length;
  await this.running.person.type(pin);
  await this.running.person.nextMessage(/\/session\/evt\/tier-(passed|failed)$/, mark);
});

/** The SMS needs the network's delivery delay to arrive: on the manual clock the step lets that time pass. */
async function receiveOtp(world: AtmWorld): Promise<string> {
  const { rig, person } = world.running;
  const customer = world.customer!;
  await person.untilState('session.auth.otp.entering');
  const already = person.inbox.filter((s) => s.to === customer.kyc.phone).length;
  await person.advanceClock(rig.config.atms[0]!.gsm.deliveryDelayMs);
  const sms = await person.untilSms(customer.kyc.phone, already + 1);
  world.log(`SMS to ${customer.kyc.phone}: ${sms.text}`);
  return otpFromSms(sms.text);
}

When('{word} enters the OTP from her/his phone', async function (this: AtmWorld, name: string) {
  this.customer = this.customerNamed(name);
  const code = await receiveOtp(this);
  await this.running.person.type(code);
});

When('{word} enters the OTP {string} instead of the one on her/his phone', async function (this: AtmWorld, name: string, code: string) {
  this.customer = this.customerNamed(name);
  const real = await receiveOtp(this);
  assert.notEqual(code, real, 'the scenario\'s wrong OTP happens to be the right one; pick another');
  const mark = this.running.person.messages.length;
  await this.running.person.type(code);
  await this.running.person.nextMessage('/session/evt/tier-failed', mark);
});

When('{word} withdraws {int}', async function (this: AtmWorld, _name: string, amount: number) {
  const { rig, person } = this.running;
  await person.untilState('session.menu');
  await person.press('1');
  await person.untilState('session.withdraw.amount');
  await person.type(String(amount));
  await person.untilState('session.withdraw.dispensing');
  await person.advanceClock(rig.config.atms[0]!.dispenser.dispenseMs);
  await person.untilState('session.result');
});

When('{word} takes the cash and finishes', async function (this: AtmWorld, _name: string) {
  await this.running.person.takeCash();
  await this.running.person.press('CANCEL');
  await this.running.person.untilState('ending');
});

When('{int} seconds pass', async function (this: AtmWorld, seconds: number) {
  await this.running.person.advanceClock(seconds * 1000);
});

Then('the LCD shows {string}', async function (this: AtmWorld, text: string) {
  await this.running.person.untilLcd(text);
});

Then('the ATM asks for her/his PIN', async function (this: AtmWorld) {
  await this.running.person.untilState('session.auth.pin.entering');
  await this.running.person.untilLcd('Enter PIN');
});

Then('the ATM asks for the OTP', async function (this: AtmWorld) {
  await this.running.person.untilState('session.auth.otp.entering');
  await this.running.person.untilLcd('Enter OTP');
});

Then('the transaction menu is shown', async function (this: AtmWorld) {
  await this.running.person.untilState('session.menu');
  await this.running.person.untilLcd('1 Withdraw');
});

Then('the {word} tier has {int} attempt(s) left', async function (this: AtmWorld, tier: string, left: number) {
  await this.running.person.until(
    () => this.running.person.session?.tier === tier && this.running.person.session.attemptsLeft === left,
    `the ${tier} tier with ${left} attempts left`,
  );
});

Then('the dispenser pays out {int} in notes', async function (this: AtmWorld, amount: number) {
  const event = this.running.person.messages.findLast((m) => m.topic.endsWith('/dispenser/evt/dispensed'));
  assert.ok(event, 'nothing was dispensed');
  assert.equal(event.payload.amount, amount * 100);
  const notes = event.payload.notes as Record<string, number>;
  assert.equal(Object.entries(notes).reduce((s, [d, n]) => s + Number(d) * n, 0), amount * 100, `notes ${JSON.stringify(notes)} do not add up`);
});

Then('no cash is dispensed', function (this: AtmWorld) {
  const event = this.running.person.messages.find((m) => m.topic.endsWith('/dispenser/evt/dispensed') || m.topic.endsWith('/dispenser/cmd/dispense'));
  assert.equal(event, undefined, `the dispenser was used: ${JSON.stringify(event)}`);
});

Then("{word}'s balance is {float}", async function (this: AtmWorld, name: string, expected: number) {
  const account = await this.accountOf(this.customerNamed(name));
  assert.equal(account.balance, Math.round(expected * 100));
});

Then('the session ends with reason {string}', async function (this: AtmWorld, reason: string) {
  const ended = await this.running.person.nextMessage('/session/evt/ended');
  assert.equal(ended.payload.reason, reason);
});
