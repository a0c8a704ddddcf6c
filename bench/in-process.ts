/**
 * The in-process baseline of the bench: the session machine driven straight, no MQTT and no HTTP, against a bank
 * service in the same process (rig/bank/direct-ports.ts), the devices answering at once. What the rows over the
 * bus are compared with; it must run on the same kind of bank as they do (a durable SQLite file, or the demo bank
 * in memory), or the ratio would count the bank's writes as the bus's cost.
 */
import { createActor, waitFor } from 'xstate';
import { synthTemplate } from '../devices/fingerprint/template.ts';
import type { AuthProfile } from '../machines/profiles.ts';
import { statePath } from '../machines/screens.ts';
import { provideSession } from '../machines/session.ports.ts';
import { otpFromSms } from '../rig/atm-client.ts';
import { directBankPorts } from '../rig/bank/direct-ports.ts';
import type { BankService } from '../rig/bank/service.ts';
import { systemClock } from '../core/clock.ts';

export interface BaselineCustomer {
  id: string;
  pin: string;
}

/** `n` happy seed001 sessions one after another, a customer each in turn, each withdrawing `amount` (major units).
 *  Their durations in ms. */
export async function inProcessSessions(
  bank: BankService,
  customers: readonly BaselineCustomer[],
  o: { n: number; profile: AuthProfile; amount: number },
): Promise<number[]> {
  let lastSms = '';
  // Filled once the actor exists: the effects answer it as the devices would.
  const holder: { actor?: ReturnType<typeof createActor<ReturnType<typeof provideSession>>> } = {};
  const machine = provideSession(directBankPorts(bank), {
    ejectCard: () => {},
    retainCard: () => {},
    dispense: ({ ref, amount }) =>
      queueMicrotask(() => holder.actor!.send({ type: 'DISPENSED', ref, amount, notes: { '5000': amount / 5000 } })),
    sendSms: ({ text, ref }) => {
      lastSms = text;
      queueMicrotask(() => holder.actor!.send({ type: 'SMS_SENT', ref }));
    },
  });
  const actor = createActor(machine, {
    clock: systemClock,
    input: {
      profile: o.profile,
      atmId: 'atm-1',
      seed: 1,
      money: { amountStep: 5000, maxWithdrawal: 200_000, currency: 'ZMW', minorDigits: 2 },
    },
  });
  holder.actor = actor;
  actor.start();
  const at = (p: string) => waitFor(actor, (s) => statePath(s).startsWith(p));
  const press = (...keys: string[]) => keys.forEach((key) => actor.send({ type: 'KEY', key }));

  const durations: number[] = [];
  for (let s = 0; s < o.n; s++) {
    const who = customers[s % customers.length]!;
    const t0 = performance.now();
    await at('idle');
    press('ENTER');
    const snap = await at('session.auth.fingerprint.waiting');
    actor.send({ type: 'FINGER', template: synthTemplate(who.id, snap.context.requestedFinger!) });
    await at('session.auth.pin.entering');
    press(...who.pin, 'ENTER');
    await at('session.auth.otp.entering');
    press(...otpFromSms(lastSms), 'ENTER');
    await at('session.menu');
    press('1', ...String(o.amount), 'ENTER');
    await at('session.result');
    press('CANCEL');
    await at('idle');
    durations.push(performance.now() - t0);
  }
  actor.stop();
  return durations;
}
