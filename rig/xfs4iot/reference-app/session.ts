/**
 * The reference application's sessions (docs/xfs4iot.md "The reference application"): seed001 (random finger 1:N,
 * PIN, 6-digit OTP by SMS, withdrawal) and seed002 (card, password, finger 1:1, 8-character OTP, withdrawal), three
 * attempts a tier, over XFS4IoT (atm.ts) and the bank's HTTP API (bank.ts) only. It writes what a customer sees on
 * the TextTerminal and logs progress without a secret (no PIN, password, OTP, card number or template).
 */
import { randomInt } from 'node:crypto';
import type { Bank, Identified } from './bank.ts';
import type { Entry, XfsAtm } from './atm.ts';

export type Ending = 'completed' | 'cancelled' | 'timeout' | 'lockout' | 'unknown-card' | 'sms-failed' | 'refused' | 'not-dispensed';

export interface SessionOptions {
  /** How long the application waits for a key, finger or card once it asked (the rig's controller: 30 s). */
  inputMs?: number;
  minorDigits?: number;
  /** The finger to ask for (1-10); default: random, from the operating system's CSPRNG. */
  pickFinger?: () => number;
  log?: (line: string) => void;
}

type Customer = Extract<Identified, { ok: true }>;
type Try = 'pass' | 'fail' | Ending;
const ATTEMPTS = 3;
const HINT = 'ENTER ok  CANCEL end';

/** A tier: up to three attempts; a failed attempt says why for a moment's screen, the third is a lockout. */
async function tier(atm: XfsAtm, attempt: (n: number) => Promise<Try>): Promise<'pass' | Ending> {
  for (let n = 1; n <= ATTEMPTS; n++) {
    const result = await attempt(n);
    if (result !== 'fail') return result;
  }
  await atm.show('Too many attempts', 'Session ended');
  return 'lockout';
}

const stopped = (e: Entry): Ending => (e.ok ? 'cancelled' : e.why === 'timeout' ? 'timeout' : 'cancelled');

async function secretTier(atm: XfsAtm, bank: Bank, who: Customer, kind: 'pin' | 'password', o: Required<SessionOptions>) {
  return tier(atm, async (n) => {
    const screen = [kind === 'pin' ? 'Enter PIN' : 'Enter password', `Attempt ${n} of ${ATTEMPTS}`, '', HINT];
    const entry = kind === 'pin' ? await atm.digits(screen, 4, true, o.inputMs) : await atm.text(screen, 6, o.inputMs);
    if (!entry.ok) return stopped(entry);
    const verdict = await bank.secret(who.customerId, kind, entry.value);
    if (verdict.ok) return 'pass';
    if (verdict.reason === 'locked' || verdict.reason === 'in-use-elsewhere')
      return (await atm.show('Not possible now', 'Session ended'), 'lockout');
    await atm.show(kind === 'pin' ? 'Wrong PIN' : 'Wrong password');
    return 'fail';
  });
}

async function otpTier(
  atm: XfsAtm,
  bank: Bank,
  who: Customer,
  length: number,
  alphabet: 'digits' | 'alphanumeric',
  o: Required<SessionOptions>,
) {
  await atm.show('Sending a code', 'to your phone...');
  const otp = await bank.sendOtp(who.customerId, length, alphabet);
  if (!otp.ok) return (await atm.show('SMS not sent', 'Session ended'), 'sms-failed' as const);
  return tier(atm, async (n) => {
    const screen = ['Enter the code', `sent by SMS (${n}/${ATTEMPTS})`, '', HINT];
    const entry = alphabet === 'digits' ? await atm.digits(screen, length, true, o.inputMs) : await atm.text(screen, length, o.inputMs);
    if (!entry.ok) return stopped(entry);
    const verdict = await bank.verifyOtp(otp.otpId, entry.value);
    if (verdict.ok) return 'pass';
    if (verdict.reason !== 'wrong') return (await atm.show('Code no longer valid', 'Session ended'), 'lockout');
    await atm.show('Wrong code');
    return 'fail';
  });
}

