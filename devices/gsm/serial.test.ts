// The SIM800 AT host against the emulator over a real pty pair. Commands and answers as in the SIM800 Series AT
// Command Manual V1.09 (+CMGS, +CMTI, +CMGR) and 3GPP TS 27.005 section 3.2.5 (+CMS ERROR codes).
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { linkedPair } from '../serial/testing.ts';
import { Sim800Emulator } from './sim800/emulator.ts';
import { AtError, AtHost } from './sim800/host.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function wire() {
  const pair = await linkedPair(115200);
  cleanups.push(() => pair.close());
  const { host: hostLink, device: modemLink } = pair;
  const clock = new ManualClock();
  const delivered: { to: string; text: string }[] = [];
  const modem = new Sim800Emulator(modemLink, { clock, deliveryDelayMs: 3000, deliver: (to, text) => delivered.push({ to, text }) });
  const host = new AtHost(hostLink);
  const unsolicited: string[] = [];
  host.onUnsolicited = (l) => unsolicited.push(l);
  return { host, modem, clock, delivered, unsolicited, hostLink };
}

describe('SIM800 over a pty pair', () => {
  it('hands shakes with echo on, then off; reads registration and signal', async () => {
    const { host, modem } = await wire();
    expect(await host.command('AT')).toEqual([]);
    expect(await host.command('ATE0')).toEqual([]);
    await host.command('AT+CMGF=1');
    expect(await host.command('AT+CREG?')).toEqual(['+CREG: 0,1']);
    expect(await host.command('AT+CSQ')).toEqual(['+CSQ: 20,0']);
    modem.registered = false;
    expect(await host.command('AT+CREG?')).toEqual(['+CREG: 0,0']);
    await expect(host.command('AT+NOSUCH')).rejects.toThrow(/ERROR/);
  });

  it('sends an SMS in text mode: prompt, text, Ctrl-Z, +CMGS: <mr>; delivered after the network delay', async () => {
    const { host, clock, delivered } = await wire();
    await host.command('ATE0');
    await host.command('AT+CMGF=1');
    expect(await host.sendSms('+260971000001', 'your one-time code is 123456.')).toBe(1);
    expect(await host.sendSms('+260971000001', 'second')).toBe(2);
    expect(delivered).toEqual([]);
    clock.advance(3000);
    expect(delivered).toEqual([
      { to: '+260971000001', text: 'your one-time code is 123456.' },
      { to: '+260971000001', text: 'second' },
    ]);
  });

  it('refuses to send without network (+CMS ERROR: 331), outside text mode (302), or when the fault says so', async () => {
    const { host, modem } = await wire();
    await host.command('ATE0');
    await expect(host.sendSms('+260971000001', 'x')).rejects.toSatisfy((e: AtError) => e.cmsError === 302);
    await host.command('AT+CMGF=1');
    modem.registered = false;
    await expect(host.sendSms('+260971000001', 'x')).rejects.toSatisfy((e: AtError) => e.cmsError === 331);
    modem.registered = true;
    modem.fault = { mode: 'error', cmsError: 500 };
    await expect(host.sendSms('+260971000001', 'x')).rejects.toSatisfy((e: AtError) => e.cmsError === 500);
  });

  it('announces an incoming SMS with +CMTI and reads it with AT+CMGR', async () => {
    const { host, modem, unsolicited } = await wire();
    await host.command('ATE0');
    await host.command('AT+CMGF=1');
    modem.receive('+260971000002', 'BALANCE');
    await new Promise((r) => setTimeout(r, 100));
    expect(unsolicited).toContain('+CMTI: "SM",1');
    expect(await host.command('AT+CMGR=1')).toEqual(['+CMGR: "REC UNREAD","+260971000002","",""', 'BALANCE']);
    await expect(host.command('AT+CMGR=9')).rejects.toSatisfy((e: AtError) => e.cmsError === 321);
  });
});
