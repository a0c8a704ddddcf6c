// The session machine alone, seed001 (random finger + PIN + OTP): machines/testing/session-harness.ts.
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { screenFor, sessionStateFor, statePath } from './screens.ts';
import { firstRequestedFinger } from './session.machine.ts';
import { fakeBank, passSeed001Auth, seed001, start, toPin } from './testing/session-harness.ts';

describe('seed001: random finger + PIN + OTP', () => {
  it('walks the happy path to a dispensed withdrawal and back to idle', async () => {
    const t = start(seed001);
    expect(screenFor(t.snap())).toEqual(['Welcome', '', 'Press ENTER to start', '']);
    t.press('ENTER');
    await t.at('session.auth.fingerprint.waiting');
    const finger = t.snap().context.requestedFinger!;
    expect(finger).toBeGreaterThanOrEqual(1);
    expect(finger).toBeLessThanOrEqual(10);
    expect(screenFor(t.snap())[0]).toBe(`Place finger ${finger}`);
    expect(sessionStateFor(t.snap())).toMatchObject({
      profile: 'seed001',
      tier: 'fingerprint',
      attempt: 1,
      attemptsLeft: 3,
      requestedFinger: finger,
      fingerprintMode: '1:N',
    });

    t.actor.send({ type: 'FINGER', template: `C1/${finger}` });
    await t.at('session.auth.pin.entering');
    expect(t.snap().context.customerId).toBe('C1');
    t.press('1', '9', '9');
    expect(screenFor(t.snap())[1]).toBe('***');
    t.press('1', 'ENTER');
    await t.at('session.auth.otp.entering');
    expect(screenFor(t.snap())[0]).toBe('Enter OTP');
    t.type(t.bank.sent[0]!);
    await t.at('session.menu');
    expect(screenFor(t.snap())[0]).toBe('1 Withdraw 2 Balance');

    t.press('1');
    await t.at('session.withdraw.amount');
    t.type('200');
    await t.at('session.withdraw.inFlight.dispensing');
    expect(t.dispensed).toEqual([{ ref: expect.stringMatching(/^atm-1-[0-9a-f]{6}-1$/), amount: 20_000 }]);
    t.actor.send({ type: 'DISPENSED', ref: t.dispensed[0]!.ref, amount: 20_000, notes: { '10000': 2 } });
    await t.at('session.result');
    expect(screenFor(t.snap())).toEqual(['Take your cash', 'ZMW 200.00', 'Balance ZMW 300.00', 'More? ENTER / CANCEL']);
    t.press('CANCEL');
    await t.at('ending.goodbye');
    expect(screenFor(t.snap())[0]).toBe('Thank you');
    t.clock.increment(seed001.timeouts.messageMs);
    await t.at('idle');

    expect(t.emitted.map((e) => e.type)).toEqual([
      'started',
      'tier-passed',
      'tier-passed',
      'tier-passed',
      'authenticated',
      'transaction',
      'receipt',
      'ended',
    ]);
    expect(t.emitted.at(-1)).toMatchObject({ type: 'ended', reason: 'completed' });
    expect(t.bank.customers[0]!.balance).toBe(30_000);
  });

  it('does not debit a dispense whose count does not add up to the amount asked', async () => {
    for (const [amount, notes] of [
      [10_000, { '10000': 1 }], // fewer notes, and it says so
      [20_000, { '10000': 1 }], // the right amount, notes that do not make it
      [20_000, { '10000': 3 }],
    ] as const) {
      const t = start(seed001);
      await passSeed001Auth(t);
      t.press('1');
      await t.at('session.withdraw.amount');
      t.type('200');
      await t.at('session.withdraw.inFlight.dispensing');
      t.actor.send({ type: 'DISPENSED', ref: t.dispensed[0]!.ref, amount, notes });
      await t.at('session.result');
      expect(screenFor(t.snap()).slice(0, 2)).toEqual(['Unable to dispense', 'Account not debited']);
      expect(t.bank.customers[0]!.balance).toBe(50_000);
      expect(t.emitted.find((e) => e.type === 'transaction')).toMatchObject({ ok: false, reason: 'dispenser miscount' });
    }
  });

  it('draws the requested finger from the seed: same seed same finger, different seeds vary', async () => {
    const fingerFor = async (seed: number) => {
      const t = start(seed001, { seed });
      t.press('ENTER');
      await t.at('session.auth.fingerprint.waiting');
      return t.snap().context.requestedFinger;
    };
    expect(await fingerFor(1234)).toBe(await fingerFor(1234));
    const seen = new Set<number | undefined>();
    for (let seed = 0; seed < 40; seed++) seen.add(await fingerFor(seed));
    expect(seen.size).toBeGreaterThanOrEqual(8);
  });

  it('predicts the first requested finger from the seed (what tests use to reproduce a published case)', async () => {
    for (const seed of [1, 99, 2024, 0xdeadbeef]) {
      const t = start(seed001, { seed });
      t.press('ENTER');
      await t.at('session.auth.fingerprint.waiting');
      expect(t.snap().context.requestedFinger).toBe(firstRequestedFinger(seed));
    }
  });

  it('refuses the owner\'s other finger with "Wrong finger" and locks out after 3 attempts', async () => {
    const t = start(seed001);
    t.press('ENTER');
    await t.at('session.auth.fingerprint.waiting');
    const requested = t.snap().context.requestedFinger!;
    const other = requested === 1 ? 2 : 1;
    t.actor.send({ type: 'FINGER', template: `C1/${other}` });
    await waitFor(t.actor, (s) => s.context.attempts === 1);
    await t.at('session.auth.fingerprint.waiting');
    expect(screenFor(t.snap()).slice(2)).toEqual(['Wrong finger', '2 attempts left']);
    expect(t.snap().context.requestedFinger).toBe(requested);
    expect(sessionStateFor(t.snap())).toMatchObject({ attempt: 2, attemptsLeft: 2 });

    t.actor.send({ type: 'FINGER', template: 'stranger/1' });
    await waitFor(t.actor, (s) => s.context.attempts === 2);
    expect(screenFor(t.snap()).slice(2)).toEqual(['Finger not matched', '1 attempt left']);

    t.actor.send({ type: 'FINGER', template: `C1/${other}` });
    await t.at('ending');
    expect(t.snap().context.endReason).toBe('lockout');
    expect(screenFor(t.snap())[0]).toBe('Too many attempts');
    const failures = t.emitted.filter((e) => e.type === 'tier-failed');
    expect(failures.map((e) => e.type === 'tier-failed' && e.reason)).toEqual(['wrong-finger', 'no-match', 'wrong-finger']);
    expect(t.emitted.at(-1)).toMatchObject({ type: 'ended', reason: 'lockout' });
    expect(t.effects).not.toContain('dispense');
  });

  it('shows "Incorrect PIN" for 1965 and passes 1991 on the next attempt', async () => {
    const t = start(seed001);
    await toPin(t);
    t.type('1965');
    await waitFor(t.actor, (s) => s.context.attempts === 1);
    await t.at('session.auth.pin.entering');
    expect(screenFor(t.snap()).slice(2)).toEqual(['Incorrect PIN', '2 attempts left']);
    expect(t.snap().context.entry.value).toBe('');
    t.type('1991');
    await t.at('session.auth.otp');
  });

  it('ends the session after three wrong PINs', async () => {
    const t = start(seed001);
    t.press('ENTER');
    await t.at('session.auth.fingerprint.waiting');
    t.actor.send({ type: 'FINGER', template: `C1/${t.snap().context.requestedFinger}` });
    for (let i = 1; i <= 3; i++) {
      await t.at('session.auth.pin.entering');
      t.type('0000');
      await waitFor(t.actor, (s) => s.context.attempts === i || s.matches('ending'));
    }
    await t.at('ending');
    expect(t.snap().context.endReason).toBe('lockout');
  });

  it('refuses a wrong OTP with "Wrong OTP", and sends a fresh code when one expired', async () => {
    const bank = fakeBank();
    const t = start(seed001, { bank });
    await toPin(t);
    t.type('1991');
    await t.at('session.auth.otp.entering');
    t.type('999999');
    await waitFor(t.actor, (s) => s.context.attempts === 1);
    expect(screenFor(t.snap())[2]).toBe('Wrong OTP');
    bank.otps.get('otp-1')!.expired = true;
    t.type(bank.sent[0]!);
    await waitFor(t.actor, (s) => s.context.attempts === 2);
    await t.at('session.auth.otp.entering');
    expect(screenFor(t.snap())[2]).toBe('OTP expired');
    expect(bank.sent).toHaveLength(2);
    t.type(bank.sent[1]!);
    await t.at('session.menu');
  });

  it('times out an idle keypad entry, and every key press restarts the timer', async () => {
    const t = start(seed001);
    await toPin(t);
    t.clock.increment(29_000);
    t.press('1');
    t.clock.increment(29_000);
    expect(statePath(t.snap())).toBe('session.auth.pin.entering.typing');
    t.clock.increment(1_000);
    expect(statePath(t.snap())).toBe('ending.goodbye');
    expect(t.snap().context.endReason).toBe('timeout');
  });

  it("waits for the OTP SMS for the code's lifetime plus the input time before timing out", async () => {
    const t = start(seed001);
    await toPin(t);
    t.type('1991');
    await t.at('session.auth.otp.entering');
    t.clock.increment(seed001.timeouts.inputMs + 119_000);
    expect(statePath(t.snap())).toBe('session.auth.otp.entering.typing');
    t.clock.increment(1_000);
    expect(t.snap().context.endReason).toBe('timeout');
  });

  it('times out a customer who never places a finger', async () => {
    const t = start(seed001);
    t.press('ENTER');
    await t.at('session.auth.fingerprint.waiting');
    t.clock.increment(seed001.timeouts.inputMs);
    expect(t.snap().context.endReason).toBe('timeout');
  });

  it('refuses amounts that are not a multiple of the smallest note, without calling the bank', async () => {
    const t = start(seed001);
    await passSeed001Auth(t);
    t.press('1');
    t.type('125');
    await t.at('session.withdraw.amount');
    expect(screenFor(t.snap())[2]).toBe('x50.00, max 2000.00');
    expect(t.effects).not.toContain('dispense');
  });

  it('reverses the hold when the dispenser fails, and when it never answers', async () => {
    const t = start(seed001);
    await passSeed001Auth(t);
    t.press('1');
    t.type('100');
    await t.at('session.withdraw.inFlight.dispensing');
    t.press('CANCEL'); // ignored while money moves
    expect(statePath(t.snap())).toBe('session.withdraw.inFlight.dispensing');
    t.actor.send({ type: 'DISPENSE_FAILED', ref: t.dispensed[0]!.ref, reason: 'jam' });
    await t.at('session.result');
    expect(screenFor(t.snap())[0]).toBe('Unable to dispense');
    expect([...t.bank.holds.values()].map((h) => h.state)).toEqual(['reversed']);

    t.press('ENTER');
    await t.at('session.menu');
    t.press('1');
    t.type('100');
    await t.at('session.withdraw.inFlight.dispensing');
    t.clock.increment(seed001.timeouts.dispenseMs);
    await t.at('session.result');
    expect([...t.bank.holds.values()].map((h) => h.state)).toEqual(['reversed', 'reversed']);
    expect(t.bank.customers[0]!.balance).toBe(50_000);
  });

  it('shows "Insufficient funds" when the bank refuses', async () => {
    const t = start(seed001);
    await passSeed001Auth(t);
    t.press('1');
    t.type('1000');
    await t.at('session.result');
    expect(screenFor(t.snap())[0]).toBe('Insufficient funds');
    expect(t.emitted.find((e) => e.type === 'transaction')).toMatchObject({ ok: false, reason: 'insufficient-funds' });
  });

  it('runs balance, transfer, change PIN (with a mismatch first) and mini statement', async () => {
    const t = start(seed001);
    await passSeed001Auth(t);
    t.press('2');
    await t.at('session.result');
    expect(screenFor(t.snap()).slice(0, 2)).toEqual(['Available balance', 'ZMW 500.00']);
    t.press('ENTER');
    await t.at('session.menu');

    t.press('3');
    t.type('1000000002');
    t.type('50');
    await t.at('session.result');
    expect(screenFor(t.snap())[0]).toBe('Transfer done');
    expect(t.bank.customers[1]!.balance).toBe(6_000);
    t.press('ENTER');

    await t.at('session.menu');
    t.press('4');
    t.type('1991');
    t.type('4321');
    t.type('4322');
    await t.at('session.change.next');
    expect(screenFor(t.snap())[2]).toBe('Entries do not match');
    t.type('4321');
    t.type('4321');
    await t.at('session.result');
    expect(screenFor(t.snap())[0]).toBe('PIN changed');
    expect(t.bank.customers[0]!.pin).toBe('4321');
    t.press('ENTER');

    await t.at('session.menu');
    t.press('5');
    await t.at('session.result');
    expect(screenFor(t.snap())[1]).toBe('01-02 withdr -100.00');
  });

  it('ends with service-unavailable when the bank cannot be reached', async () => {
    const bank = fakeBank({
      verifySecret: async () => {
        throw new Error('ECONNREFUSED');
      },
    });
    const t = start(seed001, { bank });
    await toPin(t);
    t.type('1991');
    await t.at('ending');
    expect(t.snap().context.endReason).toBe('service-unavailable');
  });

  it('cancels from any entry screen', async () => {
    const t = start(seed001);
    t.press('ENTER');
    await t.at('session.auth.fingerprint.waiting');
    t.press('CANCEL');
    await t.at('ending');
    expect(t.snap().context.endReason).toBe('cancelled');
  });
});
