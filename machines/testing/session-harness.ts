// The session machine's test harness: an in-memory bank, recorded device effects, a GSM modem that answers as
// told, XState's SimulatedClock for time. Used by the machine's test files.
import { createActor, SimulatedClock, waitFor, type SnapshotFrom } from 'xstate';
import { BUILT_IN_PROFILES, type AuthProfile } from '../profiles.ts';
import { statePath } from '../screens.ts';
import type { SessionMachine } from '../session.machine.ts';
import { provideSession } from '../session.ports.ts';
import type { BankPorts, SessionEmitted } from '../session.types.ts';

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
export function fakeBank(overrides: Partial<BankPorts> = {}) {
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
      const code = String(otps.size + 1)
        .repeat(length)
        .slice(0, length);
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

export function start(
  profile: AuthProfile,
  opts: { seed?: number; bank?: ReturnType<typeof fakeBank>; modem?: 'answers' | 'refuses' | 'hangs' } = {},
) {
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
    input: {
      profile,
      atmId: 'atm-1',
      seed: opts.seed ?? 42,
      money: { amountStep: 5_000, maxWithdrawal: 200_000, currency: 'ZMW', minorDigits: 2 },
    },
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
export async function toPin(t: ReturnType<typeof start>) {
  t.press('ENTER');
  await t.at('session.auth.fingerprint.waiting');
  t.actor.send({ type: 'FINGER', template: `C1/${t.snap().context.requestedFinger}` });
  await t.at('session.auth.pin.entering');
}

/** seed002: Alice's card, then a wrong password until the tier runs out. */
export async function cardThenThreeWrongPasswords(t: ReturnType<typeof start>) {
  t.actor.send({ type: 'CARD_INSERTED', pan: '4000001234567899' });
  for (let i = 0; i < 3; i++) {
    await t.at('session.auth.password.entering');
    t.type('AAAAAA');
    await waitFor(t.actor, (s) => s.context.attempts === i + 1 || s.matches('ending'));
  }
}

export async function passSeed001Auth(t: ReturnType<typeof start>) {
  t.press('ENTER');
  await t.at('session.auth.fingerprint.waiting');
  t.actor.send({ type: 'FINGER', template: `C1/${t.snap().context.requestedFinger}` });
  await t.at('session.auth.pin.entering');
  t.type('1991');
  await t.at('session.auth.otp.entering');
  t.type(t.bank.sent.at(-1)!);
  await t.at('session.menu');
}

export const seed001 = BUILT_IN_PROFILES.seed001!;
export const seed002 = BUILT_IN_PROFILES.seed002!;
export const seed000 = BUILT_IN_PROFILES.seed000!;
