/**
 * The live view of `rig up`: each ATM's LCD and session state, redrawn in place on a terminal, with the latest
 * bus traffic underneath. Off a terminal (CI, a pipe) it prints one line per change instead.
 */
import type { Rig } from './rig.ts';
import { formatMessage } from './bus-trace.ts';
import { lcdBox, paint } from './ui.ts';
import type { SessionState } from '../machines/screens.ts';
import { topics } from '../devices/topics.ts';
import { connectBus } from '../core/bus.ts';

export async function startLiveView(
  rig: Rig,
  header: string[],
  options: { plain?: boolean; out?: NodeJS.WriteStream } = {},
): Promise<{ close(): Promise<void> }> {
  const out = options.out ?? process.stdout;
  const tty = out.isTTY === true && !options.plain;
  const views = new Map<string, { screen: string[]; state: SessionState }>();
  const recent: string[] = [];
  let scheduled = false;

  const draw = () => {
    scheduled = false;
    const lines = [...header, ''];
    for (const atm of rig.atms) {
      const v = views.get(atm.id);
      if (!v) continue;
      const box = lcdBox(v.screen, `${atm.id} · ${atm.profile.id}`);
      const s = v.state;
      const info = [
        `state   ${paint('yellow', s.state)}`,
        s.tier ? `tier    ${s.tier} (attempt ${s.attempt}, ${s.attemptsLeft} left)` : '',
        s.requestedFinger ? `finger  ${s.requestedFinger} requested` : '',
        s.customerId ? `customer ${s.customerId}` : '',
      ].filter(Boolean);
      box.forEach((b, i) => lines.push(`${b}  ${info[i] ?? ''}`));
    }
    lines.push('', paint('bold', 'bus'), ...recent.slice(-12));
    out.write('\u001b[H\u001b[2J' + lines.join('\n') + '\n');
  };
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      setTimeout(draw, 50);
    }
  };

  const changed = (atmId: string, screen: string[], state: SessionState) => {
    views.set(atmId, { screen, state });
    if (tty) schedule();
    else out.write(`${atmId} ${state.state} | ${screen.map((l) => l.trimEnd()).join(' | ')}\n`);
  };
  const unsubscribe = rig.atms.flatMap((atm) =>
    atm.controller ? [atm.controller.onChange(({ screen, state }) => changed(atm.id, screen, state))] : [],
  );
  // An ATM an outside application runs (controller: external) has no session state here: its LCD is the view.
  // Not a session of the rig's: no screen id of its own; every key typed is masked, since the view cannot tell a PIN.
  const externalState = {
    screen: 'external',
    state: 'external application (XFS4IoT)',
    profile: 'external',
    input: { field: 'external', label: 'external application', length: 0, maxLength: 0, masked: true },
  } as unknown as SessionState;
  const external = new Set(rig.atms.filter((a) => !a.controller).map((a) => a.id));
  const externalLcd = (topic: string, payload: unknown) => {
    const m = /^atm\/([^/]+)\/lcd\/state$/.exec(topic);
    const lines = (payload as { lines?: unknown } | undefined)?.lines;
    if (!m || !external.has(m[1]!) || !Array.isArray(lines)) return;
    changed(m[1]!, lines.map(String), externalState);
  };

  const client = await connectBus(rig.brokerUrl, 'live-view', rig.bus.internal.get('rig.trace')!);
  // Plain mode: a line when a device goes offline or comes back (with why), the one change a screen would show.
  const online = new Map<string, boolean>();
  const deviceState = (topic: string, payload: unknown) => {
    const m = /^atm\/([^/]+)\/([^/]+)\/state$/.exec(topic);
    const s = payload as { online?: unknown; reason?: unknown } | undefined;
    if (!m || m[2] === 'session' || typeof s?.online !== 'boolean') return;
    const key = `${m[1]} ${m[2]}`;
    const was = online.get(key);
    online.set(key, s.online);
    if (was !== undefined && was !== s.online)
      out.write(`${key} ${s.online ? 'online' : `offline${typeof s.reason === 'string' ? `: ${s.reason}` : ''}`}\n`);
  };
  {
    client.on('message', (topic, buf, packet) => {
      externalLcd(topic, parsePayload(buf));
      if (!tty) {
        // Plain mode: a fault applied is one line, like a device going offline.
        if (topic === topics.fault.applied) {
          const line = formatMessage(topic, parsePayload(buf), undefined, '');
          if (line) out.write(`${line.trim()}\n`);
        } else deviceState(topic, parsePayload(buf));
        return;
      }
      if (packet.retain) return;
      const payload = parsePayload(buf);
      const atmId = topic.split('/')[1] ?? '';
      const line = formatMessage(topic, payload, views.get(atmId)?.state ?? (external.has(atmId) ? externalState : undefined));
      if (line) {
        recent.push(line);
        if (recent.length > 50) recent.shift();
        schedule();
      }
    });
    await client.subscribeAsync(tty ? ['atm/#', 'phone/+/inbox', topics.fault.events] : ['atm/+/+/state', topics.fault.applied], {
      qos: 0,
    });
  }
  if (tty) schedule();
  else header.forEach((h) => out.write(h + '\n'));

  return {
    async close() {
      unsubscribe.forEach((u) => u());
      await client.endAsync();
    },
  };
}

function parsePayload(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return buf.toString('utf8');
  }
}
