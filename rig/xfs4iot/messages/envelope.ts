/**
 * The XFS4IoT message envelope (shared/reference/xfs4iot.md §2): `{"header": {...}, "payload": {...}}`, one header
 * shape per message type. A client sends only `command`; the face sends `acknowledge`, `event`, `completion` and
 * `unsolicited`. Headers are closed objects: a key the spec does not name is an error, in and out.
 */
import { z } from 'zod';

/** Message names are `Interface.Command` or `Interface.XxxEvent`. */
export const MessageName = z.string().regex(/^[A-Z][A-Za-z0-9]{0,39}\.[A-Z][A-Za-z0-9]{0,59}$/, 'Interface.Name');
/** Message versions, e.g. "2.0". */
export const Version = z.string().regex(/^[1-9]\d{0,2}\.\d{1,3}$/, 'major.minor, e.g. "2.0"');
/** Client-chosen, > 0, unique among the connection's open commands. */
export const RequestId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Every completion code the spec names (§2); the face uses a few of them (docs/xfs4iot.md). */
export const COMPLETION_CODES = [
  'success',
  'commandErrorCode',
  'canceled',
  'deviceNotReady',
  'hardwareError',
  'internalError',
  'invalidCommand',
  'invalidRequestID',
  'timeOut',
  'unsupportedCommand',
  'invalidData',
  'userError',
  'unsupportedData',
  'fraudAttempt',
  'sequenceError',
  'authorisationRequired',
  'noCommandNonce',
  'invalidToken',
  'invalidTokenNonce',
  'invalidTokenHMAC',
  'invalidTokenFormat',
  'invalidTokenKeyNoValue',
  'notEnoughSpace',
] as const;
export const CompletionCode = z.enum(COMPLETION_CODES);
export type CompletionCode = z.infer<typeof CompletionCode>;

/** An acknowledge's status: absent = accepted; anything else means nothing follows. */
export const AckStatus = z.enum(['invalidMessage', 'invalidRequestID', 'tooManyRequests']);
export type AckStatus = z.infer<typeof AckStatus>;

export const CommandHeader = z.strictObject({
  name: MessageName,
  requestId: RequestId,
  type: z.literal('command'),
  version: Version,
  /** ms; 0 or absent = no timeout (still cancellable). */
  timeout: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
});

/**
 * An acknowledge echoes the command's name, requestId and version. A refused frame may have none worth echoing (not
 * JSON, no header): then name and version are empty and requestId 0, and `status` says why.
 */
export const AckHeader = z
  .strictObject({
    name: z.union([MessageName, z.literal('')]),
    requestId: z.union([RequestId, z.literal(0)]),
    type: z.literal('acknowledge'),
    version: z.union([Version, z.literal('')]),
    status: AckStatus.optional(),
  })
  .refine((h) => h.status !== undefined || (h.name !== '' && h.requestId > 0 && h.version !== ''), 'an accepted command is echoed');

export const EventHeader = z.strictObject({ name: MessageName, requestId: RequestId, type: z.literal('event'), version: Version });

export const CompletionHeader = z.strictObject({
  name: MessageName,
  requestId: RequestId,
  type: z.literal('completion'),
  version: Version,
  completionCode: CompletionCode,
  errorDescription: z.string().max(1000).optional(),
});

/** Unsolicited events carry no requestId (KAL sends type "event" without one; the spec's enum has "unsolicited"). */
export const UnsolicitedHeader = z.strictObject({ name: MessageName, type: z.literal('unsolicited'), version: Version });

export const OutgoingHeader = z.discriminatedUnion('type', [AckHeader, EventHeader, CompletionHeader, UnsolicitedHeader]);
export type OutgoingHeader = z.infer<typeof OutgoingHeader>;

/** A payload is an object, or absent/null when empty. */
export const PayloadObject = z.record(z.string(), z.unknown());

/** What a client sends: the header checked here, the payload by the command's own schema. */
export const IncomingMessage = z.strictObject({ header: CommandHeader, payload: PayloadObject.nullable().optional() });
export type IncomingMessage = z.infer<typeof IncomingMessage>;

/** Any message on the wire, as a client reads it: header by type; payload checked by name (messages/catalog.ts). */
export const AnyHeader = z.discriminatedUnion('type', [CommandHeader, AckHeader, EventHeader, CompletionHeader, UnsolicitedHeader]);
export const WireMessage = z.strictObject({ header: AnyHeader, payload: PayloadObject.nullable().optional() });
export type WireMessage = z.infer<typeof WireMessage>;
