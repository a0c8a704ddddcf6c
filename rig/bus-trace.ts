/**
 * A readable line per MQTT message, for the demo and the live view. Secrets typed on the keypad are masked
 * (the session state says when the keypad collects a PIN or password); fingerprint templates are abbreviated;
 * the LCD's own traffic is left to the LCD box.
 */
import type { MqttClient } from 'mqtt';
import type { SessionState } from '../machines/screens.ts';
import { clock, paint } from './ui.ts';
import { connectBus } from '../core/bus.ts';
import { topics } from '../devices/topics.ts';
import { maskNumbers } from '../devices/serial/trace.ts';

export interface BusTrace {
  close(): Promise<void>;
}

/** What a log line may never show: card numbers, phone numbers and one-time codes, masked but for their tail. */
export function maskSecrets(text: string): string {
  return (
    text
      .replace(/code is [A-Z0-9]+/g, 'code is ******')
      // Only whole quoted strings and topic levels: a timestamp is a number, not a card.
      .replace(/(?<=["/])\+?\d{9,19}(?=["/])/g, maskNumbers)
  );
}

/** A key press on the bus (the keypad's event, or the person's action). */
export const KEY_TOPIC = /\/keypad\/(sim\/press|evt\/key)$/;
const NAMED_KEY = /^(ENTER|CANCEL|CLEAR|FDK[A-I])$/;

/**
 * A key press as a trace or report may show it: a named key as it is; a character only while the session is known to
 * collect something that is no secret (an amount, an account); otherwise `*`. Masking errs this way because the
 * session state can be missing (a lost message, a fault on the wire) exactly while a PIN is typed; a damaged press
 * (not `{"key": ...}`) is shown as `*` too, since its bytes may still spell the digit.
 */
export function maskedKey(payload: unknown, session: SessionState | undefined): { key: string } {
  const key = (payload as { key?: unknown } | null)?.key;
  const whole = typeof payload === 'object' && payload !== null && Object.keys(payload).length === 1 && typeof key === 'string';
  if (whole && NAMED_KEY.test(key)) return { key };
  if (whole && session?.input?.masked === false && /^[0-9A-Z]$/.test(key)) return { key };
  return { key: '*' };
}

/** One trace line, masked; `at` is the time to show (default: now, wall time). */
export function formatMessage(
  topic: string,
  payload: unknown,
  session: SessionState | undefined,
  at: string = clock(),
): string | undefined {
  if (/\/lcd\/(cmd\/show|state)$/.test(topic) || topic.startsWith('rig/clock/state')) return undefined;
  let body = payload as Record<string, unknown>;
  if (KEY_TOPIC.test(topic)) body = maskedKey(payload, session);
  if (topic.endsWith('/session/state') && body && typeof body.state === 'string') {
    // The full state is retained on the topic; a trace line needs only what changed to the eye.
    const s = body as unknown as SessionState;
    const parts = [s.state];
    if (s.tier) parts.push(`tier=${s.tier} attempt=${s.attempt}/${(s.attempt ?? 0) + (s.attemptsLeft ?? 0) - 1}`);
    if (s.requestedFinger) parts.push(`finger=${s.requestedFinger}`);
    if (s.input) parts.push(`input="${s.input.label}" ${s.input.length}/${s.input.maxLength}`);
    if (s.customerId) parts.push(`customer=${s.customerId}`);
    if (s.endReason) parts.push(`reason=${s.endReason}`);
    return `${paint('dim', at)} ${paint('yellow', topic)} ${parts.join(' ')}`;
  }
  if (topic === topics.fault.applied && body && typeof body.action === 'string') {
    const from = body.from ? ` from ${String(body.from)}` : '';
    return maskSecrets(`${paint('dim', at)} ${paint('red', `FAULT ${String(body.id)} ${body.action}`)} ${String(body.where)}${from}`);
  }
  const line = formatPayload(topic, body, at);
  return line && maskSecrets(line);
}

/** A recorded run as trace text, timed on the rig clock (`+12.345s` since the first message), masked as the live
 *  trace is: what a test report may carry. */
export function traceText(messages: readonly { topic: string; payload: unknown; rigTime?: number }[]): string {
  let session: SessionState | undefined;
  const start = messages.find((m) => m.rigTime !== undefined)?.rigTime;
  const lines: string[] = [];
  for (const m of messages) {
    // Retained state arrives before the clock's own: it belongs to the start.
    const time = m.rigTime ?? start;
    const at = time !== undefined && start !== undefined ? `+${((time - start) / 1000).toFixed(3)}s` : '+?';
    const line = formatMessage(m.topic, m.payload, session, at);
    if (m.topic.endsWith('/session/state')) session = m.payload as SessionState;
    if (line) lines.push(line);
  }
  // A report is plain text even when the console is coloured.
  return lines.join('\n').replace(/\u001b\[[0-9;]*m/g, '');
}

function formatPayload(topic: string, body: Record<string, unknown>, at: string): string | undefined {
  if (typeof body?.template === 'string') body = { ...body, template: `…(${body.template.length} b64)` };
  const channel = topic.split('/')[3];
  const color =
    channel === 'sim'
      ? 'magenta'
      : channel === 'cmd'
        ? 'cyan'
        : topic.includes('/session/')
          ? 'yellow'
          : topic.startsWith('phone/')
            ? 'green'
            : 'gray';
  return `${paint('dim', at)} ${paint(color, topic)} ${JSON.stringify(body)}`;
}

export async function traceBus(
  brokerUrl: string,
  atmId: string,
  print: (line: string) => void,
  credentials: { username: string; password: string },
): Promise<BusTrace> {
  const client: MqttClient = await connectBus(brokerUrl, 'trace', credentials);
  let session: SessionState | undefined;
  client.on('message', (topic, buf, packet) => {
    if (packet.retain) return; // state from before we looked
    let payload: unknown;
    try {
      payload = JSON.parse(buf.toString('utf8'));
    } catch {
      payload = buf.toString('utf8');
    }
    const line = formatMessage(topic, payload, session);
    if (topic === topics.sessionState(atmId)) session = payload as SessionState;
    if (line) print(line);
  });
  await client.subscribeAsync([topics.atm(atmId), topics.phones, topics.fault.events], { qos: 1 });
  return { close: () => client.endAsync() };
}
