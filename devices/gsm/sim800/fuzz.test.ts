// Hostile input (fast-check): arbitrary byte streams, in arbitrary chunks, into the SIM800 emulator and into our
// AtHost. Neither throws, neither stops answering, and neither keeps more than a bounded amount of what it was sent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.ts';
import { Sim800Emulator } from './emulator.ts';
import { AtHost, AtError } from './host.ts';
import { memoryPair, settle } from './testing.ts';

/** Bytes with plenty of the ones that matter (A, T, CR, LF, Ctrl-Z, ESC, quotes, +, ;, =, ?, hex digits). */
const atBytes = fc.array(
  fc.oneof(
    fc.integer({ min: 0, max: 255 }),
    fc.constantFrom(...Buffer.from('ATat\r\n\x1a\x1b";+=?,0123456789ABCDEF> ')),
    fc.constantFrom(
      ...['AT+CMGS=23\r', 'AT+CMGF=0\r', 'AT+CMGF=1\r', 'AT+CMGS="+2601"\r', 'ATE1\r', 'AT+CMGL=4\r', 'AT+CMGR=1\r'].map((s) =>
        Buffer.from(s),
      ),
    ),
  ),
  { maxLength: 300 },
);
const flat = (parts: (number | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : p)));

describe('SIM800 under hostile input', () => {
  it('the emulator: any bytes, then ESC and a CR, and it still answers AT with OK', async () => {
    await fc.assert(
      fc.asyncProperty(atBytes, fc.array(fc.nat(300), { maxLength: 8 }), async (parts, cuts) => {
        const { host, device } = memoryPair();
        const clock = new ManualClock();
        const modem = new Sim800Emulator(device, { clock, deliveryDelayMs: 10, deliver: () => {} });
        modem.receive('+260971000002', 'BALANCE');
        const data = flat(parts);
        let at = 0;
        for (const cut of [...cuts.sort((a, b) => a - b), data.length]) {
          device.emit('data', data.subarray(at, Math.max(at, cut)));
          at = Math.max(at, cut);
        }
        clock.advance(100);
        let heard = '';
        host.on('data', (d: Buffer) => (heard += d.toString('latin1')));
        await settle();
        heard = '';
        device.emit('data', Buffer.from('\x1b\rATE0V1Q0\rAT\r'));
        await settle();
        expect(heard.endsWith('\r\nOK\r\n')).toBe(true);
      }),
      { numRuns: 300, seed: 21 },
    );
  });

  it('the emulator: 8 MiB without a line end is answered ERROR and not kept', async () => {
    const { host, device } = memoryPair();
    const modem = new Sim800Emulator(device, { clock: new ManualClock(), deliveryDelayMs: 0, deliver: () => {} });
    modem.settings.echo = false;
    let heard = '';
    host.on('data', (d: Buffer) => (heard += d.toString('latin1')));
    const before = process.memoryUsage().heapUsed;
    const chunk = Buffer.alloc(64 * 1024, 'A');
    device.emit('data', Buffer.from('AT'));
    for (let i = 0; i < 128; i++) device.emit('data', chunk);
    const grown = process.memoryUsage().heapUsed - before;
    device.emit('data', Buffer.from('\rAT+CMGF=1\rAT+CMGS="+260971000001"\r'));
    for (let i = 0; i < 128; i++) device.emit('data', chunk); // and 8 MiB of SMS text
    device.emit('data', Buffer.from('\x1a'));
    await settle();
    expect(heard).toBe('\r\nERROR\r\n\r\nOK\r\n\r\n> \r\n+CMS ERROR: 513\r\n');
    expect(grown).toBeLessThan(32 * 1024 * 1024);
  });

  it('AtHost: any bytes from the modem while commands wait; every command settles by its timeout, nothing throws', async () => {
    await fc.assert(
      fc.asyncProperty(atBytes, async (parts) => {
        const { host: hostPort, device } = memoryPair();
        const clock = new ManualClock();
        const host = new AtHost(hostPort, { clock });
        host.onUnsolicited = () => {};
        const results = [host.command('AT+CSQ', 1000), host.sendSms('+260971000001', 'x', 2000), host.command('AT', 1000)].map((p) =>
          p.then(
            () => 'ok',
            (e: unknown) => (e instanceof AtError ? 'error' : 'other'),
          ),
        );
        await device.write(flat(parts));
        for (let i = 0; i < 20; i++) {
          await settle(2);
          clock.advance(1000);
        }
        for (const r of await Promise.all(results)) expect(r === 'ok' || r === 'error').toBe(true);
      }),
      { numRuns: 200, seed: 22 },
    );
  });
});
