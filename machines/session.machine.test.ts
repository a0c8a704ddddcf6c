// The session machine alone: an in-memory bank, recorded device effects, XState's SimulatedClock for time.
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock, waitFor, type SnapshotFrom } from 'xstate';
import { BUILT_IN_PROFILES, parseProfile, type AuthProfile } from './profiles.ts';
import { screenFor, sessionStateFor, statePath } from './screens.ts';
import type { SessionMachine } from './session.machine.ts';
import { provideSession } from './session.ports.ts';
import { firstRequestedFinger } from './session.machine.ts';
import type { BankPorts, SessionEmitted } from './session.types.ts';

interface FakeCustomer {
  id: string;
  account: string;
  pin: string;
  password: string;
  username: string;
  pan: string;
  balance: number;
}

/** A bank that keeps everything in memory. Fingerprint templates are the strings `<customer>/<finger>`. */
function fakeBank(overrides: Partial<BankPorts> = {}) {
  const customers: FakeCustomer[] = [
    { id: 'C1', account: '1000000001', pin: '1991', password: 'ABC123', username: 'ALICE', pan: '4000001234567899', balance: 50_000 },
    { id: 'C2', account: '1000000002', pin: '2468', password: 'XYZ789', username: 'BOB', pan: '5100001234567892', balance: 1_000 },
  ];
  const otps = new Map<string, { code: string; used: boolean; expired: boolean }>();
  const holds = new Map<string, { account: string; amount: number; state: string }>();
  const sent: string[] = [];
  const byId = (id: string) => customers.find((c) => c.id === id)!;
  const byAccount = (n: string) => customers.find((c) => c.account === n)!;
  const identity = (c: FakeCustomer) => ({ customerId: c.id, accountId: c.account, name: c.id });
  const ports: BankPorts = {
    async lookupCard({ pan }) {
      const c = customers.find((x) => x.pan === pan);
      return c ? { ok: true, ...identity(c) } : { ok: false, reason: 'unknown-card' };
    },
    async verifyCredentials({ username, password }) {
      const c = customers.find((x) => x.username === username && x.password === password);
      return c ? { ok: true, ...identity(c) } : { ok: false, reason: 'wrong-credentials' };
    },
    async verifySecret({ customerId, kind, value }) {
      const c = byId(customerId);
      return (kind === 'pin' ? c.pin : c.password) === value ? { ok: true } : { ok: false, reason: `wrong-${kind}` };
    },
    async matchFingerprint({ template, customerId }) {
      const [id, finger] = template.split('/');
      const c = customers.find((x) => x.id === id);
      if (!c || (customerId && customerId !== c.id)) return { ok: false, reason: 'no-match' };
      return { ok: true, ...identity(c), finger: Number(finger) };
    },
    async issueOtp({ length }) {
      const id = `otp-${otps.size + 1}`;
      const code = String(otps.size + 1).repeat(length).slice(0, length);
      otps.set(id, { code, used: false, expired: false });
      return { otpId: id, to: '+260971000001', text: code };
    },
    async verifyOtp({ otpId, code }) {
      const o = otps.get(otpId)!;
      if (o.used) return { ok: false, reason: 'used' };
      if (o.expired) return { ok: false, reason: 'expired' };
      if (o.code !== code) return { ok: false, reason: 'wrong' };
      o.used = true;
      return { ok: true };
    },
    async getBalance({ accountId }) {
      return { balance: byAccount(accountId).balance, currency: 'ZMW' };
    },
    async reserveWithdrawal({ accountId, amount, key }) {
      if (byAccount(accountId).balance < amount) return { ok: false, reason: 'insufficient-funds' };
      holds.set(key, { account: accountId, amount, state: 'reserved' });
      return { ok: true, withdrawalId: key };
    },
    async commitWithdrawal({ withdrawalId }) {
      const h = holds.get(withdrawalId)!;
      h.state = 'committed';
      byAccount(h.account).balance -= h.amount;
      return { balance: byAccount(h.account).balance };
    },
    async reverseWithdrawal({ withdrawalId }) {
      const h = holds.get(withdrawalId)!;
      h.state = 'reversed';
      return { balance: byAccount(h.account).balance };
    },
    async transfer({ accountId, to, amount }) {
      const target = customers.find((c) => c.account === to);
      if (!target) return { ok: false, reason: 'unknown-account' };
      byAccount(accountId).balance -= amount;
      target.balance += amount;
      return { ok: true, balance: byAccount(accountId).balance };
    },
    async changeSecret({ customerId, kind, current, next }) {
      const c = byId(customerId);
      if ((kind === 'pin' ? c.pin : c.password) !== current) return { ok: false, reason: 'wrong-secret' };
      if (kind === 'pin') c.pin = next;
      else c.password = next;
      return { ok: true };
    },
    async miniStatement() {
      return { entries: [{ ts: Date.UTC(2026, 0, 2), type: 'withdrawal', amount: -10_000 }] };
    },
    ...overrides,
  };
  return { ports, customers, otps, holds, sent };
}

