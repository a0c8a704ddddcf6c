/**
 * A recording's copy for a report: typed keys masked while the session masks its input (PINs, passwords, OTPs),
 * one-time codes, card and phone numbers masked as the bus trace masks them, fingerprint templates and
 * undecodable payloads reduced to their size. Marked `masked`, so a replay refuses it.
 */
import type { SessionState } from '../../machines/screens.ts';
import { maskSecrets } from '../bus-trace.ts';
import { isMessage, type MessageLine, type RecordingHeader, type RecordLine } from './format.ts';

export function maskRecording(header: RecordingHeader, lines: readonly RecordLine[]): string {
  let session: SessionState | undefined;
  const out = [JSON.stringify({ ...header, masked: true })];
  for (const line of lines) {
    if (!isMessage(line)) {
      out.push(JSON.stringify(line)); // serial lines are masked by the serial trace already
      continue;
    }
    out.push(JSON.stringify({ ...line, topic: maskSecrets(line.topic), payload: maskPayload(line, session) }));
    if (line.topic.endsWith('/session/state')) session = line.payload as unknown as SessionState;
  }
  return out.join('\n') + '\n';
}

function maskPayload(line: MessageLine, session: SessionState | undefined): MessageLine['payload'] {
  const payload = line.payload as Record<string, unknown> | null;
  if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
    if (typeof payload.$bytes === 'string') return { $bytes: '' };
    let body: Record<string, unknown> = payload;
    if (typeof body.template === 'string') body = { ...body, template: `…(${body.template.length} b64)` };
    if (
      /\/keypad\/(sim\/press|evt\/key)$/.test(line.topic) &&
      session?.input?.masked &&
      typeof body.key === 'string' &&
      /^[0-9A-Z]$/.test(body.key)
    )
      body = { ...body, key: '*' };
    return JSON.parse(maskSecrets(JSON.stringify(body))) as MessageLine['payload'];
  }
  return JSON.parse(maskSecrets(JSON.stringify(payload))) as MessageLine['payload'];
}
