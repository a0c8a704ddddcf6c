// The network behind the emulator and its storage: the rig's GSM faults (devices/gsm/fault.ts) on a SIM800 send,
// and AT+CMGD's delete flags (27.005 §3.5.4: 0 the index, 1 read, 2 read and sent, 3 read, sent and unsent, 4 all).
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.ts';
import { Sim800Emulator } from './emulator.ts';
import { SmsStore } from './store.ts';
import { memoryPair, settle } from './testing.ts';

async function modem() {
  const { host, device } = memoryPair();
  const clock = new ManualClock();
  const delivered: string[] = [];
  const m = new Sim800Emulator(device, { clock, deliveryDelayMs: 2000, deliver: (_to, text) => delivered.push(text) });
  let heard = '';
  host.on('data', (d: Buffer) => (heard += d.toString('latin1')));
  const send = async (text: string) => {
    heard = '';
    await host.write(Buffer.from(`AT+CMGS="+260971000001"\r${text}\x1a`));
    await settle();
    return heard.replace('\r\n> ', '');
  };
  await host.write(Buffer.from('ATE0\rAT+CMGF=1\r'));
  await settle();
  return { m, clock, delivered, send };
}

describe('the network behind the SIM800 emulator', () => {
  it('delivers after the delay, plus a delay fault; drops; refuses; hangs', async () => {
    const { m, clock, delivered, send } = await modem();
    expect(await send('one')).toBe('\r\n+CMGS: 1\r\n\r\nOK\r\n');
    clock.advance(1999);
    expect(delivered).toEqual([]);
    clock.advance(1);
    expect(delivered).toEqual(['one']);
    m.fault = { mode: 'delay', ms: 60_000 };
    await send('two');
    clock.advance(61_999);
    expect(delivered).toEqual(['one']);
    clock.advance(1);
    expect(delivered).toEqual(['one', 'two']);
    m.fault = { mode: 'drop' };
    expect(await send('three')).toBe('\r\n+CMGS: 3\r\n\r\nOK\r\n');
    m.fault = { mode: 'error', cmsError: 42 };
    expect(await send('four')).toBe('\r\n+CMS ERROR: 42\r\n');
    m.fault = { mode: 'hang' };
    expect(await send('five')).toBe('');
    m.fault = { mode: 'none' };
    m.registered = false;
    expect(await send('six')).toBe('\r\n+CMS ERROR: 331\r\n');
    clock.advance(100_000);
    expect(delivered).toEqual(['one', 'two']);
  });
});

describe('SMS storage', () => {
  it('deletes by flag', () => {
    const pdu = { pdu: Buffer.alloc(0), tpduOctets: 0 };
    const fill = () => {
      const s = new SmsStore(4);
      for (const stat of [0, 1, 2, 3] as const) s.add({ stat, ...pdu });
      return s;
    };
    const left = (flag: number, index = 1) => {
      const s = fill();
      s.delete(index, flag);
      return s.list(4).map(([i, m]) => `${i}:${m.stat}`);
    };
    expect(left(0, 3)).toEqual(['1:0', '2:1', '4:3']);
    expect(left(1)).toEqual(['1:0', '3:2', '4:3']);
    expect(left(2)).toEqual(['1:0', '3:2']);
    expect(left(3)).toEqual(['1:0']);
    expect(left(4)).toEqual([]);
    const full = fill();
    expect(full.add({ stat: 0, ...pdu })).toBeUndefined();
  });
});
