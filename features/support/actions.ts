/**
 * What a person does at the ATM, in the few moves every step is made of. Each waits for the ATM to be ready for
 * the move (as a person reads the screen before typing) and lets the rig clock run where a person would wait:
 * for an SMS to arrive, for the notes to be counted.
 *
 * Under the `xfs4iot` profile the reference application runs the ATM and there is no session state: the moves the
 * XFS4IOT steps use wait on its screens instead, read off the LCD (support/xfs4iot.ts), each beside the rig's way.
 */
import assert from 'node:assert/strict';
import { otpFromSms, type AtmClient, type BusMessage } from '../../rig/atm-client.ts';
import { DEFAULT_DISPENSE_MS, fingerOf, type AtmWorld, type Person } from './world.ts';
import { appScreen, untilAppScreen, untilDrawn, type AppScreen } from './xfs4iot.ts';

/** The reference application's screen that waits for a tier: an entry listening, or the finger asked for. */
const askingTier = (s: AppScreen) => Boolean(s.tier && s.ready && (s.field || s.screen === 'place-finger'));

/** Waits until the keypad collects `field` (pin, password, otp, amount, to, current, next, confirm, username). */
export async function untilEntry(world: AtmWorld, field: string) {
  const { person } = await world.ready();
  if (world.xfs4iot) return void (await untilAppScreen(person, (s) => s.field === field && s.ready, `${field} entry`));
  await person.until(() => person.session?.input?.field === field, `the ATM to ask for ${field}`);
}

/** Type a value and ENTER, then wait until the ATM has reacted (the entry is gone or restarted). */
export async function typeEntry(world: AtmWorld, field: string, value: string) {
  const { person } = await world.ready();
  await untilEntry(world, field);
  const mark = person.messages.length;
  await person.type(value);
  if (world.xfs4iot) {
    // The application has taken it when it draws another screen: the next step, a notice, the end.
    await untilDrawn(person, mark, (s) => s.field !== field, `the reference application to take the ${field}`);
    return;
  }
  // The machine has taken the ENTER when the session state changes (to verifying, the next entry, a notice) or the
  // entry is refused (the state may then read as before: states are published once per turn, docs/topics.md).
  await person.nextMessage(/\/session\/(state|evt\/entry-refused)$/, mark);
  await person.until(
    () => !(person.session?.input?.field === field && (person.session.input.length ?? 0) > 0),
    `the ATM to take the ${field}`,
  );
}

/** Wait until the ATM is idle; a person in front of the goodbye screen lets its message time pass. */
export async function untilIdle(world: AtmWorld) {
  const { person } = await world.ready();
  if (world.xfs4iot) {
    const ending = (s: AppScreen) => s.screen === 'welcome' || s.endReason !== undefined;
    let s = await untilAppScreen(person, ending, 'welcome, take-card or goodbye');
    if (s.screen === 'take-card') {
      await person.nextMessage('/card/evt/ejected');
      await person.removeCard();
      s = await untilAppScreen(person, (x) => x.screen !== 'take-card' && ending(x), 'goodbye or welcome');
    }
    // The application holds its last screen for the rig profile's messageMs, on the rig clock (a DataEntry timeout).
    if (s.screen === 'goodbye') await person.advanceClock(world.atm.profile.timeouts.messageMs);
    await untilAppScreen(person, (x) => x.screen === 'welcome' && x.ready, 'welcome');
    return;
  }
  await person.until(
    () => ['idle', 'ending.goodbye', 'ending.ejecting'].includes(person.session?.state ?? ''),
    'the goodbye screen, the card, or idle',
  );
  if (person.session?.state === 'ending.ejecting') {
    // A person takes the card the ATM hands back before anything else.
    await person.nextMessage('/card/evt/ejected');
    await person.removeCard();
    await person.until(() => person.session?.state !== 'ending.ejecting', 'the card to be taken');
  }
  await person.until(() => ['idle', 'ending.goodbye'].includes(person.session?.state ?? ''), 'the goodbye screen or idle');
  if (person.session?.state === 'ending.goodbye') await person.advanceClock(world.atm.profile.timeouts.messageMs);
  await person.untilState('idle');
}

