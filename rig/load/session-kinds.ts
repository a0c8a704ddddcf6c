/**
 * What a simulated customer does at a seed001 ATM, for each kind of session in a load run, over MQTT only (the
 * AtmClient, as the Cucumber steps and the demo do). Each resolves when the ATM is idle again, or throws with what
 * went wrong. `dispensed` is the cash the customer took, for the ledger check.
 */
import { otpFromSms, type AtmClient } from '../atm-client.ts';
import type { PopulationCredential } from '../population-seed.ts';
import type { SessionKind } from './mix.ts';

export const LOAD_AMOUNT = 10_000; // minor units: one 100.00 note

export interface SessionOutcome {
  dispensed: number;
}

export async function runSession(
  kind: SessionKind,
  person: AtmClient,
  who: PopulationCredential,
  otpTtlMs: number,
  /** Filled as the session goes: a session that fails after the notes left still paid them (the ledger check). */
  seen: SessionOutcome = { dispensed: 0 },
): Promise<SessionOutcome> {
  // Only this session's messages are kept: a run of hours would otherwise hold every message of every session.
  person.forget();
  try {
    return await customerSession(kind, person, who, otpTtlMs, seen);
  } finally {
    await person.unwatchPhone(who.phone).catch(() => undefined);
  }
}

async function customerSession(
  kind: SessionKind,
  person: AtmClient,
  who: PopulationCredential,
  otpTtlMs: number,
  seen: SessionOutcome,
): Promise<SessionOutcome> {
  // Her phone is read from the start, while she waits for the welcome screen: the SMS comes after the PIN.
  await Promise.all([person.watchPhone(who.phone), person.untilScreen('welcome', 10_000)]);
  await person.press('ENTER');
  const { requestedFinger } = await person.untilScreen('place-finger');
  if (kind === 'wrong-finger') {
    await person.placeFinger(requestedFinger === 1 ? 2 : 1, who.id);
    await person.until(() => person.session?.attempt === 2, 'the second fingerprint attempt');
  }
  await person.placeFinger(requestedFinger!, who.id);
  await person.untilScreen('enter-pin');
  if (kind === 'cancel') {
    await person.press('CANCEL');
    await person.untilScreen('welcome', 10_000);
    return { dispensed: 0 };
  }
  if (kind === 'wrong-pin') {
    await person.type(who.pin === '0000' ? '1111' : '0000');
    await person.until(() => person.session?.attempt === 2 && person.session.screen === 'enter-pin', 'the second PIN attempt');
  }
  const sms = person.inbox.filter((s) => s.to === who.phone).length;
  await person.type(who.pin);
  await person.untilScreen('enter-otp');
  let code = otpFromSms((await person.untilSms(who.phone, sms + 1, 10_000)).text);
  if (kind === 'otp-expired') {
    // The customer reads the code and waits past its lifetime: the ATM refuses it and sends a fresh one.
    await new Promise((r) => setTimeout(r, otpTtlMs + 500));
    await person.type(code);
    code = otpFromSms((await person.untilSms(who.phone, sms + 2, 10_000)).text);
    await person.untilScreen('enter-otp');
  }
  await person.type(code);
  await person.untilScreen('menu');
  const mark = person.messages.length;
  await person.press('1');
  await person.untilScreen('enter-amount');
  await person.type(String(LOAD_AMOUNT / 100));
  // The notes, or the bank's refusal (a customer short of money after earlier runs): said at once, with its reason.
  const outcome = await person.nextMessage(/\/(dispenser\/evt\/dispensed|session\/evt\/transaction)$/, mark, 10_000);
  if (outcome.topic.endsWith('/transaction') && outcome.payload.ok === false)
    throw new Error(`withdrawal refused: ${String(outcome.payload.reason)}`);
  const dispensed = outcome.topic.endsWith('/dispensed') ? outcome : await person.nextMessage('/dispenser/evt/dispensed', mark, 10_000);
  seen.dispensed = Number(dispensed.payload.amount);
  await person.takeCash();
  // The cash and the key are different devices' messages: a CANCEL sent at once may reach the ATM before "taken".
  await person.untilScreen('result');
  await person.press('CANCEL');
  await person.untilScreen('welcome', 10_000);
  return { dispensed: Number(dispensed.payload.amount) };
}
