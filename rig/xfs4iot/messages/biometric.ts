/** Biometric (shared/reference/xfs4iot.md §4.1): the rig's fingerprint sensor. */
import { z } from 'zod';
import { Base64, command, Empty, event } from './spec.ts';

export const DATA_FORMATS = [
  'isoFid',
  'isoFmd',
  'ansiFid',
  'ansiFmd',
  'qso',
  'wso',
  'reservedRaw1',
  'reservedRaw2',
  'reservedRaw3',
  'reservedTemplate1',
  'reservedTemplate2',
  'reservedTemplate3',
] as const;
export const DataType = z.strictObject({
  format: z.enum(DATA_FORMATS),
  algorithm: z.enum(['ecb', 'cbc', 'cfb', 'rsa']).optional(),
  keyName: z.string().max(64).optional(),
});
export type DataType = z.infer<typeof DataType>;
const Data = z.strictObject({ type: DataType, data: Base64 });
/** Template ids are `id…`, assigned by the service on Import. */
export const TemplateId = z.string().regex(/^id[0-9]{1,6}$/, 'a template id, "id…"');
const ClearData = z.enum(['scannedData', 'importedData', 'setMatchedData']);

export const Read = command('Biometric.Read', {
  completionVersion: '3.0',
  payload: z.strictObject({
    dataTypes: z.array(DataType).max(12).nullable().optional(),
    numCaptures: z.number().int().min(0).max(100).optional(),
    mode: z.enum(['scan', 'match']).optional(),
  }),
  completion: z.strictObject({ dataRead: z.array(Data).optional() }),
  errorCodes: ['readFailed', 'modeNotSupported', 'formatNotSupported', 'keyNotFound'],
});

export const Import = command('Biometric.Import', {
  version: '3.0',
  completionVersion: '2.0',
  payload: z.strictObject({ templates: z.array(Data).min(1).max(1000) }),
  completion: z.strictObject({ templates: z.record(TemplateId, DataType).optional() }),
  errorCodes: ['invalidData', 'formatNotSupported', 'capacityExceeded', 'keyNotFound'],
});

/** compareMode and threshold are checked by the service, so their errors get the spec's own errorCodes. */
export const Match = command('Biometric.Match', {
  completionVersion: '3.0',
  payload: z.strictObject({
    compareMode: z.string().max(40),
    identifier: z.string().max(40).optional(),
    maximum: z.number().int().min(0).max(1000).optional(),
    threshold: z.number().int().optional(),
  }),
  completion: z.strictObject({
    candidates: z.record(TemplateId, z.strictObject({ confidenceLevel: z.number().int().min(0).max(100) })).optional(),
  }),
  errorCodes: ['noImportedData', 'invalidIdentifier', 'modeNotSupported', 'noCaptureData', 'invalidCompareMode', 'invalidThreshold'],
});

export const Clear = command('Biometric.Clear', {
  payload: z.strictObject({ clearData: ClearData.nullable().optional() }),
  completion: Empty,
});

export const GetStorageInfo = command('Biometric.GetStorageInfo', {
  payload: Empty,
  completion: z.strictObject({ templates: z.record(TemplateId, DataType).optional() }),
  errorCodes: ['noImportedData'],
  immediate: true,
});

export const PresentSubjectEvent = event('Biometric.PresentSubjectEvent', Empty);
export const SubjectDetectedEvent = event('Biometric.SubjectDetectedEvent', Empty);
export const DataClearedEvent = event('Biometric.DataClearedEvent', z.strictObject({ clearData: ClearData.nullable().optional() }), {
  unsolicited: true,
});

export const BiometricStatus = z.strictObject({
  subject: z.enum(['present', 'notPresent', 'unknown']),
  capture: z.boolean(),
  dataPersistence: z.enum(['persist', 'clear']),
  remainingStorage: z.number().int().min(0),
});

export const BiometricCapabilities = z.strictObject({
  type: z.strictObject({ fingerprint: z.boolean() }),
  maxCapture: z.number().int().min(0),
  templateStorage: z.number().int().min(0),
  dataFormats: z.array(DataType),
  matchSupported: z.enum(['storedMatch', 'combinedMatch']),
  compareModes: z.strictObject({ verify: z.boolean(), identity: z.boolean() }),
});
