/**
 * CashDispenser, CashManagement and Storage over the cash dispenser (docs/xfs4iot.md). The rig's dispenser pays
 * straight to its exit (the topic contract's `dispense` counts and presents in one step), so Dispense sends
 * `dispenser/cmd/dispense` and waits for `dispensed` or `failed`, and Present finds the notes already at the exit.
 * ItemsTakenEvent follows `dispenser/evt/taken`, after Present. The dispenser chooses the notes itself (fewest
 * notes, `mix1`): an application's own counts are taken only when they are that choice.
 */
import { randomUUID } from 'node:crypto';
import { planNotes } from '../../../devices/dispenser/note-plan.ts';
import type { AtmBus } from '../atm-bus.ts';
import * as C from '../messages/cash.ts';
import { GetStorage } from '../messages/storage.ts';
import { abortable, commandError, fail, handle, ok, type Completion, type ServiceDefinition, type ServiceOutlet } from '../service.ts';
import { cassettesOf, denominationOf, notesOf, storageOf, toMinor, type Money } from './cash-units.ts';
import { deviceInformation, deviceState, watchStatus } from './device-status.ts';

const MIX = 'mix1';
/** How long a dispense may count before the face stops waiting for the device's answer (real time). */
const COUNTING_LIMIT_MS = 60_000;
/** The most notes one dispense pays (the dispenser's bundle limit). */
const MAX_ITEMS = 40;

