// The GSM driver (SerialGsmModem) against the SIM800 emulator over a real pty pair (socat): start-up, sending in
// text and PDU mode (a long text as concatenated parts), receiving by +CMTI, and recovery when the modem resets or
// goes silent behind a port that stays open. Commands and answers per the SIM800 Series AT Command Manual V1.09
// and 3GPP TS 27.005 (shared/reference/sim800-sms.md).
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { SerialLink } from '../serial/link.ts';
import { openPtyPair } from '../serial/pty.ts';
import { startDriver } from '../serial/testing.ts';
import { Sim800Emulator } from './sim800/emulator.ts';
import { SerialGsmModem, type SerialGsmOptions } from './serial.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function wire(options: Partial<SerialGsmOptions> = {}) {
  const pair = await openPtyPair();
  cleanups.push(() => pair.close());
  const device = new SerialLink({ path: pair.b, baudRate: 115200 });
  await new Promise<void>((r) => (device.once('up', () => r()), device.start()));
  cleanups.push(() => device.close());
  const clock = new ManualClock();
  const delivered: { to: string; text: string }[] = [];
  const emulator = () => new Sim800Emulator(device, { clock, deliveryDelayMs: 1000, deliver: (to, text) => delivered.push({ to, text }) });
  const modem = emulator();
  modem.boot();
  const driver = new SerialGsmModem({ path: pair.a, baudRate: 115200 }, { msisdn: '+260970000000', pollMs: 200, ...options });
  cleanups.push(() => driver.stop());
  const run = await startDriver(driver);
  const send = async (text: string, ref: string) => {
    await driver.command({ name: 'send', payload: { to: '+260971000001', text, ref } });
    return run.events.find((e) => e.payload.ref === ref);
  };
  return { driver, modem, emulator, device, clock, delivered, send, ...run };
}

