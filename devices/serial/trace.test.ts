// The serial trace names each protocol's frames and masks what must not reach a report: a typed key, an SMS body
// (an OTP), a template, the module password, phone and card numbers.
import { describe, expect, it } from 'vitest';
import { atDecoder } from '../gsm/sim800/trace.ts';
import { lcdmDecoder } from '../dispenser/lcdm/trace.ts';
import { command as lcdmCommand, response as lcdmResponse } from '../dispenser/lcdm/frame.ts';
import { zfmDecoder } from '../fingerprint/zfm/trace.ts';
import { command as zfmCommand, encodePacket, INSTRUCTION, PID } from '../fingerprint/zfm/packet.ts';
import { kplDecoder } from '../kpl/trace.ts';
import { escPosDecoder } from '../printer/trace.ts';
import { encodeReceipt } from '../printer/escpos.ts';
import { memoryPair, settle } from './memory-link.ts';
import { traceLink, type WireDecoder } from './trace.ts';

const texts = (d: WireDecoder, ...steps: ['>' | '<', Buffer | string][]) =>
  steps.flatMap(([dir, b]) => d(dir, typeof b === 'string' ? Buffer.from(b, 'latin1') : b).map((f) => f.text));

describe('serial trace decoders', () => {
  it('ZFM: instructions and confirmation codes by name; password and template bytes never shown', () => {
    const d = zfmDecoder();
    const frames = [
      ...d('>', zfmCommand(INSTRUCTION.VfyPwd, 0x12, 0x34, 0x56, 0x78)),
      ...d('>', zfmCommand(INSTRUCTION.Img2Tz, 1)),
      ...d('<', encodePacket(PID.ack, Uint8Array.from([0x02]))),
      ...d('<', encodePacket(PID.end, Buffer.alloc(128, 0xab))),
    ];
    expect(frames.map((f) => f.text)).toEqual([
      'ZFM VfyPwd(****)',
      'ZFM Img2Tz(buffer 1)',
      'ZFM ack noFinger',
      'ZFM last data (128 bytes of template)',
    ]);
    expect(frames[0]!.bytes).toBeUndefined();
    expect(frames[3]!.bytes).toBeUndefined();
    expect(frames[1]!.bytes?.toString('hex')).toBe('010201');
    expect(d('>', zfmCommand(INSTRUCTION.Search, 1, 0, 0, 0x03, 0xe8))[0]!.text).toBe('ZFM Search(buffer 1, pages 0+1000)');
    expect(d('>', zfmCommand(INSTRUCTION.LoadChar, 2, 0x01, 0x02))[0]!.text).toBe('ZFM LoadChar(buffer 2, page 258)');
  });

  it('LCDM: commands and answers by name', () => {
    const d = lcdmDecoder();
    expect(
      texts(
        d,
        ['>', lcdmCommand(0x45, Buffer.from('05'))],
        ['<', Buffer.from([0x06])],
        ['<', lcdmResponse(0x45, Buffer.from('0505000' + '0'))],
      ),
    ).toEqual(['LCDM upper 05', 'LCDM ACK', 'LCDM upper answer: picked 05 out 05 good rejected 00']);
  });

  it('AT: commands and results, the SMS body and its echo masked, numbers masked', () => {
    const d = atDecoder();
    const lines = texts(
      d,
      ['>', 'AT+CMGS="+260971000001"\r'],
      ['<', 'AT+CMGS="+260971000001"\r\n\r\n> '],
      ['>', 'Your code is 493817\x1a'],
      ['<', 'Your code is 493817\r\n+CMGS: 17\r\n\r\nOK\r\n'],
      ['<', '\r\n+CMTI: "SM",1\r\n'],
      ['>', 'AT+CMGR=1\r'],
      ['<', '\r\n+CMGR: "REC UNREAD","+260971000002","","26/11/25,21:00:00+08"\r\nsecret 1234\r\n\r\nOK\r\n'],
    );
    expect(lines.join('\n')).not.toMatch(/493817|1234|971000001|971000002/);
    expect(lines).toContain('AT > (SMS body, 19 characters, masked) ^Z');
    expect(lines).toContain('AT < +CMGS: 17');
    expect(lines).toContain('AT < (SMS text, 11 characters, masked)');
    expect(lines).toContain('AT < > (prompt)');
  });

  it('KPL: keys that could be a PIN digit are masked, ENTER is not', () => {
    expect(texts(kplDecoder(), ['<', 'K 4\nK ENTER\n'], ['>', 'L 0 Enter PIN\n'])).toEqual(['KPL K *', 'KPL K ENTER', 'KPL L 0 Enter PIN']);
  });

  it('ESC/POS: receipt lines with card numbers masked', () => {
    const lines = texts(escPosDecoder(), ['>', encodeReceipt(['Card 4000123412341234', 'Amount 200.00'])]);
    expect(lines).toContain('ESC/POS "Card ************1234"');
    expect(lines.join('\n')).not.toContain('4000123412341234');
  });

  it('traces both ways on a link, timed on the tracer clock', async () => {
    const { host, device } = memoryPair();
    const lines: string[] = [];
    let now = 0;
    traceLink(host, 'atm-1 fingerprint', zfmDecoder(), { now: () => now, line: (l) => lines.push(l) });
    now = 1234;
    await host.write(zfmCommand(INSTRUCTION.GenImg));
    now = 1300;
    await device.write(encodePacket(PID.ack, Uint8Array.from([0])));
    await settle();
    expect(lines).toEqual(['+1.234s atm-1 fingerprint > 0101  ZFM GenImg', '+1.300s atm-1 fingerprint < 0700  ZFM ack ok']);
  });
});

