/**
 * The live view of `rig up`: each ATM's LCD and session state, redrawn in place on a terminal, with the latest
 * bus traffic underneath. Off a terminal (CI, a pipe) it prints one line per change instead.
 */
import type { Rig } from './rig.ts';
import { formatMessage } from './bus-trace.ts';
import { lcdBox, paint } from './ui.ts';
import type { SessionState } from '../machines/screens.ts';
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

  const unsubscribe = rig.atms.map((atm) =>
    atm.controller.onChange(({ screen, state }) => {
      views.set(atm.id, { screen, state });
      if (tty) schedule();
      else out.write(`${atm.id} ${state.state} | ${screen.map((l) => l.trimEnd()).join(' | ')}\n`);
    }),
  );

  const client = tty ? await connectBus(rig.brokerUrl, 'live-view', rig.bus.internal.get('rig.trace')!) : undefined;
  if (client) {
    client.on('message', (topic, buf, packet) => {
      if (packet.retain) return;
      let payload: unknown;
      try {
        payload = JSON.parse(buf.toString('utf8'));
      } catch {
        payload = buf.toString('utf8');
      }
      const atmId = topic.split('/')[1] ?? '';
      const line = formatMessage(topic, payload, views.get(atmId)?.state);
      if (line) {
        recent.push(line);
        if (recent.length > 50) recent.shift();
        schedule();
      }
    });
    await client.subscribeAsync(['atm/#', 'phone/+/inbox'], { qos: 0 });
  }
  if (tty) schedule();
  else header.forEach((h) => out.write(h + '\n'));

  return {
    async close() {
      unsubscribe.forEach((u) => u());
      await client?.endAsync();
    },
  };
}
