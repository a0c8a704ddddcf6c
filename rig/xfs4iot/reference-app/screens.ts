/**
 * The reference application's screens as a person reads them off the LCD (the lines `lcd/state` carries), named
 * with the rig's stable screen names (machines/screens.ts `SCREENS`). The one table between what the application
 * draws and what a scenario waits for: the Cucumber world reads the application's screens with it under the
 * `xfs4iot` profile (docs/xfs4iot.md), and the application's test checks that every screen it draws is here.
 */
import type { ScreenId } from '../../../machines/screens.ts';
import type { Ending } from './session.ts';

export interface AppScreen {
  /** The rig's name for the screen; `notice` is a failed attempt's message, shown before the next attempt. */
  screen: ScreenId | 'notice';
  /** The authentication tier the screen asks for, or whose attempt failed. */
  tier?: 'fingerprint' | 'pin' | 'password' | 'otp';
  /** What the keypad collects, named as the rig's session state names it (`input.field`). */
  field?: 'pin' | 'password' | 'otp' | 'amount';
  /** The application listens: an entry once its cursor `_` shows; every other screen is drawn once it listens. */
  ready: boolean;
  /** The finger asked for (seed001). */
  finger?: number;
  attempt?: number;
  /** A failed attempt at `tier`. */
  failed?: boolean;
  /** The session's last screen (or the card's return before it), and why the session ended: the rig's reasons. */
  endReason?: Ending;
}

/** The first line of a session's last screen, by how it ended: the rig's own words (machines/screens.ts). */
export const FAREWELL: Record<Ending, string> = {
  completed: 'Thank you',
  cancelled: 'Cancelled',
  timeout: 'Timed out',
  lockout: 'Too many attempts',
  'unknown-card': 'Card not recognised',
  'sms-failed': 'SMS not sent',
};

type Read = Omit<AppScreen, 'ready'>;
const entry = (screen: ScreenId, field: NonNullable<AppScreen['field']>, tier?: AppScreen['tier']): Read => ({
  screen,
  field,
  ...(tier ? { tier } : {}),
});
const failed = (tier: NonNullable<AppScreen['tier']>): Read => ({ screen: 'notice', tier, failed: true });

/** By the first line, which every screen of the application has. */
const TABLE: [RegExp, (m: RegExpExecArray) => Read][] = [
  [/^Welcome$/, () => ({ screen: 'welcome' })],
  [/^Place finger (\d+)$/, (m) => ({ screen: 'place-finger', tier: 'fingerprint', finger: Number(m[1]) })],
  [/^Place your finger$/, () => ({ screen: 'place-finger', tier: 'fingerprint' })],
  [/^(Wrong finger|Finger not known|Finger not matched)$/, () => failed('fingerprint')],
  [/^Enter PIN$/, () => entry('enter-pin', 'pin', 'pin')],
  [/^Wrong PIN$/, () => failed('pin')],
  [/^Enter password$/, () => entry('enter-password', 'password', 'password')],
  [/^Wrong password$/, () => failed('password')],
  [/^Sending a code$/, () => ({ screen: 'sending-otp', tier: 'otp' })],
  [/^Enter the code$/, () => entry('enter-otp', 'otp', 'otp')],
  [/^Wrong code$/, () => failed('otp')],
  [/^(Not possible now|Code no longer valid)$/, () => ({ screen: 'notice' })],
  [/^1 Withdraw$/, () => ({ screen: 'menu' })],
  [/^Amount in [A-Z]{3}$/, () => entry('enter-amount', 'amount')],
  [/^Counting your notes$/, () => ({ screen: 'dispensing' })],
  [/^(Take your cash|Not possible:|Cash not dispensed|No amount)$/, () => ({ screen: 'result' })],
];

/** The application's screen on these LCD lines; undefined for a blank one (being redrawn) or one it never draws. */
export function readScreen(lines: readonly string[]): AppScreen | undefined {
  const [first = '', second = '', third = ''] = lines.map((l) => l.trimEnd());
  if (!first) return undefined;
  const ending = (Object.entries(FAREWELL) as [Ending, string][]).find(([, text]) => text === first)?.[0];
  if (ending) return { screen: third === 'Take your card' ? 'take-card' : 'goodbye', endReason: ending, ready: true };
  for (const [pattern, read] of TABLE) {
    const m = pattern.exec(first);
    if (!m) continue;
    const screen = read(m);
    const attempt = /^(?:Attempt (\d) of \d|sent by SMS \((\d)\/\d\))$/.exec(second);
    return {
      ...screen,
      ...(attempt ? { attempt: Number(attempt[1] ?? attempt[2]) } : {}),
      ready: screen.field ? third.startsWith('_') : true,
    };
  }
  return undefined;
}
