// A modem (or line noise) announcing the same new message thousands of times: the driver reads each SIM index once
// at a time, so the next OTP is not queued behind thousands of reads (attack review of issue #12).
import { afterAll, expect, it } from 'vitest';
import { SerialGsmModem } from './serial.ts';
import { SerialLink } from '../serial/link.ts';
import { openPtyPair } from '../serial/pty.ts';
import { startDriver } from '../serial/testing.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

it('a burst of 500 +CMTI for one index costs one read, and the OTP after it goes out at once', async () => {
  const pair = await openPtyPair();
  cleanups.push(() => pair.close());
  const modem = new SerialLink({ path: pair.b, baudRate: 115200 });
  await new Promise<void>((r) => {
    modem.once('up', () => r());
    modem.start();
  });
  cleanups.push(() => modem.close());
  let [buf, reads] = ['', 0];
  const say = (s: string) => void modem.write(Buffer.from(s, 'latin1'));
  modem.on('data', (d) => {
    buf += d.toString('latin1');
    let i;
    while ((i = buf.search(/[\r\x1a]/)) >= 0) {
      const [line, end] = [buf.slice(0, i).replace(/^[\x1b\n]+/, ''), buf[i]];
      buf = buf.slice(i + 1);
      if (end === '\x1a') say('\r\n+CMGS: 9\r\n\r\nOK\r\n');
      else if (/^AT\+CMGS/.test(line)) say('\r\n> ');
      else if (line === 'AT+CPIN?') say('\r\n+CPIN: READY\r\n\r\nOK\r\n');
      else if (line === 'AT+CREG?') say('\r\n+CREG: 1,1\r\n\r\nOK\r\n');
      else if (line === 'AT+CSQ') say('\r\n+CSQ: 20,0\r\n\r\nOK\r\n');
      else if (/^AT\+CMGR/.test(line)) {
        reads += 1;
        // Slow to answer, as a modem reading its SIM is.
        setTimeout(() => say('\r\nOK\r\n'), 200);
      } else if (line) say('\r\nOK\r\n');
    }
  });
  const driver = new SerialGsmModem({ path: pair.a, baudRate: 115200 }, { msisdn: '+260970000000', sendTimeoutMs: 5000, pollMs: 60_000 });
  cleanups.unshift(() => driver.stop());
  const run = await startDriver(driver);
  await modem.write(Buffer.from('\r\n+CMTI: "SM",1\r\n'.repeat(500)));
  await new Promise((r) => setTimeout(r, 300));
  void driver.command({ name: 'send', payload: { to: '+260971000001', text: 'Your code is 493817', ref: 'otp-1' } } as never);
  await run.until(() => run.events.some((e) => e.payload.ref === 'otp-1'), 'the OTP sent');
  expect(run.events.find((e) => e.payload.ref === 'otp-1')?.name).toBe('sent');
  expect(reads).toBeLessThan(10);
}, 30_000);
