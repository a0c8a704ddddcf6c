/** CardReader (shared/reference/xfs4iot.md §4.5): the rig's motorised card reader, which knows a card's PAN only. */
import { z } from 'zod';
import { command, Empty, event, UnitId } from './spec.ts';

const DATA_STATUS = ['dataMissing', 'dataInvalid', 'dataTooLong', 'dataTooShort', 'dataSourceNotSupported', 'dataSourceMissing'] as const;
const TrackData = z.strictObject({ status: z.enum(DATA_STATUS).optional(), data: z.string().max(200) });
const Flag = z.boolean().optional();

export const ReadRawData = command('CardReader.ReadRawData', {
  completionVersion: '3.0',
  payload: z.strictObject({
    track1: Flag,
    track2: Flag,
    track3: Flag,
    chip: Flag,
    security: Flag,
    fluxInactive: Flag,
    watermark: Flag,
    memoryChip: Flag,
    track1Front: Flag,
    frontImage: Flag,
    backImage: Flag,
    track1JIS: Flag,
    track3JIS: Flag,
    ddi: Flag,
  }),
  completion: z.strictObject({
    track1: TrackData.optional(),
    track2: TrackData.optional(),
    track3: TrackData.optional(),
    chip: z.array(TrackData).optional(),
    watermark: TrackData.optional(),
    track1Front: TrackData.optional(),
    track1JIS: TrackData.optional(),
    track3JIS: TrackData.optional(),
    ddi: TrackData.optional(),
  }),
  errorCodes: ['mediaJam', 'shutterFail', 'noMedia', 'invalidMedia', 'cardTooShort', 'cardTooLong', 'securityFail', 'cardCollision'],
});

const Where = z.union([z.enum(['exit', 'transport']), UnitId]);
export const Move = command('CardReader.Move', {
  payload: z.strictObject({ from: Where.optional(), to: Where.optional() }),
  completion: Empty,
  errorCodes: ['mediaJam', 'shutterFail', 'noMedia', 'occupied', 'full', 'mediaRetained'],
});

export const Reset = command('CardReader.Reset', {
  payload: z.strictObject({ to: z.enum(['exit', 'retain', 'currentPosition', 'auto']).optional(), storageId: UnitId.optional() }),
  completion: Empty,
  errorCodes: ['mediaJam', 'shutterFail', 'retainBinFull'],
});

export const InsertCardEvent = event('CardReader.InsertCardEvent', Empty);
export const MediaInsertedEvent = event('CardReader.MediaInsertedEvent', Empty);
export const MediaRemovedEvent = event('CardReader.MediaRemovedEvent', Empty, { unsolicited: true });
export const CardActionEvent = event(
  'CardReader.CardActionEvent',
  z.strictObject({
    to: z.union([z.enum(['exit', 'transport']), UnitId]),
    from: z.union([z.enum(['exit', 'transport', 'unknown']), UnitId]),
  }),
  { unsolicited: true },
);

export const CardReaderStatus = z.strictObject({
  media: z.enum(['unknown', 'present', 'notPresent', 'jammed', 'entering', 'latched']),
  chipPower: z.enum(['unknown', 'online', 'busy', 'poweredOff', 'noDevice', 'hardwareError', 'noCard']),
});
export const CardReaderCapabilities = z.strictObject({
  type: z.enum(['motor', 'swipe', 'dip', 'latchedDip', 'contactless', 'intelligentContactless', 'permanent']),
  readTracks: z.strictObject({ track1: z.boolean(), track2: z.boolean(), track3: z.boolean() }),
  cardTakenSensor: z.boolean(),
});
