// AtHost (our driver's AT layer) against byte streams a SIM800 can produce (SIM800 Series AT Command Manual V1.09;
// shared/reference/sim800-sms.md §1, §4) and against the emulator, in memory and on a manual clock.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.ts';
import { Sim800Emulator } from './emulator.ts';
import { AtError, AtHost, AtTimeout } from './host.ts';
import { memoryPair, settle } from './testing.ts';

function rawModem() {
  const { host: hostPort, device } = memoryPair();
  const clock = new ManualClock();
  const host = new AtHost(hostPort, { clock });
  const urcs: string[] = [];
  host.onUnsolicited = (line, body) => urcs.push(body === undefined ? line : `${line} | ${body}`);
  const heard: string[] = [];
  device.on('data', (d: Buffer) => heard.push(d.toString('latin1')));
  const say = (s: string) => device.write(Buffer.from(s, 'latin1'));
  return { host, clock, urcs, heard, say };
}

describe('AtHost', () => {
  it('takes URCs out of an answer, keeps lines that answer the command, and reads +CMT with its body', async () => {
    const { host, urcs, say } = rawModem();
    const csq = host.command('AT+CSQ');
    await settle();
    await say('\r\n+CMTI: "SM",3\r\n\r\n+CREG: 1\r\n\r\n+CSQ: 20,0\r\n');
    await say('\r\n+CMT: "+260971000002","","26/01/01,11:00:00+08"\r\nHI\r\n\r\nOK\r\n');
    expect(await csq).toEqual(['+CSQ: 20,0']);
    const creg = host.command('AT+CREG?');
    await settle();
    await say('AT+CREG?\r\r\n+CREG: 1,1\r\n\r\nOK\r\n'); // echo, then the answer that looks like the URC
    expect(await creg).toEqual(['+CREG: 1,1']);
    expect(urcs).toEqual(['+CMTI: "SM",3', '+CREG: 1', '+CMT: "+260971000002","","26/01/01,11:00:00+08" | HI']);
  });

  it('writes the SMS text only at the "> " prompt, then reads +CMGS: <mr>', async () => {
    const { host, heard, say } = rawModem();
    const sent = host.sendSms('+260971000001', 'code 123456');
    await settle();
    expect(heard.join('')).toBe('AT+CMGS="+260971000001"\r');
    await say('\r\n> ');
    await settle();
    expect(heard.join('')).toBe('AT+CMGS="+260971000001"\rcode 123456\x1a');
    await say('\r\n+CMGS: 7\r\n\r\nOK\r\n');
    expect(await sent).toBe(7);
    const refused = host.sendSms('+260971000001', 'x');
    await settle();
    await say('\r\n+CMS ERROR: 331\r\n');
    await expect(refused).rejects.toSatisfy((e: AtError) => e.cmsError === 331);
  });

  it('after a modem hang: the hung SMS times out, the one queued behind it is refused unsent (stale), a later one goes out', async () => {
    // The bug: sendSms waited a fixed 60 s per SMS on its queue, so an OTP queued behind a hang went out a minute late.
    const { host: hostPort, device } = memoryPair();
    const clock = new ManualClock();
    const delivered: string[] = [];
    const modem = new Sim800Emulator(device, { clock, deliveryDelayMs: 0, deliver: (_to, text) => delivered.push(text) });
    const host = new AtHost(hostPort, { clock });
    await host.command('ATE0');
    await host.command('AT+CMGF=1');
    modem.fault = { mode: 'hang' };
    const first = host.sendSms('+260971000001', 'OTP 111111', 30_000);
    const second = host.sendSms('+260971000001', 'OTP 222222', 30_000);
    const firstFailed = expect(first).rejects.toBeInstanceOf(AtTimeout);
    const secondFailed = expect(second).rejects.toThrow(/not sent: it waited too long/);
    await settle();
    clock.advance(30_000);
    await firstFailed;
    await secondFailed;
    modem.fault = { mode: 'none' };
    const third = host.sendSms('+260971000001', 'OTP 333333', 30_000);
    await settle(20);
    clock.advance(0);
    expect(await third).toBe(1);
    expect(delivered).toEqual(['OTP 333333']);
    expect(hostPort.written.map(String).join('')).not.toContain('222222');
  });

  it('gives up on a silent modem within its timeout, and recovers when it answers again', async () => {
    const { host, clock, say } = rawModem();
    const silent = host.command('AT', 1000);
    const failed = expect(silent).rejects.toBeInstanceOf(AtTimeout);
    await settle();
    clock.advance(1000);
    await failed;
    const next = host.command('AT+CSQ');
    await settle();
    await say('\r\nOK\r\n'); // the resync AT
    await settle();
    await say('\r\n+CSQ: 5,0\r\n\r\nOK\r\n');
    expect(await next).toEqual(['+CSQ: 5,0']);
  });
});
