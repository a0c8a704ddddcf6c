/** What the customer does at the ATM: cards, fingers, keys, the phone, transactions. */
import assert from 'node:assert/strict';
import { When } from '@cucumber/cucumber';
import {
  askFor,
  authenticate,
  choose,
  passTier,
  placeFinger,
  readOtp,
  requestedFinger,
  startSession,
  typeEntry,
  walkTo,
  NEW_SECRET,
  answered,
} from '../support/actions.ts';
import { fingerOf, XFS4IOT, type AtmWorld } from '../support/world.ts';
import { untilAppScreen, untilDrawn } from '../support/xfs4iot.ts';

When('{word} starts a session', XFS4IOT, async function (this: AtmWorld, name: string) {
  await startSession(this, this.named(name));
});

When('{word} authenticates', async function (this: AtmWorld, name: string) {
  await authenticate(this, this.named(name));
});

When('{word} passes the {word} step', async function (this: AtmWorld, name: string, tier: string) {
  const { person } = await this.ready();
  await person.until(() => person.session?.tier === tier, `the ${tier} step`);
  await passTier(this, this.named(name));
});

// ---- card ----

When('{word} inserts her/his card', XFS4IOT, async function (this: AtmWorld, name: string) {
  const who = this.named(name);
  assert.ok(who.pan, `${name} has no card`);
  const { person } = await this.ready();
  await person.insertCard(who.pan);
  await person.nextMessage('/card/evt/inserted');
});

When('someone inserts a card numbered {string}', async function (this: AtmWorld, pan: string) {
  const { person } = await this.ready();
  const mark = person.messages.length;
  await person.insertCard(pan);
  await person.nextMessage('/card/evt/inserted', mark);
});

When('{word} takes her/his card', XFS4IOT, async function (this: AtmWorld, name: string) {
  this.named(name);
  const { person } = await this.ready();
  await person.nextMessage('/card/evt/ejected');
  const mark = person.messages.length;
  await person.removeCard();
  await person.nextMessage('/card/evt/removed', mark);
});

// ---- fingerprint ----

When('{word} places the requested finger', XFS4IOT, async function (this: AtmWorld, name: string) {
  const who = this.named(name);
  await placeFinger(this, await requestedFinger(this, who), fingerOf(who));
});

When('{word} places finger {int}', XFS4IOT, async function (this: AtmWorld, name: string, finger: number) {
  const who = this.named(name);
  await placeFinger(this, finger, fingerOf(who));
});

When('{word} places another of her/his own fingers', async function (this: AtmWorld, name: string) {
  const who = this.named(name);
  const requested = await requestedFinger(this, who);
  const other = who.fingers.find((f) => f !== requested) ?? (requested === 1 ? 2 : 1);
  this.log(`requested finger ${requested}, ${name} places finger ${other}`);
  await placeFinger(this, other, fingerOf(who));
});

When("{word} places {word}'s requested finger", async function (this: AtmWorld, _name: string, owner: string) {
  const other = this.named(owner);
  await placeFinger(this, await requestedFinger(this, other), fingerOf(other));
});

When('{word} places a finger nobody enrolled', async function (this: AtmWorld, name: string) {
  this.named(name);
  await placeFinger(this, 1);
});

When('{word} places the requested finger with a print of quality {int}%', async function (this: AtmWorld, name: string, quality: number) {
  const who = this.named(name);
  await placeFinger(this, await requestedFinger(this, who), fingerOf(who), quality);
});

When("{word} places a wax copy of {word}'s requested finger", async function (this: AtmWorld, _name: string, owner: string) {
  const victim = this.named(owner);
  await placeFinger(this, await requestedFinger(this, victim), fingerOf(victim), 100, true);
});

// ---- keypad ----

When(/^(\w+) presses (ENTER|CANCEL|CLEAR|[0-9A-Z])$/, async function (this: AtmWorld, name: string, key: string) {
  this.named(name);
  const { person } = await this.ready();
  const mark = person.messages.length;
  await person.press(key);
  await answered(this, mark, /\/keypad\/evt\/key$/, 'keypad');
});

When('{word} types {string}', async function (this: AtmWorld, name: string, text: string) {
  this.named(name);
  const { person } = await this.ready();
  await person.press(...text.split(''));
});

When('{word} enters her/his PIN', XFS4IOT, async function (this: AtmWorld, name: string) {
  const who = this.named(name);
  await typeEntry(this, 'pin', who.pin!);
});

When('{word} enters the PIN {string}', async function (this: AtmWorld, name: string, pin: string) {
  this.named(name);
  await typeEntry(this, 'pin', pin);
});

When('{word} enters her/his password', XFS4IOT, async function (this: AtmWorld, name: string) {
  const who = this.named(name);
  await typeEntry(this, 'password', who.password!);
});

When('{word} enters the password {string}', async function (this: AtmWorld, name: string, password: string) {
  this.named(name);
  await typeEntry(this, 'password', password);
});

When(
  '{word} logs in as {string} with password {string}',
  async function (this: AtmWorld, name: string, username: string, password: string) {
    this.named(name);
    await typeEntry(this, 'username', username);
    await typeEntry(this, 'password', password);
  },
);

// ---- phone and OTP ----

When('{word} enters the OTP from her/his phone', XFS4IOT, async function (this: AtmWorld, name: string) {
  const who = this.named(name);
  await typeEntry(this, 'otp', await readOtp(this, who));
});

When('{word} reads the OTP on her/his phone', async function (this: AtmWorld, name: string) {
  await readOtp(this, this.named(name));
});

