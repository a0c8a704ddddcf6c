// The session machine alone: seed002, seed000, out of service, custom profiles, screens, the OTP's SMS
// (seed001 in session.seed001.test.ts; the harness in machines/testing/session-harness.ts).
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { parseProfile } from './profiles.ts';
import { screenFor, sessionStateFor, statePath } from './screens.ts';
import { cardThenThreeWrongPasswords, fakeBank, passSeed001Auth, seed000, seed001, seed002, start } from './testing/session-harness.ts';

describe('seed002: card + password + fingerprint 1:1 + 8-character OTP', () => {
  it("authenticates with the card holder's finger and ejects the card at the end", async () => {
    const t = start(seed002);
    expect(screenFor(t.snap())[2]).toBe('Please insert card');
    t.actor.send({ type: 'CARD_INSERTED', pan: '4000001234567899' });
    await t.at('session.auth.password.entering');
    t.type('ABC123');
    await t.at('session.auth.fingerprint.waiting');
    expect(t.snap().context.requestedFinger).toBeUndefined();
    expect(screenFor(t.snap())[0]).toBe('Place your finger');
    expect(sessionStateFor(t.snap()).fingerprintMode).toBe('1:1');
    // Another customer's finger does not verify against the card holder.
    t.actor.send({ type: 'FINGER', template: 'C2/1' });
    await waitFor(t.actor, (s) => s.context.attempts === 1);
    t.actor.send({ type: 'FINGER', template: 'C1/7' });
    await t.at('session.auth.otp.entering');
    expect(t.bank.sent[0]).toHaveLength(8);
    t.type(t.bank.sent[0]!);
    await t.at('session.menu');
    t.press('CANCEL');
    await t.at('ending.ejecting');
    expect(t.effects).toEqual(['eject']);
    expect(screenFor(t.snap())[2]).toBe('Take your card');
    t.actor.send({ type: 'CARD_REMOVED' });
    await t.at('ending.goodbye');
    expect(t.emitted.at(-1)).toMatchObject({ type: 'ended', reason: 'completed', card: 'ejected' });
  });

  it('ejects the card after three wrong passwords', async () => {
    const t = start(seed002);
    await cardThenThreeWrongPasswords(t);
    await t.at('ending.ejecting');
    expect(t.snap().context.endReason).toBe('lockout');
    expect(t.effects).toEqual(['eject']);
  });

  it('retains the card on lockout when the profile says so, and a card left in the slot', async () => {
    const retaining = parseProfile({ ...seed002, id: 'strict', onLockout: 'retain' });
    const t = start(retaining);
    await cardThenThreeWrongPasswords(t);
    await t.at('ending.goodbye');
    expect(t.effects).toEqual(['retain']);
    expect(screenFor(t.snap())[2]).toBe('Card retained');
    expect(t.emitted.at(-1)).toMatchObject({ type: 'ended', reason: 'lockout', card: 'retained' });

    const u = start(seed002);
    u.actor.send({ type: 'CARD_INSERTED', pan: '4000001234567899' });
    await u.at('session.auth.password');
    u.press('CANCEL');
    await u.at('ending.ejecting');
    u.clock.increment(seed002.timeouts.cardTakeMs);
    await u.at('ending.goodbye');
    expect(u.effects).toEqual(['eject', 'retain']);
  });

  it('ends the session for an unknown card', async () => {
    const t = start(seed002);
    t.actor.send({ type: 'CARD_INSERTED', pan: '4111111111111111' });
    await t.at('ending.ejecting');
    expect(t.snap().context.endReason).toBe('unknown-card');
  });

  it('hands a card straight back on a cardless ATM', () => {
    const t = start(seed001);
    t.actor.send({ type: 'CARD_INSERTED', pan: '4000001234567899' });
    expect(statePath(t.snap())).toBe('idle');
    expect(t.effects).toEqual(['eject']);
  });
});

describe('seed000: username + password + fingerprint', () => {
  it('logs in with keypad-typed credentials, then any enrolled finger', async () => {
    const t = start(seed000);
    t.press('ENTER');
    await t.at('session.auth.credentials.username');
    t.type('ALICE');
    t.type('WRONG1');
    await waitFor(t.actor, (s) => s.context.attempts === 1);
    expect(screenFor(t.snap())[2]).toBe('Login failed');
    await t.at('session.auth.credentials.username');
    t.type('ALICE');
    t.type('ABC123');
    await t.at('session.auth.fingerprint.waiting');
    t.actor.send({ type: 'FINGER', template: 'C1/10' });
    await t.at('session.menu');
    t.press('4');
    await t.at('session.change.current');
    expect(t.snap().context.entry).toMatchObject({ label: 'Current password', charset: 'alphanumeric', maxLength: 6 });
  });
});