export function cashDispenserService(bus: AtmBus, name: string, money: Money): ServiceDefinition {
  let outlet: ServiceOutlet | undefined;
  const offs: (() => void)[] = [];
  const boot = randomUUID().slice(0, 6);
  let refs = 0;
  // Notes at the exit that this face dispensed (until the device says `taken`); whether Present has been answered;
  // taken before it was (Present is still answered, then ItemsTakenEvent).
  let atExit = false;
  let presented = false;
  let takenEarly = false;
  // A dispense whose notes are being counted (even one whose command was cancelled), until the device answers.
  let counting: Promise<void> | undefined;
  const initial = new Map<number, number>();
  const cassettes = () => cassettesOf(bus.state('dispenser'));
  const notifyTaken = () => outlet?.unsolicited(C.ItemsTakenEvent, { position: 'outDefault' });

  /** The amount a request asks for, in minor units, or the completion that refuses it. */
  function amountOf(request: C.DenominateRequest): { amount: number; notes: Record<string, number> } | Completion {
    const { app, service } = request.denomination;
    // The mix is either the application's or the service's (KAL's DenominateRequestClass): both is not a request.
    if (app && service) return fail('invalidData', 'denomination: app or service, not both');
    const asked = app?.currencies ?? service?.currencies;
    if (!asked) return fail('invalidData', 'denomination: app or service');
    const codes = Object.keys(asked);
    if (codes.length !== 1 || codes[0] !== money.currency)
      return commandError('invalidCurrency', `this dispenser pays ${money.currency} only`);
    if (service?.mix !== undefined && service.mix !== MIX) return commandError('invalidMixNumber', `the one mix is ${MIX} (fewest notes)`);
    const amount = toMinor(asked[money.currency]!, money);
    if (!amount || amount <= 0) return commandError('invalidDenomination', 'not a payable amount');
    const plan = planNotes(amount, cassettes(), MAX_ITEMS);
    if (!plan.ok) return commandError('notDispensable', plan.reason);
    if (app) {
      const wanted = notesOf(app.counts, cassettes());
      const same = wanted && JSON.stringify(Object.entries(wanted).sort()) === JSON.stringify(Object.entries(plan.notes).sort());
      if (!same)
        return commandError(
          'invalidDenomination',
          'the dispenser chooses the notes itself (fewest notes); these counts are not its choice',
        );
    }
    return { amount, notes: plan.notes };
  }

  const denominate = handle(C.Denominate, async ({ payload }) => {
    const asked = amountOf(payload.request);
    if ('code' in asked) return asked;
    const { currencies, values } = denominationOf(asked.notes, cassettes(), money);
    return ok({ result: { currencies, values } });
  });

  const dispense = handle(C.Dispense, async ({ payload, signal, deadline, event }) => {
    if (payload.position && payload.position !== 'outDefault') return commandError('unsupportedPosition');
    const asked = amountOf(payload.denomination);
    if ('code' in asked) return asked;
    if (!bus.online('dispenser')) return fail('deviceNotReady');
    // A dispense cancelled while its notes were counted still pays: they come to the exit before anything else goes.
    if (counting) await abortable(signal, counting);
    if (atExit || Number(bus.state('dispenser')?.presented ?? 0) > 0) return commandError('itemsLeft', 'notes are waiting at the exit');
    const ref = `${bus.atmId}-xfs-${boot}-${++refs}`;
    // The device's answer is followed whatever happens to this command (a Cancel, a timeout, a disconnect): notes it
    // pays are at the exit, and the next Dispense must see them. A dispenser that never answers lets go after a minute.
    const settled = new AbortController();
    const giveUp = setTimeout(() => settled.abort(new Error('the dispenser did not answer')), COUNTING_LIMIT_MS);
    const answer = bus.next('dispenser', settled.signal, (m) => (m.name === 'dispensed' || m.name === 'failed') && m.payload.ref === ref);
    counting = answer
      .then((m) => {
        if (m.name === 'dispensed') {
          atExit = true;
          presented = false;
          takenEarly = false;
        }
      })
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(giveUp);
        counting = undefined;
      });
    // The command's timeout as the device's deadline: held up on the wire past it, the dispense pays nothing.
    await bus.command('dispenser', 'dispense', { ref, amount: asked.amount, ...(deadline !== undefined ? { deadline } : {}) });
    const m = await abortable(signal, answer);
    if (m.name === 'failed') {
      const reason = String(m.payload.reason);
      if (reason === 'jam') return fail('hardwareError', 'note jam');
      if (reason === 'offline') return fail('deviceNotReady');
      return commandError('notDispensable', reason);
    }
    const counted = denominationOf(m.payload.notes as Record<string, number>, cassettes(), money);
    atExit = true;
    presented = false;
    takenEarly = false;
    if (counted.total !== asked.amount) {
      // The notes went out, but the count does not make the amount asked: the application must not debit it.
      event(C.IncompleteDispenseEvent, { currencies: counted.currencies, values: counted.values });
      return fail('hardwareError', 'the dispenser counted notes that do not make the amount asked');
    }
    return ok({ denomination: { currencies: counted.currencies, values: counted.values }, bunches: '1' });
  });

  const present = handle(C.Present, async ({ payload }) => {
    if (payload.position && payload.position !== 'outDefault') return commandError('unsupportedPosition');
    if (!atExit && !takenEarly) return commandError('noItems');
    presented = true;
    // Taken before Present was answered: told right after the completion.
    if (takenEarly) {
      takenEarly = false;
      setImmediate(notifyTaken);
    }
    return ok({ position: { position: 'outDefault', additionalBunches: '0' } });
  });

  const mixTypes = handle(C.GetMixTypes, async () =>
    ok({ mixes: { [MIX]: { type: 'algorithm', algorithm: 'minimumNumberOfItems', name: 'fewest notes' } } }),
  );

  const getStorage = handle(GetStorage, async () => ok({ storage: storageOf(cassettes(), initial, money) }));

  const onDevice = (m: { name: string; payload: Record<string, unknown> }) => {
    if (m.name === 'state')
      for (const c of cassettesOf(m.payload)) if (c.count > (initial.get(c.denomination) ?? -1)) initial.set(c.denomination, c.count);
    // The device's word that the exit is empty: `taken`, or its state's `presented: 0` (a dispense in flight aside,
    // whose state comes before its answer), whatever Present has been told. A Dispense that timed out or was
    // cancelled pays, and its notes may be taken before anyone sends Present: they are no longer itemsLeft.
    const emptied = m.name === 'taken' || (m.name === 'state' && m.payload.presented === 0 && !counting);
    if (!emptied || !atExit) return;
    atExit = false;
    if (!presented) return void (takenEarly = true);
    notifyTaken();
  };

  return {
    name,
    interfaces: ['Common', 'CashDispenser', 'CashManagement', 'Storage'],
    handlers: [denominate, dispense, present, mixTypes, getStorage],
    events: [C.IncompleteDispenseEvent, C.ItemsTakenEvent],
    get deviceInformation() {
      return deviceInformation(bus, 'dispenser');
    },
    status: () => {
      const state = bus.state('dispenser');
      const waiting = atExit || Number(state?.presented ?? 0) > 0;
      const jammed = state?.jammed === true;
      const device = deviceState(bus, ['dispenser']);
      return {
        device: device === 'online' && jammed ? 'hardwareError' : device,
        blocks: {
          cashDispenser: {
            intermediateStacker: 'empty',
            positions: [{ position: 'outDefault', shutter: waiting ? 'open' : 'closed', positionStatus: waiting ? 'notEmpty' : 'empty' }],
          },
          cashManagement: {
            dispenser: jammed ? 'stop' : cassettes().some((c) => c.count === 0) ? 'attention' : 'ok',
            acceptor: 'unknown',
          },
        },
      };
    },
    capabilities: () => ({
      cashDispenser: {
        type: 'selfServiceBill',
        maxDispenseItems: MAX_ITEMS,
        shutterControl: false,
        itemsTakenSensor: true,
        positions: ['outDefault'],
      },
    }),
    attach(o) {
      outlet = o;
      offs.push(
        watchStatus(bus, ['dispenser'], o),
        bus.on((m) => m.kind === 'dispenser' && onDevice(m)),
      );
      onDevice({ name: 'state', payload: bus.state('dispenser') ?? {} });
    },
    close: () => offs.forEach((off) => off()),
  };
}
