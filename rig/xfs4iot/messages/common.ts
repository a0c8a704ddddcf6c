/** The Common interface and the service publisher's discovery (shared/reference/xfs4iot.md §1, §3). */
import { z } from 'zod';
import { command, Empty, event } from './spec.ts';
import { MessageName, RequestId, Version } from './envelope.ts';

export const DeviceState = z.enum([
  'online',
  'offline',
  'powerOff',
  'noDevice',
  'hardwareError',
  'userError',
  'deviceBusy',
  'fraudAttempt',
  'potentialFraud',
  'starting',
]);
export type DeviceState = z.infer<typeof DeviceState>;

export const CommonStatus = z.strictObject({
  device: DeviceState,
  devicePosition: z.enum(['inPosition', 'notInPosition', 'unknown']).optional(),
  powerSaveRecoveryTime: z.number().int().min(0).optional(),
  antiFraudModule: z.enum(['ok', 'inoperable', 'deviceDetected', 'unknown']).optional(),
  exchange: z.enum(['active', 'inactive']).optional(),
  endToEndSecurity: z.enum(['notEnforced', 'notConfigured', 'enforced']).optional(),
});

/** Common.Status's answer: `common` and one block per interface (camelCase key), each declared by its interface file. */
export function statusPayload(blocks: z.ZodRawShape) {
  return z.strictObject({ common: CommonStatus, ...blocks });
}

const Versions = z.strictObject({ versions: z.array(Version).min(1) });
export const InterfaceCapability = z.strictObject({
  name: z.string().min(1),
  commands: z.record(MessageName, Versions),
  events: z.record(MessageName, Versions),
  maximumRequests: z.number().int().min(0),
});

export const CommonCapabilities = z.strictObject({
  serviceVersion: z.string(),
  deviceInformation: z.array(z.strictObject({ modelName: z.string(), serialNumber: z.string(), revisionNumber: z.string().optional() })),
  powerSaveControl: z.boolean(),
  antiFraudModule: z.boolean(),
});

export function capabilitiesPayload(blocks: z.ZodRawShape) {
  return z.strictObject({ interfaces: z.array(InterfaceCapability), common: CommonCapabilities, ...blocks });
}

/** The Common commands every service answers; Status/Capabilities completions are per service (catalog.ts). */
export const Cancel = command('Common.Cancel', {
  payload: z.strictObject({ requestIds: z.array(RequestId).max(1000).nullable().optional() }),
  completion: Empty,
  errorCodes: ['noMatchingRequestIDs'],
  immediate: true,
});

export const StatusChangedEvent = event('Common.StatusChangedEvent', z.strictObject({ common: CommonStatus.partial() }), {
  unsolicited: true,
  version: '3.0',
});

export const GetServices = command('ServicePublisher.GetServices', {
  payload: Empty,
  completion: z.strictObject({ vendorName: z.string(), services: z.array(z.strictObject({ serviceURI: z.string().url() })) }),
  immediate: true,
});
