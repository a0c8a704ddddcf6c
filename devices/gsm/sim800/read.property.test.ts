// Whatever text reaches the emulated SIM800, our AT host reads it back exactly (fast-check): stored and announced
// with +CMTI, read with AT+CMGR in PDU mode, or in text mode with AT+CSDH=1 (GSM texts without line breaks or
// form feeds: text mode splits a body at them), split into parts and put together again. Forms per 27.005 §3.4.3 / §3.1.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.ts';
import { Sim800Emulator } from './emulator.ts';
import { AtHost } from './host.ts';
import { GSM7_BASIC_CHARS, GSM7_EXTENSION_CHARS, Reassembler } from './pdu/index.ts';
import { readSms } from './sms-read.ts';
import { memoryPair, settle } from './testing.ts';

// No CR, LF or form feed (ESC LF in the GSM set): in text mode they break the body into lines.
const gsm = fc
  .array(fc.constantFrom(...GSM7_BASIC_CHARS.filter((c) => c !== '\r' && c !== '\n'), ...GSM7_EXTENSION_CHARS.filter((c) => c !== '\f')), {
    minLength: 1,
    maxLength: 400,
  })
  .map((a) => a.join(''));
const bmp = fc
  .array(
    fc.integer({ min: 0x20, max: 0xffff }).filter((c) => c < 0xd800 || c > 0xdfff),
    { minLength: 1, maxLength: 200 },
  )
  .map((a) => String.fromCharCode(...a));

describe('reading back what the emulator received', () => {
  it('in PDU mode and in text mode, any text, any length', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(gsm, bmp), fc.boolean(), async (text, textMode) => {
        const { host: hostPort, device } = memoryPair();
        const modem = new Sim800Emulator(device, { clock: new ManualClock(), deliveryDelayMs: 0, deliver: () => {} });
        const host = new AtHost(hostPort, { clock: new ManualClock() });
        const indexes: number[] = [];
        host.onUnsolicited = (line) => void indexes.push(Number(/^\+CMTI: "SM",(\d+)$/.exec(line)?.[1]));
        await host.command(`ATE0;+CMGF=${textMode ? 1 : 0};+CSCS="GSM";+CSDH=1`);
        modem.receive('+260971000002', text);
        await settle();
        const parts = new Reassembler();
        let whole: string | undefined;
        for (const i of indexes) {
          const [header, ...body] = await host.command(`AT+CMGR=${i}`);
          const sms = readSms(header!, body.join('\n'))!;
          expect(sms.from).toBe('+260971000002');
          whole = parts.add(sms.from, sms.text, sms.concat) ?? whole;
        }
        expect(whole).toBe(text);
      }),
      // 161 characters: a last part of 8, 15 septets with its header, 7 spare bits (the CR padding of TS 23.038 §6.1.2.3.1).
      {
        numRuns: 150,
        seed: 31,
        examples: [
          ['x'.repeat(161), true],
          ['x'.repeat(161), false],
        ],
      },
    );
  });
});
