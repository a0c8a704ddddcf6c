/** What the customer, the bank and the bus can see. Every check waits briefly for the bus before it fails. */
import assert from 'node:assert/strict';
import { Then, type DataTable } from '@cucumber/cucumber';
import { awaitDeliveries, untilEntry, untilIdle } from '../support/actions.ts';
import { XFS4IOT, type AtmWorld } from '../support/world.ts';
import { untilDrawn } from '../support/xfs4iot.ts';
import { SCREENS } from '../../machines/screens.ts';
import { didYouMean } from '../../core/suggest.ts';

Then('the LCD shows {string}', XFS4IOT, async function (this: AtmWorld, text: string) {
  const { person } = await this.ready();
  await person.untilLcd(text);
});

Then('the LCD shows:', XFS4IOT, async function (this: AtmWorld, text: string) {
  const { person } = await this.ready();
  const want = text.split('\n').map((l) => l.trimEnd());
  await person.until(
    () => JSON.stringify(person.lcd.map((l) => l.trimEnd())) === JSON.stringify([...want, '', '', '', ''].slice(0, 4)),
    `the LCD to show ${JSON.stringify(want)}`,
  );
});

Then('the ATM is idle', XFS4IOT, async function (this: AtmWorld) {
  await untilIdle(this);
});

Then('the ATM shows the {string} screen', async function (this: AtmWorld, screen: string) {
  if (!(SCREENS as readonly string[]).includes(screen))
    throw new Error(`no screen "${screen}"${didYouMean(screen, SCREENS)}; screens: ${SCREENS.join(', ')}`);
  const { person } = await this.ready();
  await person.untilScreen(screen);
});

// The refusal is an event: the state the ATM asks again in may read as it did before the entry (docs/topics.md).
Then('the ATM refuses the {word}', async function (this: AtmWorld, field: string) {
  const { person } = await this.ready();
  const since = Math.max(
    0,
    person.messages.findLastIndex((m) => m.topic.endsWith('/session/evt/started')),
  );
  await person.until(
    () => person.messages.slice(since).some((m) => m.topic.endsWith('/session/evt/entry-refused') && m.payload.field === field),
    `the ATM to refuse the ${field} (session/evt/entry-refused with field "${field}": amount, or confirm for a new PIN or password)`,
  );
});

Then('the ATM asks for finger {int}', async function (this: AtmWorld, finger: number) {
  const { person } = await this.ready();
  const s = await person.untilState('session.auth.fingerprint.waiting');
  assert.equal(s.requestedFinger, finger);
  await person.untilLcd(`Place finger ${finger}`);
});

Then('the ATM asks for one finger between 1 and 10', async function (this: AtmWorld) {
  const { person } = await this.ready();
  const { requestedFinger } = await person.untilState('session.auth.fingerprint.waiting');
  assert.ok(requestedFinger && requestedFinger >= 1 && requestedFinger <= 10, `requested finger ${requestedFinger}`);
  await person.untilLcd(`Place finger ${requestedFinger}`);
});

Then('the ATM asks for her/his {word}', XFS4IOT, async function (this: AtmWorld, what: string) {
  const field = { PIN: 'pin', password: 'password', OTP: 'otp', username: 'username' }[what];
  assert.ok(field, `the ATM never asks for "${what}"`);
  await untilEntry(this, field);
});

Then('the ATM asks for the OTP', XFS4IOT, async function (this: AtmWorld) {
  await untilEntry(this, 'otp');
});

Then('the ATM asks its GSM modem to send the OTP', async function (this: AtmWorld) {
  const { person } = await this.ready();
  await person.nextMessage('/gsm/cmd/send');
});

Then('the {word} step has {int} attempt(s) left', async function (this: AtmWorld, tier: string, left: number) {
  const { person } = await this.ready();
  let attempt = 1;
  await person.until(() => {
    const s = person.session;
    if (s?.tier !== tier || s.attemptsLeft !== left) return false;
    attempt = s.attempt ?? 1;
    return true;
  }, `the ${tier} step with ${left} attempts left`);
  // The screen counts down only once an attempt failed; whatever the tier's maxAttempts, a fresh tier does not.
  if (attempt > 1) await person.untilLcd(`${left} attempt${left === 1 ? '' : 's'} left`);
});

Then('the session ends with reason {string}', XFS4IOT, async function (this: AtmWorld, reason: string) {
  const { person } = await this.ready();
  if (this.xfs4iot) {
    // No session events: the reference application's last screen of the session says why, in the rig's words.
    const last = await untilDrawn(person, 0, (s) => s.endReason !== undefined, "the session's last screen");
    return assert.equal(last.endReason, reason);
  }
  const ended = await person.nextMessage('/session/evt/ended');
  assert.equal(ended.payload.reason, reason);
  // And the ending's own state (goodbye, the card handed back) has arrived, for the steps that read it next.
  await person.nextMessage('/session/state', person.messages.indexOf(ended));
});

Then('the session goes on', async function (this: AtmWorld) {
  const { person } = await this.ready();
  assert.ok(!person.messages.some((m) => m.topic.endsWith('/session/evt/ended')), 'the session ended');
});

Then('the card is ejected', XFS4IOT, async function (this: AtmWorld) {
  const { person } = await this.ready();
  await person.nextMessage('/card/evt/ejected');
  // At the end of a session the screen says so; a cardless ATM hands a card back without a word. The reference
  // application hands a card back only at the end of a session.
  if (this.xfs4iot || person.session?.state.startsWith('ending')) await person.untilLcd('Take your card');
});

