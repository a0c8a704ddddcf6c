// `traceSerial` (--trace-serial FILE): a rig with its fingerprint sensor on a pty, a ZFM emulator at the other end,
// writes the port's traffic to the file, decoded and masked, on the rig clock.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startEmulator } from '../devices/serial/emulate.ts';
import { openPtyPair } from '../devices/serial/pty.ts';
import { startRig, type Rig } from './rig.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

it('writes every exchange with the module to the trace file, named and masked', async () => {
  const pair = await openPtyPair();
  cleanups.push(() => pair.close());
  const emulator = await startEmulator('fingerprint', pair.b, { atmId: 'atm-1' });
  cleanups.push(() => emulator.close());
  const file = join(await mkdtemp(join(tmpdir(), 'atm-rig-trace-')), 'serial.log');
  const rig: Rig = await startRig({
    clock: 'manual',
    traceSerial: file,
    broker: { port: 0, wsPort: null, hashIterations: 10 },
    bank: { port: 0, file: ':memory:', hashLogN: 4 },
    atms: [{ id: 'atm-1', devices: { fingerprint: `serial:${pair.a}@57600` } }],
  });
  cleanups.unshift(() => rig.close());
  let text = '';
  for (let i = 0; i < 100 && !/ZFM ReadSysPara[\s\S]*ack ok/.test(text); i++) {
    await new Promise((r) => setTimeout(r, 50));
    text = await readFile(file, 'utf8').catch(() => '');
  }
  expect(text).toMatch(/^\+0\.000s atm-1 fingerprint > ZFM VfyPwd\(\*\*\*\*\)$/m);
  expect(text).toMatch(/^\+0\.000s atm-1 fingerprint < 0700 {2}ZFM ack ok$/m);
  expect(text).toMatch(/> 010f {2}ZFM ReadSysPara/);
  // The banner says where the trace goes.
  const { describe: banner } = await import('./commands/shared.ts');
  expect(banner(rig).join('\n')).toContain(`serial      trace appended to ${file}; secrets masked`);
});
