// Reading SMS as the modem shows them, in both modes (27.005 §3.4.3; forms and captures in shared/reference/
// sim800-sms.md §4), and the driver's choice of text or PDU mode for sending.
import { describe, expect, it } from 'vitest';
import { readSms } from './sms-read.ts';
import { submitPdus, textModeBytes } from './sms-channel.ts';
import { decodeSubmit, fromHex } from './pdu/index.ts';

describe('reading an SMS', () => {
  it('text mode, CSDH=0 ([M] 20.7 example) and CSDH=1 (FONA capture, [F])', () => {
    expect(readSms('+CMGR: "REC UNREAD","+8613918186089","","02/01/30,20:40:31+00"', 'Hello', 'IRA')).toEqual({
      from: '+8613918186089',
      text: 'Hello',
    });
    expect(readSms('+CMGR: "REC READ","+4153505547","","15/11/14,08:57:42-32",145,4,0,0,"+12063130057",145,7', 'Re-sent', 'IRA')).toEqual({
      from: '+4153505547',
      text: 'Re-sent',
    });
    expect(readSms('+CMT: "+584168262667","","17/03/14,16:18:53-16"', 'Hi', 'IRA')).toEqual({ from: '+584168262667', text: 'Hi' });
  });

  it('text mode with CSDH=1: a UCS2 body and a concatenated part are hex of the user data', () => {
    expect(readSms('+CMGR: "REC READ","+2601","","26/01/01,11:00:00+08",145,4,0,8,"+2609",145,4', '4E014E50')).toEqual({
      from: '+2601',
      text: '丁乐',
    });
    expect(readSms('+CMGR: "REC READ","+2601","","26/01/01,11:00:00+08",145,64,0,8,"+2609",145,8', '0500030702014E01')).toEqual({
      from: '+2601',
      text: '丁',
      concat: { ref: 7, total: 2, seq: 1 },
    });
  });

  it('PDU mode: +CMGR: <stat>,"",<length> ([F] #56 capture) and +CMT: "",<length>', () => {
    const pdu = '0791795268721940040C9179528421334100005190705152912106F6B03BCD0E03';
    expect(readSms('+CMGR: 0,"",25', pdu)).toEqual({ from: '+972548123314', text: 'vanila' });
    expect(readSms('+CMT: "",25', pdu)).toEqual({ from: '+972548123314', text: 'vanila' });
  });

  it('is undefined, never throws, for what is not an SMS', () => {
    expect(readSms('+CMGR: 0,"",25', 'ZZ')).toBeUndefined();
    expect(readSms('+CMGR: 0,"",25', '0791')).toBeUndefined();
    expect(readSms('+CSQ: 20,0', 'x')).toBeUndefined();
  });
});

describe('sending: text mode or PDU mode', () => {
  it('text mode for one plain GSM SMS, as GSM codes; PDU mode for the rest', () => {
    expect(textModeBytes('Your code is 123456')).toBe('Your code is 123456');
    expect(textModeBytes('a@b_c')).toBe('a\x00b\x11c'); // AT+CSCS="GSM": the GSM codes
    expect(textModeBytes('x'.repeat(160))).toBeDefined();
    expect(textModeBytes('x'.repeat(161))).toBeUndefined();
    expect(textModeBytes('10€')).toBeUndefined(); // an escape would end the input
    expect(textModeBytes('Ξ')).toBeUndefined(); // 0x1A is Ctrl-Z
    expect(textModeBytes('Привет')).toBeUndefined();
  });

  it('PDU parts of at most 153 characters, numbered, with the same reference', () => {
    const pdus = submitPdus('+260971000001', 'y'.repeat(1000), 42);
    expect(pdus).toHaveLength(7);
    const decoded = pdus.map((p) => decodeSubmit(fromHex(p.hex)!));
    expect(decoded.map((d) => d.text.length)).toEqual([153, 153, 153, 153, 153, 153, 82]);
    expect(decoded.every((d, i) => d.ies[0]!.data.equals(Buffer.from([42, 7, i + 1])))).toBe(true);
    expect(pdus.every((p) => p.octets === p.hex.length / 2 - 1)).toBe(true);
  });
});
