// Issue 10 item 15 as a user meets it: a busy WebSocket port. `up` names the option and exits 1 without a stack
// trace; `demo` falls back to free ports, as the README says.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('./bin.js', import.meta.url));
const server = createServer();
let busy = 0;
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  busy = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((r) => server.close(r)));

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

const FAST = ['--mqtt-port', '0', '--bank-port', '0', '--data', ':memory:', '--hash-cost', '10'];

describe('a busy --ws-port', () => {
  it('atm-rig up names the option and exits 1, without a stack trace', async () => {
    const { code, out } = await run(['up', '--plain', ...FAST, '--ws-port', String(busy)]);
    expect(code).toBe(1);
    expect(out).toContain(`atm-rig: port ${busy} (--ws-port / broker.wsPort) is already in use`);
    expect(out).not.toMatch(/Unhandled 'error' event|\n\s+at /);
  });

  it('atm-rig demo --once falls back to free ports and completes', async () => {
    const { code, out } = await run(['demo', '--once', ...FAST, '--ws-port', String(busy)]);
    expect(out).toContain('using free ports instead');
    expect(out).toMatch(/✔ Session completed/);
    expect(code).toBe(0);
  }, 60_000);
});