/** Reserve at the bank, pay out, then commit; reverse when the notes did not go out as asked. */
async function withdraw(atm: XfsAtm, bank: Bank, who: Customer, o: Required<SessionOptions>, session: string): Promise<Ending> {
  const currency = await atm.currency();
  const entry = await atm.digits([`Amount in ${currency}`, 'whole units', '', 'ENTER to confirm'], 6, false, o.inputMs);
  if (!entry.ok) return stopped(entry);
  const major = Number(entry.value);
  const amount = major * 10 ** o.minorDigits;
  if (!(amount > 0)) return (await atm.show('No amount', 'Session ended'), 'cancelled');
  const hold = await bank.reserve(who.accountId, amount, session);
  if (!hold) return (await atm.show('Not possible:', 'insufficient funds', 'or daily limit'), 'refused');
  await atm.show('Counting your notes', 'Please wait');
  const paid = await atm.payOut(currency, major, ['Take your cash']);
  if (paid === 'taken') {
    await bank.commit(hold);
    o.log(`withdrawal of ${major} ${currency} committed`);
    return 'completed';
  }
  await bank.reverse(hold);
  await atm.show('Cash not dispensed', 'Account not debited');
  o.log('dispense failed: withdrawal reversed');
  return 'not-dispensed';
}

const defaults = (o: SessionOptions): Required<SessionOptions> => ({
  inputMs: o.inputMs ?? 30_000,
  minorDigits: o.minorDigits ?? 2,
  pickFinger: o.pickFinger ?? (() => randomInt(1, 11)),
  log: o.log ?? (() => undefined),
});

/** seed001: ENTER, a random finger (1:N at the bank), the PIN, an OTP by SMS, a withdrawal. */
export async function seed001(atm: XfsAtm, bank: Bank, options: SessionOptions = {}): Promise<Ending> {
  const o = defaults(options);
  const session = `s${randomInt(1e9)}`;
  if (!(await atm.enterOrCancel(['Welcome', '', 'Press ENTER to start']))) return 'cancelled';
  o.log('session started');
  let who: Customer | undefined;
  try {
    const finger = await tier(atm, async (n) => {
      const asked = o.pickFinger();
      const read = await atm.finger([`Place finger ${asked}`, `Attempt ${n} of ${ATTEMPTS}`], o.inputMs);
      if (!read.ok) return read.why === 'timeout' ? 'timeout' : 'fail';
      const match = await bank.finger(read.value);
      if (match.ok && match.finger === asked) return ((who = match), 'pass');
      await atm.show(match.ok ? 'Wrong finger' : 'Finger not known');
      return 'fail';
    });
    if (finger !== 'pass') return finger;
    o.log(`customer ${who!.customerId} identified by finger`);
    const pin = await secretTier(atm, bank, who!, 'pin', o);
    if (pin !== 'pass') return pin;
    const otp = await otpTier(atm, bank, who!, 6, 'digits', o);
    if (otp !== 'pass') return otp;
    o.log('authenticated');
    return await withdraw(atm, bank, who!, o, session);
  } finally {
    await atm.show('Thank you', 'Goodbye');
    if (who) await bank.sessionEnded();
  }
}

/** seed002: a card, the 6-character password, any finger 1:1, an 8-character OTP, a withdrawal; the card back. */
export async function seed002(atm: XfsAtm, bank: Bank, options: SessionOptions = {}): Promise<Ending> {
  const o = defaults(options);
  const session = `s${randomInt(1e9)}`;
  const card = await atm.card(['Welcome', '', 'Insert your card']);
  if (!card.ok) return 'cancelled';
  o.log('card inserted');
  let who: Customer | undefined;
  try {
    const identified = await bank.card(card.value);
    if (!identified.ok) return (await atm.show('Card not accepted'), 'unknown-card');
    who = identified;
    const password = await secretTier(atm, bank, who, 'password', o);
    if (password !== 'pass') return password;
    const finger = await tier(atm, async (n) => {
      const read = await atm.finger(['Place any finger', `Attempt ${n} of ${ATTEMPTS}`], o.inputMs);
      if (!read.ok) return read.why === 'timeout' ? 'timeout' : 'fail';
      if ((await bank.finger(read.value, who!.customerId)).ok) return 'pass';
      await atm.show('Finger not matched');
      return 'fail';
    });
    if (finger !== 'pass') return finger;
    const otp = await otpTier(atm, bank, who, 8, 'alphanumeric', o);
    if (otp !== 'pass') return otp;
    o.log('authenticated');
    return await withdraw(atm, bank, who, o, session);
  } finally {
    if ((await atm.returnCard(['Take your card'], o.inputMs)) === 'retained') o.log('card left in the slot: retained');
    await atm.show('Thank you', 'Goodbye');
    if (who) await bank.sessionEnded();
  }
}