/** Start a session the way the profile wants: ENTER on a cardless ATM, the person's card otherwise. */
export async function startSession(world: AtmWorld, who: Person) {
  const { person } = await world.ready();
  await untilIdle(world);
  const mark = person.messages.length;
  const card = world.atm.profile.tiers[0]?.kind === 'card';
  if (card) {
    assert.ok(who.pan, `${who.name} has no card`);
    await person.insertCard(who.pan);
  } else {
    await person.press('ENTER');
  }
  if (world.xfs4iot) return void (await untilDrawn(person, mark, (s) => s.screen !== 'welcome', 'the session to start'));
  // Started, or the wire took the card or the key (a person does not know; docs/faults.md).
  const taken = wireTook(world, card ? 'card' : 'keypad');
  await person.until(() => person.session?.state !== 'idle' || person.messages.slice(mark).some(taken), 'the session to start');
}

/** Is this message a fault that took one of the device's events (lost, late, damaged, reordered; not doubled)? */
function wireTook(world: AtmWorld, device: string): (m: BusMessage) => boolean {
  const prefix = `atm/${world.atmId}/${device}/evt/`;
  return (m) => m.topic === 'rig/fault/evt/applied' && String(m.payload.where).startsWith(prefix) && m.payload.action !== 'duplicate';
}

export async function placeFinger(world: AtmWorld, finger: number, customerId?: string, quality = 100, spoof = false) {
  const { person } = await world.ready();
  if (world.xfs4iot) {
    await untilAppScreen(person, (s) => s.screen === 'place-finger', 'place-finger');
    const mark = person.messages.length;
    await person.placeFinger(finger, customerId, quality, spoof);
    // Answered when the application draws the next screen: a notice, the next tier, the end.
    await untilDrawn(person, mark, (s) => s.screen !== 'place-finger', 'the reference application to answer the finger');
    return;
  }
  await person.untilState('session.auth.fingerprint.waiting');
  const mark = person.messages.length;
  await person.placeFinger(finger, customerId, quality, spoof);
  await answered(world, mark, /\/(session\/evt\/(tier-passed|tier-failed|ended)|fingerprint\/evt\/error)$/, 'fingerprint');
  const answer = person.messages.slice(mark).find((m) => /\/session\/evt\/(tier-passed|tier-failed|ended)$/.test(m.topic));
  if (answer) await stateAfter(person, answer);
}

/** The session state that follows a session event. An event goes out before the state it leads to, which is drawn
 *  at the end of the controller's turn (docs/topics.md): a step after it that reads the state must not read the one
 *  from before. */
async function stateAfter(person: AtmClient, event: BusMessage) {
  await person.nextMessage('/session/state', person.messages.indexOf(event));
}

/**
 * Wait for the answer to a person's action (a message on `topic` after `mark`), or for the wire to have taken the
 * device's event (a fault applied to it, docs/faults.md): a person does not know their key press was lost.
 */
export async function answered(world: AtmWorld, mark: number, topic: RegExp, device: string) {
  const { person } = await world.ready();
  const taken = wireTook(world, device);
  const hit = (m: BusMessage) => topic.test(m.topic) || taken(m);
  await person.until(() => person.messages.slice(mark).some(hit), `a message on …${String(topic)} (or a fault on its ${device} events)`);
  // A fault that cut the device off the bus: its going offline (the will, which may come before the fault's report)
  // is part of the answer. A next step that waits for it to be back online must not take the state from before.
  if (!person.messages.slice(mark).some((m) => taken(m) && m.payload.action === 'disconnect')) return;
  const state = `atm/${world.atmId}/${device}/state`;
  await person.until(
    () => person.messages.slice(mark).some((m) => m.topic === state && m.payload.online === false),
    `the ${device} to go offline`,
  );
}

