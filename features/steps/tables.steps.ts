/** Steps for the published test tables: the random finger over many sessions, the authentication matrix, attempts. */
import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import { failTier, passTier, placeFinger, requestedFinger, startSession, tierAsked, typeEntry, readOtp } from '../support/actions.ts';
import { fingerOf, XFS4IOT, type AtmWorld } from '../support/world.ts';
import { untilAppScreen } from '../support/xfs4iot.ts';

const requestedSeen: WeakMap<AtmWorld, number[]> = new WeakMap();

When('{word} starts and cancels {int} sessions', async function (this: AtmWorld, name: string, count: number) {
  const who = this.named(name);
  const { person } = await this.ready();
  const seen: number[] = [];
  for (let i = 0; i < count; i++) {
    await startSession(this, who);
    seen.push(await requestedFinger(this, who));
    await person.press('CANCEL');
    await person.untilState('ending.goodbye');
    await person.advanceClock(this.atm.profile.timeouts.messageMs);
    await person.untilState('idle');
  }
  this.log(`fingers requested: ${seen.join(', ')}`);
  requestedSeen.set(this, seen);
});

Then('the ATM asked for at least {int} different fingers', function (this: AtmWorld, distinct: number) {
  const seen = requestedSeen.get(this) ?? [];
  assert.ok(new Set(seen).size >= distinct, `only ${new Set(seen).size} different fingers in ${seen.join(', ')}`);
  assert.ok(seen.every((f) => f >= 1 && f <= 10));
});

/** One row of the authentication matrix: each factor right or wrong, given in order until one fails. */
When(
  '{word} gives the {word} finger, the {word} PIN and the {word} OTP',
  async function (this: AtmWorld, name: string, finger: string, pin: string, otp: string) {
    const who = this.named(name);
    for (const v of [finger, pin, otp]) assert.ok(v === 'right' || v === 'wrong', `say right or wrong, not "${v}"`);
    await startSession(this, who);
    for (const [tier, verdict] of [
      ['fingerprint', finger],
      ['pin', pin],
      ['otp', otp],
    ] as const) {
      const { person } = await this.ready();
      await person.until(() => person.session?.tier === tier, `the ${tier} step`);
      if (verdict === 'wrong') {
        await failTier(this, who);
        return; // a failed factor stops the walk: the next factor is never asked for
      }
      await passTier(this, who);
    }
  },
);

Then('the transaction menu is shown', XFS4IOT, async function (this: AtmWorld) {
  const { person } = await this.ready();
  if (this.xfs4iot) await untilAppScreen(person, (s) => s.screen === 'menu', 'menu');
  else await person.untilState('session.menu');
  await person.untilLcd('1 Withdraw');
});

Then('the transaction menu is not shown', async function (this: AtmWorld) {
  const { person } = await this.ready();
  assert.ok(!person.messages.some((m) => m.topic.endsWith('/session/state') && m.payload.state === 'session.menu'), 'the menu was shown');
  assert.ok(!person.messages.some((m) => m.topic.endsWith('/session/evt/authenticated')), 'the customer was authenticated');
});

Then('the session waits at the {word} step', async function (this: AtmWorld, tier: string) {
  const { person } = await this.ready();
  await person.until(
    () => person.session?.tier === tier && Boolean(person.session.input || person.session.state.endsWith('waiting')),
    `the ${tier} step to wait for a retry`,
  );
});

When('{word} fails the {word} step {int} time(s)', XFS4IOT, async function (this: AtmWorld, name: string, tier: string, times: number) {
  const who = this.named(name);
  const { person } = await this.ready();
  for (let i = 0; i < times; i++) {
    if (this.xfs4iot) await untilAppScreen(person, (s) => s.tier === tier && s.ready && s.screen !== 'notice', `${tier} step`);
    else await person.until(() => person.session?.tier === tier, `the ${tier} step`);
    await failTier(this, who);
  }
});

When(
  '{word} places finger {int} when asked for finger {int}',
  async function (this: AtmWorld, name: string, placed: number, asked: number) {
    const who = this.named(name);
    assert.equal(await requestedFinger(this, who), asked, 'the ATM asked for another finger: the seed search is off');
    await placeFinger(this, placed, fingerOf(who));
  },
);

When('{word} reads the OTP and waits {int} seconds before entering it', async function (this: AtmWorld, name: string, seconds: number) {
  const who = this.named(name);
  const code = await readOtp(this, who);
  const { person } = await this.ready();
  await person.advanceClock(seconds * 1000);
  await typeEntry(this, 'otp', code);
});

When('{word} passes the steps before {word}', XFS4IOT, async function (this: AtmWorld, name: string, tier: string) {
  const who = this.named(name);
  for (let guard = 0; guard < 10; guard++) {
    if ((await tierAsked(this)) === tier) return;
    await passTier(this, who);
  }
  throw new Error(`never reached the ${tier} step`);
});
