/**
 * The bank's SMS gateway for an ATM run by an outside application (docs/xfs4iot.md "The OTP's SMS"). XFS4IoT has
 * no interface for a modem, so the application asks the bank (`POST /otp` with `send: true`), and the bank sends
 * through the ATM's own GSM modem over the topic contract: `gsm/cmd/send`, then `gsm/evt/sent` or `failed` with the
 * same reference, as the rig's controller does. The code never reaches the application.
 */
import { randomUUID } from 'node:crypto';
import type { RigClock } from '../../core/clock.ts';
import type { AtmBus } from './atm-bus.ts';

export type SmsResult = { ok: true } | { ok: false; reason: string };

/** The rig controller's default wait for the modem (profiles' `timeouts.smsMs`). */
export const SMS_TIMEOUT_MS = 70_000;

export async function sendSms(
  bus: AtmBus,
  clock: RigClock,
  sms: { to: string; text: string },
  timeoutMs = SMS_TIMEOUT_MS,
): Promise<SmsResult> {
  if (!bus.online('gsm')) return { ok: false, reason: "the ATM's modem is offline" };
  const ref = `${bus.atmId}-sms-${randomUUID().slice(0, 8)}`;
  const abort = new AbortController();
  const timer = clock.setTimeout(() => abort.abort(new Error('timeout')), timeoutMs);
  try {
    const answer = bus.next('gsm', abort.signal, (m) => (m.name === 'sent' || m.name === 'failed') && m.payload.ref === ref);
    await bus.command('gsm', 'send', { to: sms.to, text: sms.text, ref });
    const m = await answer;
    return m.name === 'sent' ? { ok: true } : { ok: false, reason: `the modem refused it (CMS ${String(m.payload.cmsError)})` };
  } catch {
    return { ok: false, reason: 'the modem did not answer in time' };
  } finally {
    clock.clearTimeout(timer);
  }
}