/** The finger the ATM asks for, or (when any finger will do) the person's first enrolled one. */
export async function requestedFinger(world: AtmWorld, who: Person): Promise<number> {
  const { person } = await world.ready();
  if (world.xfs4iot) {
    const s = await untilAppScreen(person, (x) => x.screen === 'place-finger', 'place-finger');
    return s.finger ?? who.fingers[0] ?? 1;
  }
  const state = await person.untilState('session.auth.fingerprint.waiting');
  return state.requestedFinger ?? who.fingers[0] ?? 1;
}

/** Wait for the SMS the modem accepted to reach the phone: the network's delivery delay passes on the rig clock. */
export async function awaitDeliveries(world: AtmWorld, who: Person) {
  const { person } = await world.ready();
  const delivered = () => person.inbox.filter((s) => s.to === who.phone).length;
  // A phone is the same at every ATM: count what every ATM's modem sent to it.
  const count = (test: (m: BusMessage) => boolean) =>
    [...world.root.clients.values()].reduce((n, client) => n + client.messages.filter(test).length, 0);
  const sent = count((m) => m.topic.endsWith('/gsm/cmd/send') && m.payload.to === who.phone);
  const accepted = count((m) => m.topic.endsWith('/gsm/evt/sent'));
  if (delivered() < Math.min(sent, accepted)) {
    await person.advanceClock(world.atmConfig.gsm.deliveryDelayMs);
    await person.until(() => delivered() >= Math.min(sent, accepted), `the SMS to reach ${who.phone}`);
  }
}

/** Read the latest OTP on the phone, the way a person does. */
export async function readOtp(world: AtmWorld, who: Person): Promise<string> {
  const { person } = await world.ready();
  if (world.xfs4iot) await untilEntry(world, 'otp');
  else await person.untilState('session.auth.otp.entering');
  await awaitDeliveries(world, who);
  const sms = person.inbox.filter((s) => s.to === who.phone).at(-1);
  assert.ok(sms, `${who.name}'s phone received no SMS`);
  const code = otpFromSms(sms.text);
  world.lastOtp.set(who.name, code);
  return code;
}

/** The tier the ATM waits for: the rig's session state, or the reference application's screen. */
export async function tierAsked(world: AtmWorld): Promise<string> {
  const { person } = await world.ready();
  if (world.xfs4iot) return (await untilAppScreen(person, askingTier, 'authentication')).tier!;
  await person.until(
    () => Boolean(person.session?.tier && (person.session.input || person.session.state.endsWith('waiting'))),
    'an authentication step',
  );
  return person.session!.tier!;
}

/** Pass the current tier with the right credentials. */
export async function passTier(world: AtmWorld, who: Person) {
  const tier = await tierAsked(world);
  switch (tier) {
    case 'fingerprint':
      return placeFinger(world, await requestedFinger(world, who), fingerOf(who));
    case 'pin':
      return typeEntry(world, 'pin', who.pin!);
    case 'password':
      return typeEntry(world, 'password', who.password!);
    case 'username+password':
      await typeEntry(world, 'username', who.username!);
      return typeEntry(world, 'password', who.password!);
    case 'otp':
      return typeEntry(world, 'otp', await readOtp(world, who));
    default:
      throw new Error(`no way to pass a ${tier} tier`);
  }
}

/** Every tier of whatever profile the ATM runs, up to the transaction menu. */
export async function authenticate(world: AtmWorld, who: Person) {
  const { person } = await world.ready();
  if (person.session?.state === 'idle' || person.session?.state.startsWith('ending')) await startSession(world, who);
  for (let guard = 0; guard < 10; guard++) {
    await person.until(
      () =>
        person.session?.state === 'session.menu' ||
        Boolean(person.session?.tier && (person.session.input || person.session.state.endsWith('waiting'))),
      'the next authentication step or the menu',
    );
    if (person.session?.state === 'session.menu') return;
    await passTier(world, who);
  }
  throw new Error('still authenticating after 10 tiers');
}

