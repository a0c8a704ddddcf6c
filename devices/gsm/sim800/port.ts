/** What an AT endpoint (the emulator or the host) needs of a serial port: bytes in, bytes out. A SerialLink is
 *  one; tests use an in-memory pair (testing.ts). */
export interface AtPort {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  off(event: 'data', listener: (data: Buffer) => void): unknown;
  write(bytes: Buffer): Promise<void>;
}
