/**
 * What the 4 x 20 LCD shows, derived from the session snapshot alone (no actions push text), so a screen can
 * never disagree with the state. Also the session state summary published on atm/{atm}/session/state.
 */
import type { SnapshotFrom } from 'xstate';
import { fingerprintMode } from './profiles.ts';
import { LCD_COLS, LCD_ROWS, menuRows } from './session/menu-layout.ts';
import {
  formatAmount,
  formatMoney,
  statementLines,
  type Notice,
  type SessionContext,
  type SessionMachine,
  type TxResult,
} from './session.machine.ts';

export { LCD_COLS, LCD_ROWS };
export type Screen = [string, string, string, string];

type Snapshot = SnapshotFrom<SessionMachine>;

function fit(lines: string[]): Screen {
  const out = lines.slice(0, LCD_ROWS).map((l) => l.slice(0, LCD_COLS));
  while (out.length < LCD_ROWS) out.push('');
  return out as Screen;
}

const ENTRY_FOOTER = 'ENTER=OK CANCEL=quit';

/** The bottom line of an auth screen: attempts left once one failed, else how to proceed. */
function footer(snapshot: Snapshot, otherwise: string): string {
  const c = snapshot.context;
  const tier = c.profile.tiers[c.tierIndex];
  if (!snapshot.matches('session.auth' as never) || !tier || c.attempts === 0) return otherwise;
  const left = tier.maxAttempts - c.attempts;
  return `${left} attempt${left === 1 ? '' : 's'} left`;
}

function typed(snapshot: Snapshot): string {
  const { entry } = snapshot.context;
  return entry.masked ? '*'.repeat(entry.value.length) : entry.value;
}

/** The dotted path of the deepest active state, e.g. `session.auth.pin.entering.typing`. */
export function statePath(snapshot: Snapshot): string {
  const walk = (value: unknown): string[] => {
    if (typeof value === 'string') return [value];
    const [key, child] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    return key === undefined ? [] : [key, ...walk(child)];
  };
  return walk(snapshot.value).join('.');
}

export function screenFor(snapshot: Snapshot): Screen {
  const c = snapshot.context;
  const notice = noticeText(c.notice, c);
  const m = (path: string) => snapshot.matches(path as never);

  if (m('idle')) {
    return c.profile.tiers[0]?.kind === 'card'
      ? fit(['Welcome', '', 'Please insert card', ''])
      : fit(['Welcome', '', 'Press ENTER to start', '']);
  }
  if (m('outOfService')) return fit(['Out of service', 'Sorry for the', 'inconvenience', '']);
  if (m('ending')) {
    const why: Record<string, string> = {
      completed: 'Thank you',
      cancelled: 'Cancelled',
      timeout: 'Timed out',
      lockout: 'Too many attempts',
      'unknown-card': 'Card not recognised',
      'in-use-elsewhere': 'Already in session',
      'service-unavailable': 'Service unavailable',
      'sms-failed': 'SMS not sent',
    };
    const first = why[c.endReason ?? 'completed'] ?? 'Goodbye';
    if (m('ending.ejecting')) return fit([first, notice === first ? '' : notice, 'Take your card', '']);
    if (c.pan && c.retainCard) return fit([first, notice, 'Card retained', 'Contact your bank']);
    return fit([first, notice === first ? '' : notice, '', 'Goodbye']);
  }
  if (m('session.auth.card')) return fit(['Reading card...', '', '', '']);
  if (m('session.auth.fingerprint.waiting')) {
    const text = c.requestedFinger ? `Place finger ${c.requestedFinger}` : 'Place your finger';
    return fit([text, 'on the sensor', notice, footer(snapshot, 'CANCEL to quit')]);
  }
  if (m('session.auth.fingerprint.verifying')) return fit(['Checking finger...', '', '', '']);
  if (m('session.auth.otp.sending') || m('session.auth.otp.texting')) return fit(['Sending OTP by SMS', 'to your phone...', notice, '']);
  if (
    m('session.auth.credentials.verifying') ||
    m('session.auth.pin.verifying') ||
    m('session.auth.password.verifying') ||
    m('session.auth.otp.verifying')
  ) {
    return fit(['Verifying...', '', '', '']);
  }
  if (m('session.auth')) {
    // Any keypad entry of an auth tier.
    const hint = m('session.auth.otp') ? 'OTP sent by SMS' : '';
    return fit([c.entry.label, typed(snapshot), notice || hint, footer(snapshot, ENTRY_FOOTER)]);
  }
  if (m('session.menu')) return fit([...menuLines(c.profile), 'CANCEL to end']);
  if (
    m('session.withdraw.amount') ||
    (m('session.transfer') && !m('session.transfer.submitting')) ||
    (m('session.change') && !m('session.change.submitting'))
  ) {
    return fit([c.entry.label, typed(snapshot), notice, ENTRY_FOOTER]);
  }
  if (m('session.withdraw.inFlight.dispensing')) return fit(['Dispensing...', 'Please wait', '', '']);
  if (m('session.result')) {
    const [title, ...lines] = c.result ? resultLines(c.result, c) : [''];
    return fit([title ?? '', lines[0] ?? '', lines[1] ?? '', 'More? ENTER / CANCEL']);
  }
  return fit(['Please wait...', '', '', '']);
}

