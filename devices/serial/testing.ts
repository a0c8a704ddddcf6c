/** For tests: two serial links joined by a socat pty pair, both open, and a way to close everything. */
import { SerialLink } from './link.ts';
import { openPtyPair } from './pty.ts';

export async function linkedPair(baudRate = 57600): Promise<{ host: SerialLink; device: SerialLink; close(): Promise<void> }> {
  const pair = await openPtyPair();
  const host = new SerialLink({ path: pair.a, baudRate });
  const device = new SerialLink({ path: pair.b, baudRate });
  const up = (l: SerialLink) => new Promise<void>((r) => l.once('up', () => r()));
  const ups = Promise.all([up(host), up(device)]);
  host.start();
  device.start();
  await ups;
  return {
    host,
    device,
    async close() {
      await host.close();
      await device.close();
      await pair.close();
    },
  };
}