describe('out of service', () => {
  it('goes out of service while a device it needs is offline, and back when it returns; a session is let finish', async () => {
    const t = start(seed001);
    t.actor.send({ type: 'DEVICE_STATUS', device: 'card', online: false });
    expect(statePath(t.snap())).toBe('idle'); // a cardless ATM does not need its card reader
    t.actor.send({ type: 'DEVICE_STATUS', device: 'dispenser', online: false });
    expect(statePath(t.snap())).toBe('outOfService');
    expect(screenFor(t.snap())[0]).toBe('Out of service');
    expect(sessionStateFor(t.snap())).toMatchObject({ state: 'outOfService', offline: ['card', 'dispenser'] });
    t.press('ENTER');
    expect(statePath(t.snap())).toBe('outOfService');
    t.actor.send({ type: 'CARD_INSERTED', pan: '4000001234567899' });
    expect(t.effects).toEqual(['eject']);
    t.actor.send({ type: 'DEVICE_STATUS', device: 'dispenser', online: true });
    expect(statePath(t.snap())).toBe('idle');

    t.press('ENTER');
    await t.at('session.auth.fingerprint.waiting');
    t.actor.send({ type: 'DEVICE_STATUS', device: 'keypad', online: false });
    expect(statePath(t.snap())).toBe('session.auth.fingerprint.waiting');
    t.press('CANCEL');
    t.clock.increment(seed001.timeouts.messageMs);
    expect(statePath(t.snap())).toBe('outOfService');
  });
});

describe('custom profiles', () => {
  it('runs card -> PIN -> OTP from JSON data alone', async () => {
    const profile = parseProfile({
      id: 'card-pin-otp',
      name: 'Card, PIN, OTP',
      tiers: [{ kind: 'card' }, { kind: 'pin' }, { kind: 'otp', length: 6 }],
    });
    const t = start(profile);
    t.actor.send({ type: 'CARD_INSERTED', pan: '5100001234567892' });
    await t.at('session.auth.pin.entering');
    t.type('2468');
    await t.at('session.auth.otp.entering');
    t.type(t.bank.sent[0]!);
    await t.at('session.menu');
    expect(t.snap().context.customerId).toBe('C2');
  });

  it('rejects a profile whose PIN tier has nobody to check against', () => {
    expect(() => parseProfile({ id: 'bad', name: 'bad', tiers: [{ kind: 'pin' }] })).toThrow(/needs an earlier tier/);
    expect(() => parseProfile({ id: 'bad', name: 'bad', tiers: [{ kind: 'otp' }, { kind: 'card' }] })).toThrow();
    // Re-attack of the bank's session rule: an OTP the ATM texts itself, a card or a finger proves nothing against
    // the ATM's key, so the bank never lets such an ATM act on accounts: refused here, with the reason.
    expect(() => parseProfile({ id: 'bad', name: 'bad', tiers: [{ kind: 'card' }, { kind: 'otp', length: 6 }] })).toThrow(
      /needs a pin, password or username\+password tier: the bank lets an ATM act on a customer's accounts only after a secret the ATM cannot see/,
    );
  });
});

describe('what the profile documents is what the session does', () => {
  it('sizes the credentials entries by usernameMaxLength and passwordLength', async () => {
    const profile = parseProfile({
      id: 'short-names',
      name: 'Short names',
      tiers: [{ kind: 'username+password', usernameMaxLength: 3, passwordLength: 8 }],
    });
    const t = start(profile);
    t.press('ENTER');
    await t.at('session.auth.credentials.username');
    expect(t.snap().context.entry).toMatchObject({ maxLength: 3 });
    t.type('ALICE'); // the keypad stops taking keys at 3
    await t.at('session.auth.credentials.password');
    expect(t.snap().context.fields.username).toBe('ALI');
    expect(t.snap().context.entry).toMatchObject({ minLength: 8, maxLength: 8 });
    t.type('ABC123'); // 6 of 8: ENTER does nothing yet
    expect(statePath(t.snap())).toBe('session.auth.credentials.password.typing');
  });

  it('shows only the transactions the profile offers, and their keys alone choose', async () => {
    const profile = parseProfile({ ...seed001, id: 'two-tx', transactions: ['balance', 'statement'] });
    const t = start(profile);
    await passSeed001Auth(t);
    expect(screenFor(t.snap())).toEqual(['2 Balance', '5 Statement', 'CANCEL to end', '']);
    t.press('1');
    expect(statePath(t.snap())).toBe('session.menu');
    t.press('2');
    await t.at('session.result');
  });
});

