/** For tests: two serial links joined by a socat pty pair, both open, and a way to close everything. */
import { systemClock } from '../../core/clock.ts';
import type { Device } from '../device.ts';
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

/** For driver tests: start a serial driver with a context that records what it emits and reports, and wait until
 *  it is online (its handshake with the emulator at the other end of the pty is done). */
export async function startDriver(driver: Device): Promise<{
  events: { name: string; payload: Record<string, unknown> }[];
  states: Record<string, unknown>[];
  errors: { code: string; message: string }[];
  until(test: () => boolean, what: string): Promise<void>;
}> {
  const events: { name: string; payload: Record<string, unknown> }[] = [];
  const states: Record<string, unknown>[] = [];
  const errors: { code: string; message: string }[] = [];
  await driver.start({
    atmId: 'atm-1',
    clock: systemClock,
    random: undefined as never,
    emit: (name: string, payload: object) => events.push({ name, payload: payload as Record<string, unknown> }),
    setState: (s: Record<string, unknown>) => states.push(s),
    publish: () => {},
    error: (code: string, message: string) => errors.push({ code, message }),
  });
  const until = async (test: () => boolean, what: string) => {
    for (let i = 0; i < 500 && !test(); i++) await new Promise((r) => setTimeout(r, 20));
    if (!test()) throw new Error(`never: ${what}; events ${JSON.stringify(events)}`);
  };
  await until(() => states.some((s) => s.online === true), 'online');
  return { events, states, errors, until };
}
