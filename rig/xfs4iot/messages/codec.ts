/**
 * Messages to and from the wire. `encode` validates every message the face sends against the catalog (a message
 * its schema refuses is not sent: the caller hears why); `decodeCommand` reads what a client sends, far enough to
 * acknowledge it or say why not; `decodeWire` is a client's reader of what a service sends.
 */
import { z } from 'zod';
import { COMMANDS, completionPayloadSchema, EVENTS } from './catalog.ts';
import {
  AckStatus,
  IncomingMessage,
  MessageName,
  OutgoingHeader,
  RequestId,
  Version,
  WireMessage,
  type CompletionCode,
} from './envelope.ts';

export type Outgoing =
  | { type: 'acknowledge'; name: string; requestId: number; version: string; status?: AckStatus }
  | { type: 'event'; name: string; requestId: number; payload?: object }
  | {
      type: 'completion';
      name: string;
      requestId: number;
      version?: string;
      completionCode: CompletionCode;
      errorDescription?: string;
      payload?: object;
    }
  | { type: 'unsolicited'; name: string; payload?: object };

export type Encoded = { ok: true; text: string } | { ok: false; error: string };

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
const isEmpty = (p: object | undefined) => p === undefined || Object.keys(p).length === 0;

export function encode(message: Outgoing): Encoded {
  const { payload, ...rest } = message as Outgoing & { payload?: object };
  let header: Record<string, unknown>;
  let schema: z.ZodType = z.strictObject({});
  if (rest.type === 'acknowledge') header = { ...rest };
  else if (rest.type === 'completion') {
    const spec = COMMANDS.get(rest.name);
    // A command the catalog does not know can only be refused as unsupported, in its own version.
    if (!spec && rest.completionCode !== 'unsupportedCommand') return { ok: false, error: `no command ${rest.name} in the catalog` };
    header = { ...rest, version: spec?.completionVersion ?? rest.version };
    if (spec) schema = completionPayloadSchema(spec, rest.completionCode);
  } else {
    const spec = EVENTS.get(rest.name);
    if (!spec) return { ok: false, error: `no event ${rest.name} in the catalog` };
    if (spec.unsolicited !== (rest.type === 'unsolicited'))
      return { ok: false, error: `${rest.name} is ${spec.unsolicited ? '' : 'not '}unsolicited` };
    header = { ...rest, version: spec.version };
    schema = spec.payload;
  }
  const h = OutgoingHeader.safeParse(header);
  if (!h.success) return { ok: false, error: `${rest.name} header: ${issues(h.error)}` };
  if (rest.type !== 'acknowledge') {
    const p = schema.safeParse(payload ?? {});
    if (!p.success) return { ok: false, error: `${rest.name} ${rest.type}: ${issues(p.error)}` };
  } else if (payload !== undefined) return { ok: false, error: 'an acknowledge has no payload' };
  return { ok: true, text: JSON.stringify(isEmpty(payload) ? { header } : { header, payload }) };
}

export type DecodedCommand =
  | { ok: true; name: string; requestId: number; version: string; timeout: number; payload: Record<string, unknown> }
  | { ok: false; status: AckStatus; name: string; requestId: number; version: string };

/** A client's frame, as far as the envelope goes. What can be echoed in a refusal is echoed; the rest is empty. */
export function decodeCommand(text: string): DecodedCommand {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, status: 'invalidMessage', name: '', requestId: 0, version: '' };
  }
  const h = (json as { header?: Record<string, unknown> } | null)?.header;
  const echo = {
    name: MessageName.safeParse(h?.name).data ?? '',
    requestId: RequestId.safeParse(h?.requestId).data ?? 0,
    version: Version.safeParse(h?.version).data ?? '',
  };
  if (typeof h === 'object' && h !== null && h.type === 'command' && !RequestId.safeParse(h.requestId).success)
    return { ok: false, status: 'invalidRequestID', ...echo };
  const m = IncomingMessage.safeParse(json);
  if (!m.success) return { ok: false, status: 'invalidMessage', ...echo };
  const header = m.data.header;
  // The payload as parsed, not zod's copy of it: a copy would turn a `__proto__` key into a prototype (proto-key.ts).
  const raw = (json as { payload?: Record<string, unknown> | null }).payload;
  return {
    ok: true,
    name: header.name,
    requestId: header.requestId,
    version: header.version,
    timeout: header.timeout ?? 0,
    payload: raw ?? {},
  };
}

export type WireIn = z.infer<typeof WireMessage> & { payload: Record<string, unknown> };

/** What a service sent, checked against the catalog as strictly as the face checks itself. */
export function decodeWire(text: string): { ok: true; message: WireIn } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const m = WireMessage.safeParse(json);
  if (!m.success) return { ok: false, error: issues(m.error) };
  const { header } = m.data;
  const payload = m.data.payload ?? {};
  let schema: z.ZodType | undefined = z.strictObject({});
  if (header.type === 'completion') {
    const spec = COMMANDS.get(header.name);
    schema = spec ? completionPayloadSchema(spec, header.completionCode) : z.strictObject({});
  } else if (header.type === 'event' || header.type === 'unsolicited') schema = EVENTS.get(header.name)?.payload;
  else if (header.type === 'command') schema = COMMANDS.get(header.name)?.payload;
  if (!schema) return { ok: false, error: `${header.name}: not in the catalog` };
  const p = schema.safeParse(payload);
  if (!p.success) return { ok: false, error: `${header.name} ${header.type}: ${issues(p.error)}` };
  return { ok: true, message: { header, payload } };
}