describe('screen ids: the stable names of what the ATM shows', () => {
  it('name each step of a seed001 session, whatever the chart path', async () => {
    const t = start(seed001);
    const screen = () => sessionStateFor(t.snap()).screen;
    expect(screen()).toBe('welcome');
    t.press('ENTER');
    await t.at('session.auth.fingerprint.waiting');
    expect(screen()).toBe('place-finger');
    t.actor.send({ type: 'FINGER', template: `C1/${t.snap().context.requestedFinger}` });
    await t.at('session.auth.pin.entering');
    expect(screen()).toBe('enter-pin');
    t.type('1991');
    await t.at('session.auth.otp.entering');
    expect(screen()).toBe('enter-otp');
    t.type(t.bank.sent.at(-1)!);
    await t.at('session.menu');
    expect(screen()).toBe('menu');
    t.press('1');
    expect(screen()).toBe('enter-amount');
    t.press('CANCEL');
    expect(screen()).toBe('goodbye');
  });
});

describe('a refused entry', () => {
  it('is an event as well as a notice: the state it asks again in reads as before', async () => {
    const t = start(seed001);
    await passSeed001Auth(t);
    t.press('1');
    const before = sessionStateFor(t.snap());
    t.type('120'); // the notes are 50s
    expect(t.emitted.at(-1)).toMatchObject({ type: 'entry-refused', field: 'amount', reason: 'amount-rule' });
    expect(sessionStateFor(t.snap())).toEqual(before);
    expect(screenFor(t.snap())[2]).toMatch(/^x50\.00, max/);
  });
});

describe('timeouts a profile may set', () => {
  it('are at most a day: Node would run a longer timer at once (the attack review saw every OTP fail)', () => {
    expect(() => parseProfile({ ...seed001, id: 'slow-sms', timeouts: { ...seed001.timeouts, smsMs: 3_000_000_000 } })).toThrow(/smsMs/);
    expect(parseProfile({ ...seed001, id: 'day-sms', timeouts: { ...seed001.timeouts, smsMs: 86_400_000 } }).timeouts.smsMs).toBe(
      86_400_000,
    );
  });
});

describe('timeouts a profile may set', () => {
  it('are at most a day: Node would run a longer timer at once (the attack review saw every OTP fail)', () => {
    expect(() => parseProfile({ ...seed001, id: 'slow-sms', timeouts: { ...seed001.timeouts, smsMs: 3_000_000_000 } })).toThrow(/smsMs/);
    expect(parseProfile({ ...seed001, id: 'day-sms', timeouts: { ...seed001.timeouts, smsMs: 86_400_000 } }).timeouts.smsMs).toBe(
      86_400_000,
    );
  });
});

describe('the OTP by SMS: an effect, answered by the modem', () => {
  it('a modem that refuses, or never answers, ends the session sms-failed, told apart from a bank outage', async () => {
    for (const modem of ['refuses', 'hangs'] as const) {
      const t = start(seed001, { modem });
      t.press('ENTER');
      await t.at('session.auth.fingerprint.waiting');
      t.actor.send({ type: 'FINGER', template: `C1/${t.snap().context.requestedFinger}` });
      await t.at('session.auth.pin.entering');
      t.type('1991');
      if (modem === 'hangs') {
        await t.at('session.auth.otp.texting');
        expect(screenFor(t.snap())[0]).toBe('Sending OTP by SMS');
        t.clock.increment(seed001.timeouts.smsMs);
      }
      await t.at('ending');
      expect(t.snap().context.endReason).toBe('sms-failed');
      expect(screenFor(t.snap())[0]).toBe('SMS not sent');
    }
    const outage = start(seed001, { bank: fakeBank({ issueOtp: async () => Promise.reject(new Error('bank down')) }) });
    outage.press('ENTER');
    await outage.at('session.auth.fingerprint.waiting');
    outage.actor.send({ type: 'FINGER', template: `C1/${outage.snap().context.requestedFinger}` });
    await outage.at('session.auth.pin.entering');
    outage.type('1991');
    await outage.at('ending');
    expect(outage.snap().context.endReason).toBe('service-unavailable');
  });
});

describe('notice texts fit the 20-column LCD', () => {
  it('every fixed notice is at most 20 characters', async () => {
    const { noticeText } = await import('./screens.ts');
    const c = { money: { amountStep: 5000, minorDigits: 2, maxWithdrawal: 200_000 } } as never;
    const notices = [
      { code: 'unknown-card' },
      { code: 'entries-differ' },
      { code: 'card-not-taken' },
      { code: 'amount-rule' },
      ...['wrong-pin', 'wrong-password', 'wrong-credentials', 'wrong', 'expired', 'used', 'locked', 'no-match', 'wrong-finger'].map(
        (reason) => ({
          code: 'tier-failed',
          reason,
        }),
      ),
    ];
    for (const n of notices) expect(noticeText(n as never, c).length, JSON.stringify(n)).toBeLessThanOrEqual(20);
  });
});
