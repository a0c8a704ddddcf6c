/**
 * What a replay compares and how it reports the first difference: a message from the live controller against
 * the recorded one, field by field, and the recorded messages just before it for context. Everything printed is
 * masked as the bus trace is (a typed PIN, an OTP, a card number never reach the console).
 */
import { isDeepStrictEqual } from 'node:util';
import type { SessionState } from '../../machines/screens.ts';
import { formatMessage, maskSecrets } from '../bus-trace.ts';
import { isMessage, type MessageLine, type RecordLine } from './format.ts';

export interface Divergence {
  /** The line of the recording (1-based, the header is line 1). */
  line: number;
  t: number;
  expected: { topic: string; payload: unknown };
  /** What came instead on that topic; undefined when nothing came in time. */
  got?: { topic: string; payload: unknown };
  reason: string;
  /** The recorded messages before it, formatted and masked. */
  context: string[];
  /** How far a time field may differ (a system-clock recording): such a field is not listed as a difference. */
  timeSlackMs?: number;
}

/** Fields that hold a time on the rig clock (ms since 1970): the only ones a system-clock replay lets differ. */
const TIME_FIELDS = new Set(['ts', 'at', 'now', 'deadline', 'expiresAt', 'startedAt', 'endedAt', 'since']);

/**
 * Equal, except that with `timeSlackMs` a time field may differ by up to that much: a recording made on the system
 * clock has the jitter of real time between a cause and its effect, which a replay on its manual clock does not.
 * A manual-clock recording replays exactly (slack 0).
 */
export function samePayload(a: unknown, b: unknown, timeSlackMs = 0, key = ''): boolean {
  if (timeSlackMs > 0 && TIME_FIELDS.has(key) && typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= timeSlackMs;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => samePayload(v, b[i], timeSlackMs));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && samePayload(a[k], b[k], timeSlackMs, k));
  }
  return isDeepStrictEqual(a, b);
}

/** `screen: "enter-pin" -> "place-finger"` for each field that differs (top level; nested values whole), a time field
 *  within the slack excepted. */
export function fieldDifferences(expected: unknown, got: unknown, timeSlackMs = 0): string[] {
  const show = (v: unknown) => (v === undefined ? '(absent)' : maskSecrets(JSON.stringify(v)));
  if (!isObject(expected) || !isObject(got)) return [`${show(expected)} -> ${show(got)}`];
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(got)])];
  return keys.filter((k) => !samePayload(expected[k], got[k], timeSlackMs, k)).map((k) => `${k}: ${show(expected[k])} -> ${show(got[k])}`);
}

/** The `count` recorded messages before line index `index`, as trace lines (keys masked where the session masks them). */
export function contextBefore(lines: readonly RecordLine[], index: number, count = 6): string[] {
  let session: SessionState | undefined;
  const out: { n: number; text: string }[] = [];
  for (let i = 0; i < index; i++) {
    const line = lines[i]!;
    if (!isMessage(line)) continue;
    const text = formatMessage(line.topic, line.payload, session, `+${(line.t / 1000).toFixed(3)}s`);
    if (line.topic.endsWith('/session/state')) session = line.payload as unknown as SessionState;
    if (text) out.push({ n: i + 2, text: text.replace(/\u001b\[[0-9;]*m/g, '') });
  }
  return out.slice(-count).map((o) => `line ${o.n}  ${o.text}`);
}

export function describeDivergence(d: Divergence, source: string): string {
  const head = `replay diverged at ${source}:${d.line} (rig clock +${(d.t / 1000).toFixed(3)} s): ${d.reason}`;
  const expected = `  expected  ${d.expected.topic}`;
  const diff = d.got
    ? fieldDifferences(d.expected.payload, d.got.payload, d.timeSlackMs).map((f) => `    ${f}`)
    : [`    nothing on ${d.expected.topic}`];
  const got = d.got && d.got.topic !== d.expected.topic ? [`  got       ${d.got.topic}`] : [];
  const context = d.context.length ? ['  before it, as recorded:', ...d.context.map((c) => `    ${c}`)] : [];
  return [head, expected, ...got, ...diff, ...context].join('\n');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type { MessageLine };