describe('the GSM driver over a pty pair', () => {
  it('starts up per the manual and reads registration and signal', async () => {
    const { states, modem } = await wire();
    expect(states.at(-1)).toMatchObject({ online: true, link: 'up' });
    expect(states.some((s) => s.registered === true && s.signal === 20)).toBe(true);
    expect(modem.settings).toMatchObject({ echo: false, cmee: 1, textMode: true, charset: 'GSM', csdh: true, creg: 1 });
  });

  it('sends an OTP as one SMS, a 1,000-character text as 7 concatenated parts, and Cyrillic as UCS2', async () => {
    const { send, clock, delivered } = await wire();
    expect(await send('Your one-time code is 123456. It expires in 5 minutes.', 'r1')).toMatchObject({ name: 'sent', payload: { mr: 1 } });
    const long = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')}`).join('');
    expect(long).toHaveLength(800);
    const thousand = long + 'x'.repeat(200);
    expect(await send(thousand, 'r2')).toMatchObject({ name: 'sent', payload: { mr: 2 } }); // parts 2..8
    expect(await send('Ваш код 123456', 'r3')).toMatchObject({ name: 'sent', payload: { mr: 9 } });
    expect(await send('price: 10€ [ok]', 'r4')).toMatchObject({ name: 'sent', payload: { mr: 10 } }); // extension chars: PDU
    clock.advance(1000);
    expect(delivered.map((d) => d.text)).toEqual([
      'Your one-time code is 123456. It expires in 5 minutes.',
      thousand,
      'Ваш код 123456',
      'price: 10€ [ok]',
    ]);
  });

  it('reports the +CMS ERROR of a refused send (no network: 331)', async () => {
    const { send, modem } = await wire();
    modem.registered = false;
    expect(await send('x', 'r1')).toMatchObject({ name: 'failed', payload: { cmsError: 331 } });
    modem.fault = { mode: 'error', cmsError: 500 };
    modem.registered = true;
    expect(await send('x', 'r2')).toMatchObject({ name: 'failed', payload: { cmsError: 500 } });
  });

  it('after a hung send, the SMS queued behind it fails unsent, and the next one goes out', async () => {
    const { send, modem, delivered, clock } = await wire({ sendTimeoutMs: 1000 });
    modem.fault = { mode: 'hang' };
    const [hung, queued] = await Promise.all([send('Your code is 111111', 'r1'), send('Your code is 222222', 'r2')]);
    // The budget left when the send started: 1000 ms, or a millisecond less on a busy machine (seen with 4 workers).
    expect(hung).toMatchObject({
      name: 'failed',
      payload: { cmsError: 500, message: expect.stringMatching(/^AT\+CMGS: no answer within (999|1000) ms$/) },
    });
    expect(queued).toMatchObject({ name: 'failed', payload: { message: 'AT+CMGS: not sent: it waited too long behind an earlier text' } });
    modem.fault = { mode: 'none' };
    expect(await send('Your code is 333333', 'r3')).toMatchObject({ name: 'sent' });
    clock.advance(1000);
    expect(delivered.map((d) => d.text)).toEqual(['Your code is 333333']);
  });

  it('receives by +CMTI: reads with AT+CMGR in PDU mode, deletes, puts a 3-part text together', async () => {
    const { modem, events, until } = await wire();
    modem.receive('+260971000002', 'BALANCE @ £5_\r\nline 2\n\nline 4');
    await until(() => events.some((e) => e.name === 'received'), 'the SMS');
    expect(events.find((e) => e.name === 'received')!.payload).toEqual({
      from: '+260971000002',
      text: 'BALANCE @ £5_\r\nline 2\n\nline 4',
    });
    const long = 'abcdefghij'.repeat(40);
    modem.receive('+260971000003', long);
    await until(() => events.filter((e) => e.name === 'received').length === 2, 'the long SMS');
    expect(events.filter((e) => e.name === 'received')[1]!.payload).toEqual({ from: '+260971000003', text: long });
    await until(() => modem.store.used === 0 && modem.settings.textMode, 'the read messages deleted, text mode again');
  });

  it('a modem reset behind the open port (a new emulator, RDY): offline with the reason, started up again, sends', async () => {
    const { modem, emulator, states, until, send } = await wire();
    modem.detach();
    const fresh = emulator();
    fresh.boot(); // echo on, text mode off: all undone
    await until(() => states.some((s) => s.online === false && s.reason === 'the modem restarted'), 'offline');
    await until(() => states.at(-1)?.online === true, 'online again');
    expect(fresh.settings).toMatchObject({ echo: false, textMode: true });
    expect(await send('Your code is 654321', 'after')).toMatchObject({ name: 'sent', payload: { mr: 1 } });
  });

  it('a modem gone silent: offline after two unanswered polls, back when it answers again', async () => {
    const { modem, states, send } = await wire();
    const until = async (test: () => boolean, what: string) => {
      for (let i = 0; i < 500 && !test(); i++) await new Promise((r) => setTimeout(r, 20));
      if (!test()) throw new Error(`never: ${what}`);
    };
    modem.powerOff();
    await until(() => states.some((s) => s.online === false && s.reason === 'the modem stopped answering'), 'offline');
    modem.boot();
    await until(() => states.at(-1)?.online === true, 'online again');
    expect(await send('Your code is 111111', 'after')).toMatchObject({ name: 'sent' });
  });
});

describe('a GSM modem that keeps failing', () => {
  it('is offline with its reason, and its state changes only when the reason does', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const clock = new ManualClock();
    const driver = new SerialGsmModem(
      { path: pair.a, baudRate: 115200 },
      { msisdn: '+260970000000', clock, maxFailures: 3, slowRetryMs: 60_000 },
    );
    cleanups.push(() => driver.stop());
    const states: Record<string, unknown>[] = [];
    driver.start({ setState: (s: Record<string, unknown>) => states.push(s) } as never);
    // Nothing answers: 12 minutes of start-up attempts on the driver's clock.
    for (let i = 0; i < 1500 && clock.now() < Date.UTC(2026, 0, 1, 9, 12); i++) {
      await new Promise((r) => setTimeout(r, 2));
      clock.advance(500);
    }
    const reasons = states.map((s) => s.reason).filter(Boolean);
    expect(reasons).toEqual(['no answer to AT', 'no answer to AT; 3 start-ups failed, retrying every 60 s']);
    expect(states.length).toBeLessThanOrEqual(4);
  });
});
