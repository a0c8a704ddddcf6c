/**
 * A recording: NDJSON, one header line, then one line per bus message (and per serial trace line), timed on the rig
 * clock in ms since the header's `start`. docs/recording.md.
 *
 *   {"recording":"atm-rig","version":1,"contract":"1.0","seed":7,"start":1767258000000,"atms":[...],...}
 *   {"t":0,"topic":"atm/atm-1/keypad/state","payload":{"online":true,...},"retain":true}
 *   {"t":1520,"topic":"atm/atm-1/keypad/evt/key","payload":{"key":"ENTER"}}
 *   {"t":1522,"serial":"+1.522s atm-1 fingerprint > GenImg"}
 *   {"t":0,"bank":"demo-customers"}     the demo customers were seeded here (a replay seeds them too)
 *
 * A payload that is not JSON (a damaged message) is kept as {"$bytes": "<base64>"}.
 */
import { z } from 'zod';
import { strictObject } from '../../core/strict-schema.ts';
import { MAX_PAYLOAD_BYTES } from '../../core/bus-limits.ts';

export const RECORDING_VERSION = 1;

export const RecordingHeaderSchema = strictObject({
  recording: z.literal('atm-rig'),
  version: z.literal(RECORDING_VERSION),
  /** The topic contract the messages follow (devices/topics.ts). */
  contract: z.string().regex(/^\d+\.\d+$/),
  seed: z.number().int().min(0).max(0xffffffff),
  /** The rig clock when recording began. */
  start: z.number().int(),
  clock: z.enum(['system', 'manual']),
  /** OTP codes came from the seed: a replay reproduces them. */
  deterministicSecrets: z.boolean(),
  /** Typed secrets, OTPs and card numbers masked (a report's copy): readable, but it cannot be replayed. */
  masked: z.boolean(),
  atms: z
    .array(
      strictObject({
        id: z.string().min(1).max(64),
        profile: z.string().min(1).max(256),
        devices: z.record(z.string(), z.string()),
      }),
    )
    .min(1)
    .max(1000),
  /** Where the bank's customers came from, for a replay to make the same: the demo customers, or none. */
  customers: z.enum(['demo', 'none', 'unknown']).default('unknown'),
});
export type RecordingHeader = z.infer<typeof RecordingHeaderSchema>;

const Bytes = strictObject({ $bytes: z.base64() });
export const MessageLineSchema = strictObject({
  t: z.number().int().min(0),
  topic: z.string().min(1).max(256),
  payload: z.union([Bytes, z.json()]),
  retain: z.literal(true).optional(),
});
export const SerialLineSchema = strictObject({ t: z.number().int().min(0), serial: z.string().max(64 * 1024) });
/** A change at the bank a replay makes too, at the same point (the demo customers seeded). */
export const BankLineSchema = strictObject({ t: z.number().int().min(0), bank: z.enum(['demo-customers']) });
export type MessageLine = z.infer<typeof MessageLineSchema>;
export type SerialLine = z.infer<typeof SerialLineSchema>;
export type BankLine = z.infer<typeof BankLineSchema>;
export type RecordLine = MessageLine | SerialLine | BankLine;

export function isMessage(line: RecordLine): line is MessageLine {
  return 'topic' in line;
}

/** The payload as it went on the wire: JSON text, or the recorded bytes. */
export function payloadBytes(line: MessageLine): Buffer {
  const p = line.payload as { $bytes?: string };
  return typeof p === 'object' && p !== null && typeof p.$bytes === 'string' && Object.keys(p).length === 1
    ? Buffer.from(p.$bytes, 'base64')
    : Buffer.from(JSON.stringify(line.payload));
}

/** A payload as a recording keeps it. */
export function recordedPayload(buf: Buffer): MessageLine['payload'] {
  try {
    return JSON.parse(buf.toString('utf8')) as MessageLine['payload'];
  } catch {
    return { $bytes: buf.toString('base64') };
  }
}

export interface Recording {
  header: RecordingHeader;
  lines: RecordLine[];
}

/** Read a recording, every line checked; a bad line is named by its number. */
export function parseRecording(text: string, source: string): Recording {
  const rows = text.split('\n').filter((l) => l.trim() !== '');
  if (rows.length === 0) throw new Error(`${source}: empty, not an atm-rig recording`);
  const json = (row: string, n: number): unknown => {
    try {
      return JSON.parse(row);
    } catch {
      throw new Error(`${source}:${n}: not JSON`);
    }
  };
  const head = RecordingHeaderSchema.safeParse(json(rows[0]!, 1));
  if (!head.success) throw new Error(`${source}:1: not an atm-rig recording header:\n${z.prettifyError(head.error)}`);
  const lines = rows.slice(1).map((row, i) => {
    const value = json(row, i + 2) as Record<string, unknown>;
    const kind =
      value && typeof value === 'object'
        ? 'serial' in value
          ? SerialLineSchema
          : 'bank' in value
            ? BankLineSchema
            : MessageLineSchema
        : MessageLineSchema;
    let parsed: ReturnType<typeof kind.safeParse>;
    try {
      parsed = kind.safeParse(value);
    } catch (err) {
      // zod walks JSON by recursion: a payload nested thousands deep overflows it.
      if (err instanceof RangeError) throw new Error(`${source}:${i + 2}: nested too deeply`, { cause: err });
      throw err;
    }
    if (!parsed.success) throw new Error(`${source}:${i + 2}: ${z.prettifyError(parsed.error)}`);
    // No bus carries more: a replay could not publish it (the broker would drop its speaker).
    if (isMessage(parsed.data) && payloadBytes(parsed.data).length > MAX_PAYLOAD_BYTES)
      throw new Error(`${source}:${i + 2}: a payload over ${MAX_PAYLOAD_BYTES} bytes, more than the bus carries`);
    return parsed.data;
  });
  return { header: head.data, lines };
}
