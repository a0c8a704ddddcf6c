/**
 * The shapes the regions repeat, named once: a keypad entry, "ENTER on a complete entry", "the bank call
 * failed", "the tier failed". Each returns fresh plain config, so the chart reads the same as if written out.
 */
import { and } from 'xstate';
import type { Verdict } from '../session.types.ts';
import { sessionSetup } from './setup.ts';

/** A keypad-entry state: key presses re-enter the `typing` child, which restarts the inactivity timer. */
export function typing(delay: 'input' | 'otpInput' = 'input') {
  const timedOut = { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'timeout' } } } as const;
  return sessionSetup.createStateConfig({
    initial: 'typing',
    states: {
      typing: {
        after: delay === 'input' ? { input: timedOut } : { otpInput: timedOut },
        on: {
          KEY: [
            { guard: { type: 'isKey', params: { key: 'CLEAR' } }, target: 'typing', reenter: true, actions: 'clearEntry' },
            { guard: 'acceptsKey', target: 'typing', reenter: true, actions: 'typeKey' },
          ],
        },
      },
    },
  });
}

/** ENTER on a complete entry (and whatever `more` guards the state adds). */
export function enterOnComplete(...more: ('amountValid' | 'confirmMatches')[]) {
  return and([{ type: 'isKey' as const, params: { key: 'ENTER' } }, 'entryComplete' as const, ...more]);
}

/** The bank call failed (threw, or the bank is unreachable): the session ends as `service-unavailable`. */
export function bankCallFailed() {
  return { target: '#atm.ending', actions: { type: 'endAs', params: { reason: 'service-unavailable' } } } as const;
}

/** The bank holds the customer for another ATM (one session per customer): the session ends, saying so. */
export function inUseElsewhere() {
  return {
    guard: 'inUseElsewhere',
    target: '#atm.ending',
    actions: [
      { type: 'setNotice', params: { code: 'in-use-elsewhere' } },
      { type: 'endAs', params: { reason: 'in-use-elsewhere' } },
    ],
  } as const;
}

/** A tier failure's reason: fixed, or read from the bank's verdict. */
type Reason = string | ((verdict: Verdict) => string);

/**
 * Fail the current tier with `reason`: count the attempt, show the reason (a notice), tell the world
 * (`tier-failed`); then `lockout` on the tier's last attempt, or `accountLocked` when the bank locked the customer.
 */
export function failTier(reason: Reason, then?: 'lockout' | 'accountLocked') {
  const params =
    typeof reason === 'string' ? { reason } : ({ event }: { event: { output: Verdict } }) => ({ reason: reason(event.output) });
  return [{ type: 'failTier' as const, params }, { type: 'emitTierFailed' as const, params }, ...(then ? [then] : [])];
}