When('{word} enters the OTP she/he read earlier', async function (this: AtmWorld, name: string) {
  const code = this.lastOtp.get(this.named(name).name);
  assert.ok(code, `${name} has not read an OTP yet`);
  await typeEntry(this, 'otp', code);
});

When('{word} enters a wrong OTP', async function (this: AtmWorld, name: string) {
  const who = this.named(name);
  const real = await readOtp(this, who);
  // Change one character: the closest a wrong guess can get.
  const wrong = real.slice(0, -1) + (real.endsWith('0') ? '1' : '0');
  await typeEntry(this, 'otp', wrong);
});

// ---- transactions ----

When('{word} chooses {string}', async function (this: AtmWorld, name: string, option: string) {
  this.named(name);
  await choose(this, option);
});

When('{word} withdraws {int}', XFS4IOT, async function (this: AtmWorld, name: string, amount: number) {
  this.named(name);
  await choose(this, 'withdraw');
  await askFor(this, amount);
});

When('{word} asks for {int}', async function (this: AtmWorld, name: string, amount: number) {
  this.named(name);
  await askFor(this, amount);
});

When('{word} transfers {int} to {word}', async function (this: AtmWorld, name: string, amount: number, to: string) {
  this.named(name);
  const target = this.people.get(to) ?? [...this.people.values()].find((p) => p.name.split(' ')[0] === to);
  assert.ok(target, `nobody called ${to}`);
  this.named(name);
  await choose(this, 'transfer');
  await typeEntry(this, 'to', target.account);
  await typeEntry(this, 'amount', String(amount));
});

When('{word} transfers {int} to account {string}', async function (this: AtmWorld, name: string, amount: number, account: string) {
  this.named(name);
  await choose(this, 'transfer');
  await typeEntry(this, 'to', account);
  await typeEntry(this, 'amount', String(amount));
});

When(
  '{word} changes her/his {word} from {string} to {string}, confirming {string}',
  async function (this: AtmWorld, name: string, _kind: string, current: string, next: string, confirm: string) {
    const who = this.named(name);
    await choose(this, _kind === 'PIN' ? 'change pin' : 'change password');
    await typeEntry(this, 'current', current);
    await typeEntry(this, 'next', next);
    await typeEntry(this, 'confirm', confirm);
    if (next === confirm) {
      if (_kind === 'PIN') who.pin = next;
      else who.password = next;
    }
  },
);

When('{word} takes the cash', XFS4IOT, async function (this: AtmWorld, name: string) {
  this.named(name);
  const { person } = await this.ready();
  const mark = person.messages.length;
  await person.takeCash();
  await person.nextMessage('/dispenser/evt/taken', mark);
});

When('{word} asks for another transaction', async function (this: AtmWorld, name: string) {
  this.named(name);
  const { person } = await this.ready();
  await person.untilState('session.result');
  await person.press('ENTER');
  await person.untilState('session.menu');
});

When('{word} finishes', XFS4IOT, async function (this: AtmWorld, name: string) {
  this.named(name);
  const { person } = await this.ready();
  if (this.xfs4iot) {
    // The reference application goes back to its menu after a transaction: CANCEL there ends the session.
    await untilAppScreen(person, (s) => s.screen === 'menu', 'menu');
    const mark = person.messages.length;
    await person.press('CANCEL');
    await untilDrawn(person, mark, (s) => s.endReason !== undefined, "the session's last screen");
    return;
  }
  await person.until(() => ['session.result', 'session.menu'].includes(person.session?.state ?? ''), 'the menu or a result');
  await person.press('CANCEL');
  await person.untilState('ending');
});

When('{word} gets to the {string} screen', async function (this: AtmWorld, name: string, screen: string) {
  await walkTo(this, this.named(name), screen);
});

When('{word} walks away', async function (this: AtmWorld, name: string) {
  this.named(name);
  const { person } = await this.ready();
  // Long enough for any waiting state to give up: the OTP entry waits longest (code lifetime + input time).
  const profile = this.atm.profile;
  const otpTtl = Math.max(0, ...profile.tiers.map((t) => (t.kind === 'otp' ? t.ttlSeconds * 1000 : 0)));
  await person.advanceClock(profile.timeouts.inputMs + otpTtl + profile.timeouts.dispenseMs);
});

When('{word} types {string} and clears it', async function (this: AtmWorld, name: string, text: string) {
  this.named(name);
  const { person } = await this.ready();
  const field = person.session?.input?.field;
  assert.ok(field, 'the keypad is not collecting anything');
  await person.press(...text.split(''));
  await person.until(() => person.session?.input?.length === text.length, `${text.length} characters typed`);
  await person.press('CLEAR');
  await person.until(() => person.session?.input?.field === field && person.session.input.length === 0, 'the entry to be cleared');
});

When('{word} enters the amount {string}', async function (this: AtmWorld, name: string, amount: string) {
  this.named(name);
  await typeEntry(this, 'amount', amount);
});

When('{word} confirms the new PIN or password', async function (this: AtmWorld, name: string) {
  this.named(name);
  await this.ready();
  const kind = this.atm.profile.tiers.some((t) => t.kind === 'pin') ? 'pin' : 'password';
  await typeEntry(this, 'confirm', NEW_SECRET[kind]);
});

When('the notes are counted', async function (this: AtmWorld) {
  const { person } = await this.ready();
  await person.advanceClock(this.atmConfig.dispenser.dispenseMs);
});

When('the dispenser times out', async function (this: AtmWorld) {
  const { person } = await this.ready();
  await person.advanceClock(this.atm.profile.timeouts.dispenseMs);
});