describe('serial trace of a polled module', () => {
  it('folds a four-line exchange too (a dispenser asked its status while notes wait), and shows a broken repeat whole', async () => {
    const { RepeatFolder } = await import('./repeats.ts');
    const out: string[] = [];
    const folder = new RepeatFolder((l) => out.push(l));
    const cycle = ['> 46  LCDM status', '< 06  LCDM ACK', '< LCDM status answer: good', '> 06  LCDM ACK'];
    for (let i = 0; i < 5; i++) for (const l of cycle) folder.push(l, l, 't');
    for (const l of cycle.slice(0, 2)) folder.push(l, l, 't'); // a sixth that breaks off
    folder.push('< LCDM status answer: jamExit', '< LCDM status answer: jamExit', 't');
    expect(out).toEqual([...cycle, 't   (the 4 lines above, 4 more times)', ...cycle.slice(0, 2), '< LCDM status answer: jamExit']);
  });

  it('shows a repeating request and answer once, then how many more times', async () => {
    const { host, device } = memoryPair();
    const lines: string[] = [];
    traceLink(host, 'fp', zfmDecoder(), { now: () => 0, line: (l) => lines.push(l) });
    const exchange = async (code: number) => {
      await host.write(zfmCommand(INSTRUCTION.GenImg));
      await device.write(encodePacket(PID.ack, Uint8Array.from([code])));
      await settle();
    };
    for (const code of [2, 2, 2, 2, 0]) await exchange(code);
    expect(lines.map((l) => l.replace(/^\+0\.000s fp /, ''))).toEqual([
      '> 0101  ZFM GenImg',
      '< 0702  ZFM ack noFinger',
      '  (the 2 lines above, 3 more times)',
      '> 0101  ZFM GenImg',
      '< 0700  ZFM ack ok',
    ]);
  });
});

describe('masking in the trace', () => {
  it('numbers typed with spaces or dashes keep only their last four digits; LCD lines are masked too', async () => {
    const { maskNumbers } = await import('./trace.ts');
    expect(maskNumbers('call +260 97 100 0001 now')).toBe('call +*** ** *** 0001 now');
    expect(maskNumbers('card 4000-0012-3456-7899')).toBe('card ****-****-****-7899');
    expect(maskNumbers('at 12:30, 2026')).toBe('at 12:30, 2026');
    expect(texts(kplDecoder(), ['>', 'L 1 To 1000000202\n'], ['<', 'K FDKA\n'])).toEqual(['KPL L 1 To ******0202', 'KPL K FDKA']);
  });
});

describe('AT trace against attempts to leak an SMS', () => {
  const leaks = (lines: string[]) => lines.join('\n').match(/493817/);
  it('masks every line of a text-mode message, not only the first, up to the final result', () => {
    const lines = texts(
      atDecoder(),
      ['>', 'AT+CMGR=1\r'],
      ['<', '\r\n+CMGR: "REC UNREAD","+260971000002","","26/11/25,21:00:00+08"\r\nYour code:\n493817\r\n\r\nOK\r\n'],
      ['<', '\r\n+CMT: "+260971000002","","26/11/25,21:00:00+08"\r\nline one\r493817\r\n'],
      ['>', 'AT+CMGL="ALL"\r'],
      [
        '<',
        '+CMGL: 1,"REC READ","+260971000002","","26/11/25,21:00:00+08"\r\n\r\n+CMGL: 2,"REC READ","+260971000002","",""\r\n493817\r\nOK\r\n',
      ],
    );
    expect(leaks(lines)).toBeNull();
    expect(lines).toContain('AT < OK');
  });

  it('a send refused before its prompt does not swallow the commands after it; a chained or repeated send is masked', () => {
    const lines = texts(
      atDecoder(),
      ['>', 'AT+CMGS="+260971000001"\r'],
      ['<', '\r\n+CMS ERROR: 331\r\n'],
      ['>', 'AT+CREG?\r'],
      ['<', '\r\n+CREG: 0,1\r\n\r\nOK\r\n'],
      ['>', 'xxAT+CMEE=1;+CMGS="+260971000001"\r'],
      ['<', 'xxAT+CMEE=1;+CMGS="+260971000001"\r\r\n> '],
      ['>', 'Your code is 493817\x1a'],
      ['<', 'Your code is 493817\r\n+CMGS: 4\r\n\r\nOK\r\n'],
      ['>', 'A/\r'],
      ['<', '\r\n> '],
      ['>', 'Your code is 493817\x1a'],
    );
    expect(leaks(lines)).toBeNull();
    expect(lines).toContain('AT > AT+CREG?');
    expect(lines.filter((l) => l.startsWith('AT > (SMS body'))).toHaveLength(2);
  });
});