Then('the card is retained', async function (this: AtmWorld) {
  const { person } = await this.ready();
  await person.nextMessage('/card/evt/retained');
});

Then('the dispenser pays out {int}', async function (this: AtmWorld, amount: number) {
  const { person } = await this.ready();
  const event = await person.nextMessage('/dispenser/evt/dispensed');
  assert.equal(event.payload.amount, amount * 100);
  const notes = event.payload.notes as Record<string, number>;
  assert.equal(
    Object.entries(notes).reduce((s, [d, n]) => s + Number(d) * n, 0),
    amount * 100,
    `notes ${JSON.stringify(notes)} do not add up`,
  );
});

Then('the dispenser pays out {int} as:', XFS4IOT, async function (this: AtmWorld, amount: number, table: DataTable) {
  const { person } = await this.ready();
  const event = await person.nextMessage('/dispenser/evt/dispensed');
  assert.equal(event.payload.amount, amount * 100);
  const want = Object.fromEntries(table.hashes().map((r) => [String(Math.round(Number(r.note) * 100)), Number(r.count)]));
  assert.deepEqual(event.payload.notes, want);
});

Then('no cash is dispensed', XFS4IOT, async function (this: AtmWorld) {
  const { person } = await this.ready();
  const event = person.messages.find((m) => m.topic.endsWith('/dispenser/evt/dispensed'));
  assert.equal(event, undefined, `the dispenser paid out: ${JSON.stringify(event?.payload)}`);
});

Then('the dispenser reports {string}', async function (this: AtmWorld, reason: string) {
  const { person } = await this.ready();
  const event = await person.nextMessage('/dispenser/evt/failed');
  assert.equal(event.payload.reason, reason);
});

Then("{word}'s balance is {float}", XFS4IOT, async function (this: AtmWorld, name: string, amount: number) {
  const who = this.named(name);
  // The bank commits a withdrawal as the result screen appears; poll briefly (real time) rather than race it.
  let balance = (await this.balanceOf(who)).balance;
  for (let i = 0; i < 20 && balance !== Math.round(amount * 100); i++) {
    await new Promise((r) => setTimeout(r, 50));
    balance = (await this.balanceOf(who)).balance;
  }
  assert.equal(balance / 100, amount);
});

Then("{word}'s latest ledger entries are:", async function (this: AtmWorld, name: string, table: DataTable) {
  const who = this.named(name);
  const want = table.hashes();
  const { entries } = await this.bank<{ entries: { type: string; amount: number }[] }>(
    'GET',
    `/accounts/${who.account}/ledger?limit=${want.length}`,
  );
  assert.deepEqual(
    entries.map((e) => ({ type: e.type, amount: (e.amount / 100).toFixed(2) })),
    want.map((w) => ({ type: w.type!, amount: Number(w.amount).toFixed(2) })),
  );
});

Then("{word}'s ledger adds up to her/his balance", async function (this: AtmWorld, name: string) {
  const who = this.named(name);
  const { entries } = await this.bank<{ entries: { amount: number }[] }>('GET', `/accounts/${who.account}/ledger?limit=500`);
  const { balance } = await this.balanceOf(who);
  assert.equal(
    entries.reduce((s, e) => s + e.amount, 0),
    balance,
  );
});

Then('{word} receives {int} SMS(es)', XFS4IOT, async function (this: AtmWorld, name: string, count: number) {
  const who = this.named(name);
  const { person } = await this.ready();
  await awaitDeliveries(this, who);
  await person.until(() => person.inbox.filter((s) => s.to === who.phone).length >= count, `${count} SMS to ${who.phone}`);
  assert.equal(person.inbox.filter((s) => s.to === who.phone).length, count);
});

Then('{word} has received no SMS', XFS4IOT, async function (this: AtmWorld, name: string) {
  const who = this.named(name);
  const { person } = await this.ready();
  assert.equal(person.inbox.filter((s) => s.to === who.phone).length, 0);
});

Then('the {word} shows offline', async function (this: AtmWorld, device: string) {
  const { person } = await this.ready();
  await person.until(
    () => person.messages.findLast((m) => m.topic.endsWith(`/${device}/state`))?.payload.online === false,
    `the ${device} to show offline`,
  );
});

Then('the {word} comes back online', async function (this: AtmWorld, device: string) {
  const { person } = await this.ready();
  await person.until(
    () => person.messages.findLast((m) => m.topic.endsWith(`/${device}/state`))?.payload.online === true,
    `the ${device} to come back online`,
    10_000,
  );
});

Then('the fingerprint sensor reports {string}', async function (this: AtmWorld, code: string) {
  const { person } = await this.ready();
  const e = await person.nextMessage('/fingerprint/evt/error');
  assert.equal(e.payload.code, code);
});

Then('the receipt says {string}', async function (this: AtmWorld, text: string) {
  const { person } = await this.ready();
  const receipt = await person.nextMessage('/session/evt/receipt');
  assert.ok(
    (receipt.payload.lines as string[]).some((l) => l.includes(text)),
    `receipt ${JSON.stringify(receipt.payload.lines)}`,
  );
});

Then('the ATM goes out of service', async function (this: AtmWorld) {
  const { person } = await this.ready();
  // Seen on the retained session state at some point (a device may come back within a second).
  await person.until(
    () => person.messages.some((m) => m.topic.endsWith('/session/state') && m.payload.state === 'outOfService'),
    'the ATM to go out of service',
  );
});

Then('the ATM is back in service', async function (this: AtmWorld) {
  const { person } = await this.ready();
  await person.untilState('idle', 10_000);
  await person.untilLcd(/Press ENTER|insert card/);
});
