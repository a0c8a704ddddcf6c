/**
 * A recording's copy for a report: typed characters masked unless the session is known to collect no secret (bus-trace.ts),
 * one-time codes, card and phone numbers masked as the bus trace masks them, fingerprint templates and
 * undecodable payloads reduced to their size. Marked `masked`, so a replay refuses it.
 */
import type { SessionState } from '../../machines/screens.ts';
import { KEY_TOPIC, maskedKey, maskSecrets } from '../bus-trace.ts';
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
  if (KEY_TOPIC.test(line.topic)) return maskedKey(line.payload, session);
  const payload = line.payload as Record<string, unknown> | null;
  if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
    if (typeof payload.$bytes === 'string') return { $bytes: '' };
    let body: Record<string, unknown> = payload;
    if (typeof body.template === 'string') body = { ...body, template: `…(${body.template.length} b64)` };
    return JSON.parse(maskSecrets(JSON.stringify(body))) as MessageLine['payload'];
  }
  return JSON.parse(maskSecrets(JSON.stringify(payload))) as MessageLine['payload'];
}