function start(profile: AuthProfile, opts: { seed?: number; bank?: ReturnType<typeof fakeBank>; modem?: 'answers' | 'refuses' | 'hangs' } = {}) {
  const bank = opts.bank ?? fakeBank();
  const clock = new SimulatedClock();
  const effects: string[] = [];
  const dispensed: { ref: string; amount: number }[] = [];
  // The GSM modem: takes the SMS and answers as told; what it "sends" is the code the fake bank issued.
  const modem = opts.modem ?? 'answers';
  const machine = provideSession(bank.ports, {
    sendSms: ({ text, ref }) => {
      if (modem === 'hangs') return;
      queueMicrotask(() => {
        if (modem === 'refuses') return actor.send({ type: 'SMS_FAILED', ref, cmsError: 331 });
        bank.sent.push(text);
        actor.send({ type: 'SMS_SENT', ref });
      });
    },
    ejectCard: () => effects.push('eject'),
    retainCard: () => effects.push('retain'),
    dispense: (cmd) => {
      effects.push('dispense');
      dispensed.push(cmd);
    },
  });
  const actor = createActor(machine, {
    clock,
    input: { profile, atmId: 'atm-1', seed: opts.seed ?? 42, amountStep: 5_000, maxWithdrawal: 200_000, currency: 'ZMW', minorDigits: 2 },
  });
  const emitted: SessionEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  const at = (path: string) => waitFor(actor, (s) => statePath(s).startsWith(path), { timeout: 2000 });
  const press = (...keys: string[]) => keys.forEach((key) => actor.send({ type: 'KEY', key }));
  const type = (text: string) => press(...text.split(''), 'ENTER');
  const snap = (): SnapshotFrom<SessionMachine> => actor.getSnapshot();
  return { actor, clock, bank, effects, dispensed, emitted, at, press, type, snap };
}

/** ENTER, then the requested finger of C1: the session waits for the PIN. */
async function toPin(t: ReturnType<typeof start>) {
  t.press('ENTER');
  await t.at('session.auth.fingerprint.waiting');
  t.actor.send({ type: 'FINGER', template: `C1/${t.snap().context.requestedFinger}` });
  await t.at('session.auth.pin.entering');
}

/** seed002: Alice's card, then a wrong password until the tier runs out. */
async function cardThenThreeWrongPasswords(t: ReturnType<typeof start>) {
  t.actor.send({ type: 'CARD_INSERTED', pan: '4000001234567899' });
  for (let i = 0; i < 3; i++) {
    await t.at('session.auth.password.entering');
    t.type('AAAAAA');
    await waitFor(t.actor, (s) => s.context.attempts === i + 1 || s.matches('ending'));
  }
}

async function passSeed001Auth(t: ReturnType<typeof start>) {
  t.press('ENTER');
  await t.at('session.auth.fingerprint.waiting');
  t.actor.send({ type: 'FINGER', template: `C1/${t.snap().context.requestedFinger}` });
  await t.at('session.auth.pin.entering');
  t.type('1991');
  await t.at('session.auth.otp.entering');
  t.type(t.bank.sent.at(-1)!);
  await t.at('session.menu');
}

const seed001 = BUILT_IN_PROFILES.seed001!;
const seed002 = BUILT_IN_PROFILES.seed002!;
const seed000 = BUILT_IN_PROFILES.seed000!;

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
    expect(sessionStateFor(t.snap())).toMatchObject({ profile: 'seed001', tier: 'fingerprint', attempt: 1, attemptsLeft: 3, requestedFinger: finger, fingerprintMode: '1:N' });

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
      'started', 'tier-passed', 'tier-passed', 'tier-passed', 'authenticated', 'transaction', 'receipt', 'ended',
    ]);
    expect(t.emitted.at(-1)).toMatchObject({ type: 'ended', reason: 'completed' });
    expect(t.bank.customers[0]!.balance).toBe(30_000);
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

  it('waits for the OTP SMS for the code\'s lifetime plus the input time before timing out', async () => {
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
    const bank = fakeBank({ verifySecret: async () => { throw new Error('ECONNREFUSED'); } });
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

describe('seed002: card + password + fingerprint 1:1 + 8-character OTP', () => {
  it('authenticates with the card holder\'s finger and ejects the card at the end', async () => {
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
    const profile = parseProfile({ id: 'card-pin-otp', name: 'Card, PIN, OTP', tiers: [{ kind: 'card' }, { kind: 'pin' }, { kind: 'otp', length: 6 }] });
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
  });
});

describe('what the profile documents is what the session does', () => {
  it('sizes the credentials entries by usernameMaxLength and passwordLength', async () => {
    const profile = parseProfile({ id: 'short-names', name: 'Short names', tiers: [{ kind: 'username+password', usernameMaxLength: 3, passwordLength: 8 }] });
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
