/**
 * CardReader (and Storage, for its retain bin) over the card reader (docs/xfs4iot.md). The rig's cards carry a PAN
 * and nothing else, so ReadRawData gives track 2 as `<PAN>=` (no expiry, service code or discretionary data) and
 * says the other sources are missing. Move to `exit` ejects (`card/cmd/eject`), to the bin (`unit1`) retains; the
 * customer taking the card is MediaRemovedEvent. The PAN is kept in memory only while the card is inside.
 */
import type { AtmBus } from '../atm-bus.ts';
import * as R from '../messages/card-reader.ts';
import { GetStorage } from '../messages/storage.ts';
import { commandError, fail, handle, ok, type Completion, type ServiceDefinition, type ServiceOutlet } from '../service.ts';
import { deviceInformation, deviceState, watchStatus } from './device-status.ts';

export const RETAIN_UNIT = 'unit1';
const MEDIA = { inside: 'present', presented: 'entering', empty: 'notPresent' } as const;
const NOT_SUPPORTED = { status: 'dataSourceNotSupported', data: '' } as const;

export function cardReaderService(bus: AtmBus, name: string): ServiceDefinition {
  let outlet: ServiceOutlet | undefined;
  const offs: (() => void)[] = [];
  let pan: string | undefined;
  const slot = () => String(bus.state('card')?.slot ?? 'unknown');

  /** Send a card command and wait for its event (or the device's refusal of it). */
  async function move(cmd: 'eject' | 'retain', signal: AbortSignal): Promise<Completion> {
    const done = cmd === 'eject' ? 'ejected' : 'retained';
    const answer = bus.next(
      'card',
      signal,
      (m) => m.name === done || (m.name === 'error' && String(m.payload.topic ?? '').endsWith(`/card/cmd/${cmd}`)),
    );
    await bus.command('card', cmd, {});
    const m = await answer;
    return m.name === 'error' ? commandError('noMedia') : ok();
  }

  const readRawData = handle(R.ReadRawData, async ({ payload, signal, event }) => {
    if (!bus.online('card')) return fail('deviceNotReady');
    let card = slot() === 'inside' ? pan : undefined;
    if (card === undefined) {
      const inserted = bus.next('card', signal, (m) => m.name === 'inserted');
      event(R.InsertCardEvent, {});
      card = String((await inserted).payload.pan);
      event(R.MediaInsertedEvent, {});
    }
    const missing = { status: 'dataMissing', data: '' } as const;
    return ok({
      ...(payload.track1 ? { track1: missing } : {}),
      ...(payload.track2 ? { track2: { data: `${card}=` } } : {}),
      ...(payload.track3 ? { track3: missing } : {}),
      ...(payload.chip ? { chip: [NOT_SUPPORTED] } : {}),
      ...(payload.watermark ? { watermark: NOT_SUPPORTED } : {}),
      ...(payload.track1Front ? { track1Front: NOT_SUPPORTED } : {}),
      ...(payload.track1JIS ? { track1JIS: NOT_SUPPORTED } : {}),
      ...(payload.track3JIS ? { track3JIS: NOT_SUPPORTED } : {}),
      ...(payload.ddi ? { ddi: NOT_SUPPORTED } : {}),
    });
  });

  const moveCard = handle(R.Move, async ({ payload, signal }) => {
    const to = payload.to ?? 'exit';
    if (payload.from !== undefined && payload.from !== 'transport') return fail('unsupportedData', 'cards move from the transport only');
    if (!bus.online('card')) return fail('deviceNotReady');
    const where = slot();
    if (to === 'exit') return where === 'presented' ? ok() : where === 'inside' ? move('eject', signal) : commandError('noMedia');
    if (to === 'transport')
      return where === 'inside'
        ? ok()
        : where === 'presented'
          ? fail('unsupportedData', 'a card at the exit stays there')
          : commandError('noMedia');
    if (to !== RETAIN_UNIT) return fail('invalidData', `no storage unit ${to}; the retain bin is ${RETAIN_UNIT}`);
    return where === 'empty' ? commandError('noMedia') : move('retain', signal);
  });

  const reset = handle(R.Reset, async ({ payload, signal }) => {
    if (!bus.online('card')) return fail('deviceNotReady');
    if (payload.storageId !== undefined && payload.storageId !== RETAIN_UNIT)
      return fail('invalidData', `the retain bin is ${RETAIN_UNIT}`);
    const to = payload.to ?? 'auto';
    if (slot() !== 'inside' || to === 'currentPosition') return ok();
    return move(to === 'retain' ? 'retain' : 'eject', signal);
  });

  const getStorage = handle(GetStorage, async () => {
    const retained = Number(bus.state('card')?.retained ?? 0);
    return ok({
      storage: {
        [RETAIN_UNIT]: {
          id: 'BIN1',
          status: 'ok',
          card: {
            capabilities: { type: 'retain' },
            status: { initialCount: 0, count: retained, retainCount: retained, replenishmentStatus: 'ok' },
          },
        },
      },
    });
  });

  const onDevice = (m: { name: string; payload: Record<string, unknown> }) => {
    if (m.name === 'inserted') pan = String(m.payload.pan);
    if (m.name === 'ejected' || m.name === 'retained') {
      pan = undefined;
      outlet?.unsolicited(R.CardActionEvent, { to: m.name === 'ejected' ? 'exit' : RETAIN_UNIT, from: 'transport' });
    }
    if (m.name === 'removed') outlet?.unsolicited(R.MediaRemovedEvent, {});
  };

  return {
    name,
    interfaces: ['Common', 'CardReader', 'Storage'],
    handlers: [readRawData, moveCard, reset, getStorage],
    events: [R.InsertCardEvent, R.MediaInsertedEvent, R.MediaRemovedEvent, R.CardActionEvent],
    get deviceInformation() {
      return deviceInformation(bus, 'card');
    },
    status: () => ({
      device: deviceState(bus, ['card']),
      blocks: { cardReader: { media: MEDIA[slot() as keyof typeof MEDIA] ?? 'unknown', chipPower: 'noDevice' } },
    }),
    capabilities: () => ({
      cardReader: { type: 'motor', readTracks: { track1: false, track2: true, track3: false }, cardTakenSensor: true },
    }),
    attach(o) {
      outlet = o;
      offs.push(
        watchStatus(bus, ['card'], o),
        bus.on((m) => m.kind === 'card' && onDevice(m)),
      );
    },
    close: () => offs.forEach((off) => off()),
  };
}