const TIER_FAILURE: Record<string, string> = {
  'wrong-finger': 'Wrong finger',
  'no-match': 'Finger not matched',
  'wrong-pin': 'Incorrect PIN',
  'wrong-password': 'Wrong password',
  'wrong-credentials': 'Login failed',
  wrong: 'Wrong OTP',
  expired: 'OTP expired',
  used: 'OTP already used',
  locked: 'Account locked',
};

/** The notice line's text (the attempts left go on their own line, so a tier failure stays short). */
export function noticeText(notice: Notice | undefined, c: SessionContext): string {
  switch (notice?.code) {
    case undefined:
      return '';
    case 'tier-failed':
      return TIER_FAILURE[notice.reason] ?? notice.reason;
    case 'unknown-card':
      return 'Card not recognised';
    case 'in-use-elsewhere':
      return 'Open at another ATM';
    case 'amount-rule':
      return `x${formatAmount(c.money.amountStep, c.money.minorDigits)}, max ${formatAmount(c.money.maxWithdrawal, c.money.minorDigits)}`;
    case 'entries-differ':
      return 'Entries do not match';
    case 'dispenser':
      return `dispenser ${notice.reason}`;
    case 'card-not-taken':
      return 'Card retained';
  }
}

/** Why the bank refused, in 20 columns. */
function refusalText(reason: string): string {
  switch (reason) {
    case 'insufficient-funds':
      return 'Insufficient funds';
    case 'daily-limit':
      return 'Daily limit reached';
    case 'unknown-account':
      return 'Unknown account';
    case 'same-account':
      return 'Same account';
    case 'wrong-secret':
      return 'Current is wrong';
    case 'weak-secret':
      return 'Too weak';
    default:
      return `Refused: ${reason}`.slice(0, 20);
  }
}

/** The result screen's title and lines for what the transaction did. */
export function resultLines(r: TxResult, c: SessionContext): string[] {
  const money = (minor: number) => formatMoney(minor, c.money.currency, c.money.minorDigits);
  const secret = (kind: 'pin' | 'password') => (kind === 'pin' ? 'PIN' : 'Password');
  switch (r.kind) {
    case 'withdrawal':
      return ['Take your cash', money(r.amount), `Balance ${money(r.balance)}`];
    case 'withdrawal-reversed':
      return ['Unable to dispense', 'Account not debited'];
    case 'balance':
      return ['Available balance', money(r.balance)];
    case 'transfer':
      return ['Transfer done', `${money(r.amount)} to ${r.to}`, r.balance === undefined ? '' : `Balance ${money(r.balance)}`];
    case 'secret-changed':
      return [`${secret(r.secret)} changed`];
    case 'secret-not-changed':
      return [`${secret(r.secret)} not changed`, r.reason ? refusalText(r.reason) : ''];
    case 'statement':
      return ['Mini statement', ...statementLines(r.entries, c.money.minorDigits)];
    case 'refused':
      return [refusalText(r.reason)];
  }
}

