/**
 * The serial ports of this machine. serialport's own listing spawns `udevadm`, which containers and minimal
 * systems often lack (it then fails asynchronously); when it does, fall back to the stable names udev makes in
 * /dev/serial/by-id and to the usual device nodes. Never throws.
 */
import { readdir, realpath } from 'node:fs/promises';

export interface PortInfo {
  path: string;
  /** Where the listing came from. */
  source: 'serialport' | 'by-id' | 'dev';
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
  /** The stable /dev/serial/by-id name, when there is one. */
  byId?: string;
}

export async function listPorts(): Promise<{ ports: PortInfo[]; note?: string }> {
  let note: string | undefined;
  const byId = new Map<string, string>();
  try {
    for (const name of await readdir('/dev/serial/by-id'))
      byId.set(await realpath(`/dev/serial/by-id/${name}`), `/dev/serial/by-id/${name}`);
  } catch {
    // no udev names on this machine
  }
  try {
    const listed = await Promise.race([
      import('serialport').then(({ SerialPort }) => SerialPort.list()),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('serialport listing timed out')), 3000)),
    ]);
    if (listed.length > 0) {
      return {
        ports: listed.map((p) => ({
          path: p.path,
          source: 'serialport' as const,
          manufacturer: p.manufacturer,
          serialNumber: p.serialNumber,
          vendorId: p.vendorId,
          productId: p.productId,
          byId: byId.get(p.path),
        })),
      };
    }
  } catch (err) {
    note = `serialport could not list ports (${(err as Error).message}); listed from /dev instead`;
  }
  const dev = await readdir('/dev').catch(() => [] as string[]);
  const nodes = dev.filter((n) => /^tty(USB|ACM|AMA|S)\d+$/.test(n)).map((n) => `/dev/${n}`);
  const ports: PortInfo[] = [
    ...[...byId].map(([path, id]) => ({ path, source: 'by-id' as const, byId: id })),
    ...nodes.filter((n) => !byId.has(n)).map((path) => ({ path, source: 'dev' as const })),
  ];
  return { ports, note };
}
