/**
 * The reference application's sessions (docs/xfs4iot.md "The reference application"): seed001 (random finger 1:N,
 * PIN, 6-digit OTP by SMS) and seed002 (card, password, finger 1:1, 8-character OTP), three attempts a tier, then
 * the menu (withdrawals until CANCEL), over XFS4IoT (atm.ts) and the bank's HTTP API (bank.ts) only. It writes what
 * a customer sees on the TextTerminal (screens.ts names its screens) and logs progress without a secret (no PIN,
 * password, OTP, card number or template).
 */
import { randomInt } from 'node:crypto';
import type { Bank, Identified } from './bank.ts';
import type { Entry, XfsAtm } from './atm.ts';
import { FAREWELL } from './screens.ts';

/** How a session ended: the rig's end reasons, the ones this application has. */
export type Ending = 'completed' | 'cancelled' | 'timeout' | 'lockout' | 'unknown-card' | 'sms-failed';

export interface SessionOptions {
  /** How long the application waits for a key, finger or card once it asked (the rig's controller: 30 s). */
  inputMs?: number;
  /** How long a session's last screen stays before the next session (the rig's `messageMs`: 3 s); ENTER or
   *  CANCEL cuts it short. It is a Keyboard.DataEntry's timeout, so it runs on the rig clock; 0: no wait. */
  farewellMs?: number;
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
async function tier(attempt: (n: number) => Promise<Try>): Promise<'pass' | Ending> {
  for (let n = 1; n <= ATTEMPTS; n++) {
    const result = await attempt(n);
    if (result !== 'fail') return result;
  }
  return 'lockout';
}

const stopped = (e: Entry): Ending => (e.ok ? 'cancelled' : e.why === 'timeout' ? 'timeout' : 'cancelled');

async function secretTier(atm: XfsAtm, bank: Bank, who: Customer, kind: 'pin' | 'password', o: Required<SessionOptions>) {
  return tier(async (n) => {
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
  if (!otp.ok) return 'sms-failed' as const;
  return tier(async (n) => {
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

/** The menu once every tier passed: a withdrawal (key 1, as on the rig's menu) as often as asked, until CANCEL. */
async function menu(atm: XfsAtm, bank: Bank, who: Customer, o: Required<SessionOptions>): Promise<Ending> {
  const session = `s${randomInt(1e9)}`;
  for (let n = 1; ; n++) {
    const key = await atm.keyOf(['1 Withdraw', '', '', 'CANCEL to end'], ['one', 'cancel'], o.inputMs);
    if (key === 'timeout') return 'timeout';
    if (key !== 'one') return 'completed';
    if ((await withdraw(atm, bank, who, o, `${session}.${n}`)) === 'timeout') return 'timeout';
  }
}

/** Reserve at the bank, pay out, then commit; reverse when the notes did not go out as asked. */
async function withdraw(atm: XfsAtm, bank: Bank, who: Customer, o: Required<SessionOptions>, session: string) {
  const currency = await atm.currency();
  const entry = await atm.digits([`Amount in ${currency}`, 'whole units', '', 'ENTER to confirm'], 6, false, o.inputMs);
  if (!entry.ok) return stopped(entry);
  const major = Number(entry.value);
  const amount = major * 10 ** o.minorDigits;
  if (!(amount > 0)) return (await atm.show('No amount'), 'cancelled');
  const hold = await bank.reserve(who.accountId, amount, session);
  if (!hold) return (await atm.show('Not possible:', 'insufficient funds', 'or daily limit'), 'refused');
  await atm.show('Counting your notes', 'Please wait');
  const paid = await atm.payOut(currency, major, ['Take your cash']);
  if (paid === 'taken') {
    await bank.commit(hold);
    o.log(`withdrawal of ${major} ${currency} committed`);
    return 'taken';
  }
  await bank.reverse(hold);
  await atm.show('Cash not dispensed', 'Account not debited');
  o.log('dispense failed: withdrawal reversed');
  return 'not-dispensed';
}

const defaults = (o: SessionOptions): Required<SessionOptions> => ({
  inputMs: o.inputMs ?? 30_000,
  farewellMs: o.farewellMs ?? 3_000,
  minorDigits: o.minorDigits ?? 2,
  pickFinger: o.pickFinger ?? (() => randomInt(1, 11)),
  log: o.log ?? (() => undefined),
});

/** The session's last screen says why it ended, as the rig's does; then the bank closes the customer's session. */
async function farewell(atm: XfsAtm, bank: Bank, ending: Ending, who: Customer | undefined, o: Required<SessionOptions>) {
  await atm.pause([FAREWELL[ending], '', '', 'Goodbye'], o.farewellMs);
  if (who) await bank.sessionEnded();
}

/** seed001: ENTER, a random finger (1:N at the bank), the PIN, an OTP by SMS, the menu. */
export async function seed001(atm: XfsAtm, bank: Bank, options: SessionOptions = {}): Promise<Ending> {
  const o = defaults(options);
  if (!(await atm.enterOrCancel(['Welcome', '', 'Press ENTER to start']))) return 'cancelled';
  o.log('session started');
  let who: Customer | undefined;
  let ending: Ending = 'cancelled';
  const run = async (): Promise<Ending> => {
    const finger = await tier(async (n) => {
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
    return menu(atm, bank, who!, o);
  };
  try {
    return (ending = await run());
  } finally {
    await farewell(atm, bank, ending, who, o);
  }
}

/** seed002: a card, the 6-character password, any finger 1:1, an 8-character OTP, the menu; the card back. */
export async function seed002(atm: XfsAtm, bank: Bank, options: SessionOptions = {}): Promise<Ending> {
  const o = defaults(options);
  const card = await atm.card(['Welcome', '', 'Insert your card']);
  if (!card.ok) return 'cancelled';
  o.log('card inserted');
  let who: Customer | undefined;
  let ending: Ending = 'cancelled';
  const run = async (): Promise<Ending> => {
    const identified = await bank.card(card.value);
    if (!identified.ok) return 'unknown-card';
    const customer = (who = identified);
    const password = await secretTier(atm, bank, customer, 'password', o);
    if (password !== 'pass') return password;
    const finger = await tier(async (n) => {
      const read = await atm.finger(['Place your finger', `Attempt ${n} of ${ATTEMPTS}`], o.inputMs);
      if (!read.ok) return read.why === 'timeout' ? 'timeout' : 'fail';
      if ((await bank.finger(read.value, customer.customerId)).ok) return 'pass';
      await atm.show('Finger not matched');
      return 'fail';
    });
    if (finger !== 'pass') return finger;
    const otp = await otpTier(atm, bank, customer, 8, 'alphanumeric', o);
    if (otp !== 'pass') return otp;
    o.log('authenticated');
    return menu(atm, bank, customer, o);
  };
  try {
    return (ending = await run());
  } finally {
    // As the rig's ending: why, and the card to take, on one screen.
    if ((await atm.returnCard([FAREWELL[ending], '', 'Take your card'], o.inputMs)) === 'retained')
      o.log('card left in the slot: retained');
    await farewell(atm, bank, ending, who, o);
  }
}
