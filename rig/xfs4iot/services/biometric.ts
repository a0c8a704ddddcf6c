/**
 * Biometric over the fingerprint sensor (docs/xfs4iot.md). Read waits for the next `fingerprint/evt/captured` and
 * keeps it (matchSupported: storedMatch); Import keeps the client's templates; Match compares the kept scan with them
 * by core/biometrics.ts's score, the bank's own matcher. Templates are the rig's own format, so the one data format is
 * `reservedTemplate1` (a vendor template, in the spec's words).
 */
import { MATCH_THRESHOLD, matchScore } from '../../../core/biometrics.ts';
import type { AtmBus } from '../atm-bus.ts';
import * as B from '../messages/biometric.ts';
import { commandError, fail, handle, ok, type ServiceDefinition } from '../service.ts';
import { deviceInformation, deviceState, watchStatus } from './device-status.ts';

/** Templates a client may import at once. */
export const TEMPLATE_STORAGE = 100;
const FORMAT = 'reservedTemplate1';
/** Device errors that mean this capture failed. */
const CAPTURE_ERRORS = new Set(['spoof-detected', 'sensor-error']);

/** A requested data type this sensor cannot give: encrypted (no keys) or another format. */
function unsupported(types: readonly B.DataType[]) {
  if (types.some((t) => t.algorithm || t.keyName)) return commandError('keyNotFound', 'the rig holds no encryption keys');
  if (types.some((t) => t.format !== FORMAT)) return commandError('formatNotSupported', `templates are ${FORMAT} (the rig's own)`);
  return undefined;
}

export function biometricService(bus: AtmBus, name: string): ServiceDefinition {
  let scan: string | undefined;
  let imported = new Map<string, { type: B.DataType; data: string }>();
  let unwatch = () => undefined as void;
  let outlet: Parameters<NonNullable<ServiceDefinition['attach']>>[0] | undefined;

  const read = handle(B.Read, async ({ payload, signal, event }) => {
    const types = payload.dataTypes ?? [];
    const refused = unsupported(types);
    if (refused) return refused;
    if ((payload.numCaptures ?? 0) > 1) return fail('invalidData', 'this sensor takes one capture at a time (maxCapture 1)');
    if (!bus.online('fingerprint')) return fail('deviceNotReady');
    const next = bus.next(
      'fingerprint',
      signal,
      (m) => m.name === 'captured' || (m.name === 'error' && CAPTURE_ERRORS.has(String(m.payload.code))),
    );
    event(B.PresentSubjectEvent, {});
    const m = await next;
    event(B.SubjectDetectedEvent, {});
    if (m.name === 'error') return commandError('readFailed', String(m.payload.code));
    scan = String(m.payload.template);
    return ok(types.length ? { dataRead: types.map((type) => ({ type, data: scan! })) } : undefined);
  });

  const importTemplates = handle(B.Import, async ({ payload }) => {
    const refused = unsupported(payload.templates.map((t) => t.type));
    if (refused) return refused;
    if (payload.templates.length > TEMPLATE_STORAGE) return commandError('capacityExceeded');
    if (payload.templates.some((t) => Buffer.from(t.data, 'base64').length === 0)) return commandError('invalidData', 'an empty template');
    imported = new Map(payload.templates.map((t, i) => [`id${i + 1}`, t]));
    return ok({ templates: Object.fromEntries([...imported].map(([id, t]) => [id, t.type])) });
  });

  const match = handle(B.Match, async ({ payload }) => {
    const { compareMode, identifier, maximum } = payload;
    const threshold = payload.threshold ?? MATCH_THRESHOLD;
    if (compareMode !== 'verify' && compareMode !== 'identity') return commandError('invalidCompareMode');
    if (threshold < 0 || threshold > 100) return commandError('invalidThreshold');
    if (imported.size === 0) return commandError('noImportedData');
    if (scan === undefined) return commandError('noCaptureData');
    if (compareMode === 'verify' && (identifier === undefined || !imported.has(identifier))) return commandError('invalidIdentifier');
    const pool = compareMode === 'verify' ? [[identifier!, imported.get(identifier!)!] as const] : [...imported];
    const ranked = pool
      .map(([id, t]) => ({ id, confidenceLevel: matchScore(scan!, t.data) }))
      .filter((c) => c.confidenceLevel >= threshold)
      .sort((a, b) => b.confidenceLevel - a.confidenceLevel)
      .slice(0, maximum || undefined);
    // Best first; no candidates at all is a success without the key (§4.1).
    return ok(
      ranked.length ? { candidates: Object.fromEntries(ranked.map((c) => [c.id, { confidenceLevel: c.confidenceLevel }])) } : undefined,
    );
  });

  const clear = handle(B.Clear, async ({ payload }) => {
    const what = payload.clearData ?? null;
    if (what === null || what === 'scannedData') scan = undefined;
    if (what === null || what === 'importedData') imported = new Map();
    // Told after the completion has gone out.
    setImmediate(() => outlet?.unsolicited(B.DataClearedEvent, what === null ? {} : { clearData: what }));
    return ok();
  });

  const storageInfo = handle(B.GetStorageInfo, async () =>
    imported.size ? ok({ templates: Object.fromEntries([...imported].map(([id, t]) => [id, t.type])) }) : commandError('noImportedData'),
  );

  return {
    name,
    interfaces: ['Common', 'Biometric'],
    handlers: [read, importTemplates, match, clear, storageInfo],
    events: [B.PresentSubjectEvent, B.SubjectDetectedEvent, B.DataClearedEvent],
    get deviceInformation() {
      return deviceInformation(bus, 'fingerprint');
    },
    status: () => ({
      device: deviceState(bus, ['fingerprint']),
      blocks: {
        biometric: {
          subject: 'unknown',
          capture: scan !== undefined,
          dataPersistence: 'persist',
          remainingStorage: TEMPLATE_STORAGE - imported.size,
        },
      },
    }),
    capabilities: () => ({
      biometric: {
        type: { fingerprint: true },
        maxCapture: 1,
        templateStorage: TEMPLATE_STORAGE,
        dataFormats: [{ format: FORMAT }],
        matchSupported: 'storedMatch',
        compareModes: { verify: true, identity: true },
      },
    }),
    attach(o) {
      outlet = o;
      unwatch = watchStatus(bus, ['fingerprint'], o);
    },
    close: () => unwatch(),
  };
}