export const MENU: Record<string, string> = {
  withdraw: '1',
  withdrawal: '1',
  balance: '2',
  'balance inquiry': '2',
  transfer: '3',
  'change pin': '4',
  'change password': '4',
  'mini statement': '5',
  statement: '5',
};

export async function choose(world: AtmWorld, option: string) {
  const { person } = await world.ready();
  const key = MENU[option.toLowerCase()];
  assert.ok(key, `no menu option "${option}": use ${Object.keys(MENU).join(', ')}`);
  if (world.xfs4iot) {
    // The reference application's menu has the withdrawal only, under the rig's key for it.
    assert.equal(key, MENU.withdraw, `the reference application offers a withdrawal only, not "${option}"`);
    await untilAppScreen(person, (s) => s.screen === 'menu', 'menu');
    const mark = person.messages.length;
    await person.press(key);
    await untilDrawn(person, mark, (s) => s.screen !== 'menu', `the reference application to take "${option}"`);
    return;
  }
  await person.untilState('session.menu');
  const mark = person.messages.length;
  await person.press(key);
  await person.nextMessage('/session/state', mark);
}

/** Ask for an amount; when the ATM starts dispensing, let the counting time pass. */
export async function askFor(world: AtmWorld, amount: number) {
  const { person } = await world.ready();
  await typeEntry(world, 'amount', String(amount));
  if (world.xfs4iot) {
    const s = await untilAppScreen(person, (x) => x.screen !== 'enter-amount', 'answer to the amount');
    if (s.screen === 'dispensing') await countNotes(world);
    return;
  }
  await person.until(
    () =>
      ['session.withdraw.inFlight.dispensing', 'session.result', 'session.withdraw.amount'].some((s) =>
        person.session?.state.startsWith(s),
      ) || person.session?.state.startsWith('ending') === true,
    'the ATM to answer the amount',
  );
  if (person.session?.state === 'session.withdraw.inFlight.dispensing') await countNotes(world);
}

/** While the ATM counts notes, let the counting time pass until the dispenser answers (unless it hangs). */
async function countNotes(world: AtmWorld) {
  const { person } = await world.ready();
  if (person.messages.findLast((m) => m.topic.endsWith('/dispenser/state'))?.payload.hung) return;
  const mark = person.messages.length;
  // The command may still be on its way to the dispenser (more so over a serial port): let the counting time
  // pass until the dispenser answers, as a person waits in front of the machine.
  const answered = () => person.messages.slice(mark).some((m) => /\/dispenser\/evt\/(dispensed|failed)$/.test(m.topic));
  for (let i = 0; i < 10 && !answered(); i++) {
    await person.advanceClock(world.atmConfig.dispenser.dispenseMs ?? DEFAULT_DISPENSE_MS);
    await person.until(answered, 'the dispenser to answer', 300).catch(() => undefined);
  }
  await person.nextMessage(/\/dispenser\/evt\/(dispensed|failed)$/, mark);
  if (world.xfs4iot) await untilAppScreen(person, (s) => s.screen !== 'dispensing', 'after the dispense');
  else await person.until(() => !person.session?.state.startsWith('session.withdraw'), 'the withdrawal to finish');
}