/** The transactions the profile offers, each under its fixed key, packed two to a line where they fit. */
export function menuLines(profile: SessionContext['profile']): string[] {
  return menuRows(profile).map((row) => row.map(([, text]) => text).join(' '));
}

/**
 * What the ATM shows, as a stable name: scenarios, dashboards and tools rely on these, never on the statechart's
 * state paths, which change when the chart is reorganised. docs/topics.md lists them.
 */
export const SCREENS = [
  'welcome',
  'out-of-service',
  'reading-card',
  'place-finger',
  'checking-finger',
  'sending-otp',
  'verifying',
  'enter-username',
  'enter-password',
  'enter-pin',
  'enter-otp',
  'menu',
  'enter-amount',
  'enter-account',
  'enter-current-secret',
  'enter-new-secret',
  'confirm-new-secret',
  'dispensing',
  'result',
  'take-card',
  'card-retained',
  'goodbye',
  'please-wait',
  /** Published by the controller's last will: the ATM's controller is gone. */
  'offline',
] as const;
export type ScreenId = (typeof SCREENS)[number];

/** The screen a snapshot shows: the deepest active state's `meta.screen` (each screen state declares its own, in
 *  machines/session/*), `please-wait` where none does (a bank call in flight). A goodbye after a retained card
 *  says so. */
export function screenIdFor(snapshot: Snapshot): ScreenId {
  let deepest: { depth: number; screen: ScreenId } | undefined;
  for (const [id, meta] of Object.entries(snapshot.getMeta() as Record<string, { screen?: ScreenId } | undefined>)) {
    const depth = id.split('.').length;
    if (meta?.screen && (!deepest || depth > deepest.depth)) deepest = { depth, screen: meta.screen };
  }
  const screen = deepest?.screen ?? 'please-wait';
  const c = snapshot.context;
  return screen === 'goodbye' && c.pan && c.retainCard ? 'card-retained' : screen;
}

/** Payload of atm/{atm}/session/state: the fields a QA engineer or dashboard asks about. */
export interface SessionState {
  /** The stable name of what the ATM shows (SCREENS): what scenarios and dashboards use. */
  screen: ScreenId;
  /** The statechart's state path, for debugging only: it changes when the chart is reorganised. */
  state: string;
  profile: string;
  sessionId?: string;
  tier?: string;
  tierIndex?: number;
  attempt?: number;
  attemptsLeft?: number;
  requestedFinger?: number;
  customerId?: string;
  fingerprintMode?: '1:1' | '1:N';
  /** What the keypad is collecting, without its value: lets a trace mask secret key presses. */
  input?: { field: string; label: string; length: number; maxLength: number; masked: boolean };
  endReason?: string;
  /** Devices that are offline (while out of service). */
  offline?: string[];
}

export function sessionStateFor(snapshot: Snapshot): SessionState {
  const c = snapshot.context;
  const path = statePath(snapshot);
  const out: SessionState = { screen: screenIdFor(snapshot), state: path, profile: c.profile.id };
  if (path === 'outOfService') return { ...out, offline: [...c.offline] };
  if (path === 'idle') return out;
  out.sessionId = c.sessionId;
  if (snapshot.matches('session.auth' as never)) {
    const tier = c.profile.tiers[c.tierIndex];
    if (tier) {
      out.tier = tier.kind;
      out.tierIndex = c.tierIndex;
      out.attempt = c.attempts + 1;
      out.attemptsLeft = tier.maxAttempts - c.attempts;
      if (tier.kind === 'fingerprint') out.fingerprintMode = fingerprintMode(c.profile, c.tierIndex);
    }
  }
  if (c.requestedFinger !== undefined) out.requestedFinger = c.requestedFinger;
  if (path.endsWith('.typing')) {
    const { field, label, value, maxLength, masked } = c.entry;
    out.input = { field, label, length: value.length, maxLength, masked };
  }
  if (c.customerId) out.customerId = c.customerId;
  if (c.endReason) out.endReason = c.endReason;
  return out;
}
