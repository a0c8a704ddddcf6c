/** For tests: two AtPorts joined in memory, as a null-modem cable is. Bytes arrive on a later macrotask, in order,
 *  in the chunks they were written in (or split where a test says). */
import { EventEmitter } from 'node:events';
import type { AtPort } from './port.ts';

class MemoryPort extends EventEmitter<{ data: [Buffer] }> implements AtPort {
  peer?: MemoryPort;
  /** Everything this end has written, for exact-bytes assertions. */
  written: Buffer[] = [];
  closed = false;

  write(bytes: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new Error('port closed'));
    this.written.push(Buffer.from(bytes));
    const peer = this.peer!;
    setImmediate(() => peer.emit('data', Buffer.from(bytes)));
    return Promise.resolve();
  }
}

export function memoryPair(): { host: MemoryPort; device: MemoryPort } {
  const host = new MemoryPort();
  const device = new MemoryPort();
  host.peer = device;
  device.peer = host;
  return { host, device };
}

/** Let every pending byte arrive and every answer be written (a few macrotask turns). */
export async function settle(turns = 6): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