/** A wrong answer for the current tier, shaped like a right one (same length and alphabet). */
export async function failTier(world: AtmWorld, who: Person) {
  const { person } = await world.ready();
  const tier = await tierAsked(world);
  // The rig's session state says which finger and how long an entry is; the reference application's screen says
  // which finger, and a wrong secret is then as long as the person's own.
  const s = world.xfs4iot ? undefined : person.session!;
  const requested = s ? s.requestedFinger : appScreen(person)?.finger;
  const length = (secret: string | undefined) => s?.input?.maxLength ?? secret?.length ?? 0;
  const mark = person.messages.length;
  switch (tier) {
    case 'fingerprint': {
      if (requested) await placeFinger(world, who.fingers.find((f) => f !== requested) ?? (requested === 1 ? 2 : 1), fingerOf(who));
      else await placeFinger(world, 1); // any finger would do: only a stranger's fails
      break;
    }
    case 'pin':
      await typeEntry(world, 'pin', who.pin === '0000' ? '1111' : '0'.repeat(length(who.pin)));
      break;
    case 'password':
      await typeEntry(world, 'password', who.password === 'ZZZZZZ' ? 'YYYYYY' : 'Z'.repeat(length(who.password)));
      break;
    case 'username+password':
      await typeEntry(world, 'username', who.username!);
      await typeEntry(world, 'password', 'Z'.repeat(6));
      break;
    case 'otp': {
      const real = await readOtp(world, who);
      await typeEntry(world, 'otp', real.slice(0, -1) + (real.endsWith('0') ? '1' : '0'));
      break;
    }
    default:
      throw new Error(`no way to fail a ${tier} tier`);
  }
  if (world.xfs4iot) await untilDrawn(person, mark, (x) => x.failed === true, `the reference application to refuse the ${tier}`);
  else await stateAfter(person, await person.nextMessage(/\/session\/evt\/tier-failed$/, mark));
}

/** The new PIN or password the "change" walks use. */
export const NEW_SECRET = { pin: '2580', password: 'NEW246' } as const;

/**
 * Walk to a named screen with the right credentials, whatever the profile: "fingerprint", "pin", "password",
 * "username", "otp", "menu", "amount", "transfer account", "transfer amount", "current secret", "new secret",
 * "confirm secret", "result", "dispensing".
 */
export async function walkTo(world: AtmWorld, who: Person, screen: string) {
  const { person } = await world.ready();
  const authField: Record<string, string> = { pin: 'pin', password: 'password', otp: 'otp', username: 'username' };
  if (screen === 'fingerprint' || authField[screen]) {
    if (person.session?.state === 'idle' || person.session?.state.startsWith('ending')) await startSession(world, who);
    for (let guard = 0; guard < 10; guard++) {
      await person.until(
        () => Boolean(person.session?.tier && (person.session.input || person.session.state.endsWith('waiting'))),
        'an authentication step',
      );
      const s = person.session!;
      if (screen === 'fingerprint' ? s.tier === 'fingerprint' : s.input?.field === authField[screen]) return;
      await passTier(world, who);
    }
    throw new Error(`the profile never asks for ${screen}`);
  }
  await authenticate(world, who);
  switch (screen) {
    case 'menu':
      return;
    case 'amount':
      await choose(world, 'withdraw');
      return untilEntry(world, 'amount');
    case 'transfer account':
      await choose(world, 'transfer');
      return untilEntry(world, 'to');
    case 'transfer amount':
      await choose(world, 'transfer');
      await typeEntry(world, 'to', [...world.people.values()].find((p) => p !== who)?.account ?? '1000000002');
      return untilEntry(world, 'amount');
    case 'current secret':
    case 'new secret':
    case 'confirm secret': {
      const kind = world.atm.profile.tiers.some((t) => t.kind === 'pin') ? 'pin' : 'password';
      const current = kind === 'pin' ? who.pin! : who.password!;
      const next = NEW_SECRET[kind];
      await choose(world, kind === 'pin' ? 'change pin' : 'change password');
      if (screen === 'current secret') return untilEntry(world, 'current');
      await typeEntry(world, 'current', current);
      if (screen === 'new secret') return untilEntry(world, 'next');
      await typeEntry(world, 'next', next);
      return untilEntry(world, 'confirm');
    }
    case 'result':
      await choose(world, 'balance');
      return void (await person.untilState('session.result'));
    case 'dispensing': {
      await choose(world, 'withdraw');
      await typeEntry(world, 'amount', '100');
      return void (await person.untilState('session.withdraw.inFlight.dispensing'));
    }
    default:
      throw new Error(`no screen "${screen}" to walk to`);
  }
}
