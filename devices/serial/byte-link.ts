/**
 * What a protocol emulator or host needs of a port: bytes in, bytes out. A SerialLink is one; so is the in-memory
 * pair fuzz tests drive thousands of byte streams through (devices/serial/memory-link.ts).
 */
export interface ByteLink {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  write(bytes: Buffer): Promise<void>;
}

/** Wall time for inter-byte timeouts: serial bytes arrive in real time, whatever the rig's clock says. */
export const wallNow = () => performance.now();
