/**
 * A bus message at the boundary: bytes -> JSON -> a payload the schema accepts, or the reason why not, in words an
 * `evt/error` can carry. Every receiver (devices, the controller, the clock, the emulators) decodes through here,
 * so a bad payload is answered the same way everywhere and never throws.
 */
import type { z } from 'zod';

export type Decoded<T> = { ok: true; data: T } | { ok: false; error: string };

/** Parse a message body as JSON; an empty body is `{}` (a command without parameters). */
export function decodeJson(buf: Uint8Array): Decoded<unknown> {
  if (buf.length === 0) return { ok: true, data: {} };
  try {
    return { ok: true, data: JSON.parse(Buffer.from(buf).toString('utf8')) as unknown };
  } catch {
    return { ok: false, error: 'payload is not JSON' };
  }
}

/** Parse and validate; the error names each field that is wrong. */
export function decode<S extends z.ZodType>(buf: Uint8Array, schema: S): Decoded<z.output<S>> {
  const json = decodeJson(buf);
  if (!json.ok) return json;
  const parsed = schema.safeParse(json.data);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ') };
}
