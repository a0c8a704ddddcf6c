/**
 * Two ByteLinks joined in memory, for property tests that push thousands of byte streams through an emulator or a
 * driver: what one side writes arrives at the other on the next tick, as on a port. No pty, so a fuzz run costs
 * milliseconds; the pty tests cover the real port.
 */
import { EventEmitter } from 'node:events';
import type { ByteLink } from './byte-link.ts';

export class MemoryLink extends EventEmitter<{ data: [Buffer] }> implements ByteLink {
  peer?: MemoryLink;
  /** What arrived from the peer, in order. */
  readonly received: Buffer[] = [];

  constructor() {
    super();
    this.on('data', (d) => this.received.push(d));
  }

  write(bytes: Buffer): Promise<void> {
    const copy = Buffer.from(bytes);
    return new Promise((resolve) =>
      setImmediate(() => {
        this.peer?.emit('data', copy);
        resolve();
      }),
    );
  }

  /** Everything that arrived, as one buffer, and forget it. */
  take(): Buffer {
    return Buffer.concat(this.received.splice(0));
  }
}

export function memoryPair(): { host: MemoryLink; device: MemoryLink } {
  const host = new MemoryLink();
  const device = new MemoryLink();
  host.peer = device;
  device.peer = host;
  return { host, device };
}

/** Let every write in flight land (a few turns of the event loop). */
export async function settle(turns = 8): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
