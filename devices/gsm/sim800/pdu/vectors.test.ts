// The PDU codec against published worked examples. Sources, by key:
//  [LP]  Lars Pettersson, "SMS and the PDU format" (dreamfabric.com/sms), as quoted in shared/reference/sim800-sms.md §5
//  [PG]  faucamp/python-gsmmodem test/test_pdu.py (also babca/python-gsmmodem), classes named per vector below
//  [NW]  Neoway N11 AT manual, UCS2 +CMGS example, as quoted in shared/reference/sim800-sms.md §5
import { describe, expect, it } from 'vitest';
import {
  concatOf,
  decodeDeliver,
  decodeSubmit,
  decodeTimestamp,
  encodeAddress,
  encodeDeliver,
  encodeSmsc,
  encodeSubmit,
  encodeTimestamp,
  formatTimestamp,
  fromHex,
  packSeptets,
  PduReader,
  readAddress,
  relativeVpMinutes,
  splitText,
  toHex,
  toSeptets,
  unpackSeptets,
  fromSeptets,
  encodeUdh,
  concatIe,
  decodeUdh,
} from './index.ts';

const hex = (h: string) => fromHex(h.replace(/\s/g, ''))!;
const utc = (y: number, mo: number, d: number, h: number, mi: number, s: number, tzHours: number) =>
  Date.UTC(y, mo - 1, d, h, mi, s) - tzHours * 3_600_000;

describe('GSM 7-bit alphabet and packing ([PG] TestGsm7)', () => {
  const cases: [string, string][] = [
    ['123', '31D90C'],
    ['12345678', '31D98C56B3DD70'],
    ['123456789', '31D98C56B3DD7039'],
    ['Hello World!', 'C8329BFD065DDF72363904'],
    ['[{abc}]~', '1BDE06151 68F37A98D6FD303'.replace(' ', '')],
    ['{åΦΓΛΩΠΨΣΘ€}', '1BD44332A1542C174C6653DEA400'],
    ['a[]{}€', 'E10D6FE3DBA036A94D19'],
  ];
  it.each(cases)('%s packs to %s and back', (text, packed) => {
    const septets = toSeptets(text)!;
    expect(toHex(packSeptets(septets))).toBe(packed);
    expect(fromSeptets(unpackSeptets(hex(packed), septets.length))).toBe(text);
  });

  it('"hellohello" packs to E8329BFD4697D9EC37 ([LP])', () => {
    expect(toHex(packSeptets(toSeptets('hellohello')!))).toBe('E8329BFD4697D9EC37');
  });

  it('refuses text outside the alphabet ([PG] test_encodeInvalid)', () => {
    expect(toSeptets('世界您好！')).toBeUndefined();
  });
});

describe('addresses ([PG] TestSmsPduAddressFields, TestSmsPduSmscFields)', () => {
  const cases: [string, string][] = [
    ['+9876543210', '0A918967452301'],
    ['+987654321', '099189674523F1'],
    ['+27829135934', '0B917228195339F4'],
    ['abc', '06D061F118'],
    ['FRANCOIS', '0ED04669D0397C26A7'],
    ['a[]{}€', '14D0E10D6FE3DBA036A94D19'],
  ];
  it.each(cases)('%s <-> %s', (address, encoded) => {
    expect(toHex(encodeAddress(address))).toBe(encoded);
    expect(readAddress(new PduReader(hex(encoded))).address).toBe(address);
  });

  it('reads a national number (type A1) without "+", and only its own octets', () => {
    const r = new PduReader(hex('0AA11092997856 000000'));
    expect(readAddress(r)).toEqual({ address: '0129998765', type: 0xa1 });
    expect(r.offset).toBe(7);
  });

  it('encodes the SMSC with an octet count ([PG] SMSC fields), and 00 for none', () => {
    expect(toHex(encodeSmsc('+9876543210'))).toBe('06918967452301');
    expect(toHex(encodeSmsc('+2782913593'))).toBe('06917228195339');
    expect(toHex(encodeSmsc())).toBe('00');
  });
});

describe('timestamps ([PG] TestTimestamp; sign bit per sim800-sms.md §5)', () => {
  const cases: [number, number, string, string][] = [
    [utc(2015, 11, 27, 0, 0, 0, 0), 0, '51117200000000', '15/11/27,00:00:00+00'],
    [utc(2015, 11, 27, 0, 0, 0, 2), 8, '51117200000080', '15/11/27,00:00:00+08'],
    [utc(2007, 4, 12, 23, 25, 42, 8), 32, '70402132522423', '07/04/12,23:25:42+32'],
    [utc(2007, 4, 12, 23, 25, 42, -8), -32, '7040213252242B', '07/04/12,23:25:42-32'],
  ];
  it.each(cases)('%s', (ms, tz, encoded, text) => {
    expect(toHex(encodeTimestamp({ ms, tz }))).toBe(encoded);
    expect(decodeTimestamp(hex(encoded))).toEqual({ ms, tz });
    expect(formatTimestamp({ ms, tz })).toBe(text);
  });
});

describe('SMS-SUBMIT', () => {
  it('"hellohello" to +46708251358, VP 4 days ([LP]): AT+CMGS=23', () => {
    const pdu = hex('0011000B916407281553F80000AA0AE8329BFD4697D9EC37');
    const s = decodeSubmit(pdu);
    expect(s).toMatchObject({ fo: 0x11, mr: 0, to: '+46708251358', pid: 0, dcs: 0, vp: { relative: 0xaa }, udl: 10, text: 'hellohello' });
    expect(s.tpduOctets).toBe(23);
    expect(relativeVpMinutes(0xaa)).toBe(4 * 24 * 60);
    expect(encodeSubmit({ mr: 0, to: '+46708251358', pid: 0, dcs: 0, vp: { relative: 0xaa }, text: 'hellohello', ies: [] }).pdu).toEqual(
      pdu,
    );
  });

  it('"Hello World!" without VP; UCS2 with an SMSC and VP 52 weeks; absolute VP ([PG] test_encodeSmsSubmit)', () => {
    const hello = encodeSubmit({ mr: 0, to: '+27820001111', pid: 0, dcs: 0, text: 'Hello World!', ies: [] });
    expect(toHex(hello.pdu)).toBe('0001000B917228001011F100000CC8329BFD065DDF72363904');
    const ucs2 = { smsc: '+44000000000', mr: 0, to: '+123456789', pid: 0, dcs: 8, vp: { relative: 0xf4 }, text: '世界您好！', ies: [] };
    expect(toHex(encodeSubmit(ucs2).pdu)).toBe('07914400000000F01100099121436587F90008F40A4E16754C60A8597DFF01');
    expect(decodeSubmit(hex('07914400000000F01100099121436587F90008F40A4E16754C60A8597DFF01'))).toMatchObject(ucs2);
    const absolute = { ms: utc(2013, 7, 10, 13, 39, 0, 2), tz: 8 };
    const timed = encodeSubmit({ mr: 0, to: '+27820001111', pid: 0, dcs: 0, vp: { absolute }, text: 'Timestamp validity test', ies: [] });
    // 23 characters leave 7 spare bits: TS 23.038 §6.1.2.3.1 fills them with CR (0D << 1 in the last octet: 01 -> 1B);
    // [PG] leaves them zero. Both decode to the same text.
    const pg = '0019000B917228001011F100003170013193008017D474BB3CA787DB70903DCC4E93D3F43C885E9ED301';
    expect(toHex(timed.pdu)).toBe(pg.replace(/01$/, '1B'));
    expect(decodeSubmit(hex(pg))).toMatchObject({ vp: { absolute }, text: 'Timestamp validity test' });
    expect(decodeSubmit(timed.pdu)).toMatchObject({ vp: { absolute }, text: 'Timestamp validity test' });
  });

  it('decodes national numbers, UCS2, 8-bit and a VP of 3 days ([PG] test_decode)', () => {
    expect(decodeSubmit(hex('04A12143F5310D0AA110624521430000A91BD4F29C0E6A97E7F3F0B9AC03B1DFE3301BE4AEB7C565F91C'))).toMatchObject({
      smsc: '12345',
      mr: 13,
      to: '0126541234',
      vp: { relative: 169 },
      srr: true,
      text: 'Test message: local numbers',
    });
    expect(decodeSubmit(hex('07911326040000F0310D0B911326880736F40000A90FF7FBDD454E87CDE1B0DB357EB701'))).toMatchObject({
      smsc: '+31624000000',
      to: '+31628870634',
      text: 'www.diafaan.com',
    });
    expect(decodeSubmit(hex('07914346466554F601000B914316565811F9000806304253F68449'))).toMatchObject({
      to: '+34616585119',
      text: 'あ叶葉',
    });
    expect(decodeSubmit(hex('0591721891F101000B917228214365F700040C48656C6C6F20776F726C6421'))).toMatchObject({
      smsc: '+2781191',
      dcs: 4,
      text: 'Hello world!',
    });
  });

  it('"hello" in UCS2 ([NW]): AT+CMGS=23', () => {
    const s = decodeSubmit(hex('0001000B813124819396F30008 0A 00680065006C006C006F'));
    expect(s).toMatchObject({ to: '13421839693', toType: 0x81, dcs: 8, text: 'hello', tpduOctets: 23 });
  });

  it('splits 439 characters into 153 + 153 + 133, each with UDH 00 03 ref total seq and 1 fill bit ([PG] concatenated)', () => {
    const text =
      'Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.Ut enim ad minim veniam, quinostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.Duis aute irure dolor in reprehenderit in voluptate velit esse cillum doloe eu fugiat nulla pariatur.Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum';
    const expected = [
      '0045000B915121551532F40000A0050003000301986F79B90D4AC3E7F53688FC66BFE5A0799A0E0AB7CB741668FC76CFCB637A995E9783C2E4343C3D4F8FD3EE33A8CC4ED359A079990C22BF41E5747DDE7E9341F4721BFE9683D2EE719A9C26D7DD74509D0E6287C56F791954A683C86FF65B5E06B5C36777181466A7E3F5B0AB4A0795DDE936284C06B5D3EE741B642FBBD3E1360B14AFA7DD',
      '0045000B915121551532F40000A0050003000302DE73BABC4E0695F165F9384D0FD3D36F37A8CE6687DBE337881D16BFE5E939C89D9EA741753A28CC4EC7EB6938A88C0795C3A0F1BBDD7E93DFA0F1DB3D2FC7EB61BA8B584FCF41E13ABD0C4ACBEBF23288FC66BFE5A0B41B242FC3E56574D94D2ECBD37450DA0DB2BFD975383D4C2F83EC65769A0E2ACFE765D038CD66D7DB20F29BFD2E83CA',
      '0045000B915121551532F400008C050003000303EA2073FD9C0ED341EE3A9B1D06C1C3F274985E97BB8AF871194E2FD7E5A079DA4D07BDC7E370791CA683C675789A1CA687E920F7DB0D82CBDF6972D94D6781E675371D947683C675363C0C8AD7D3A0B7D99C1EA7C32072795E96D7DD7450FBCD66A7E9A0B03BDD06A5C9A0F29C0E6287C56F79BD0D',
    ];
    const parts = splitText(text);
    expect(parts.map((p) => p.length)).toEqual([153, 153, 133]);
    parts.forEach((part, i) => {
      const ies = [concatIe({ ref: 0, total: 3, seq: i + 1 })];
      const { pdu } = encodeSubmit({ mr: 0, to: '+15125551234', pid: 0, dcs: 0, rejectDuplicates: true, text: part, ies });
      expect(toHex(pdu)).toBe(expected[i]);
      const back = decodeSubmit(pdu);
      expect(back.text).toBe(part);
      expect(concatOf(back.ies)).toEqual({ ref: 0, total: 3, seq: i + 1 });
    });
  });

  it('encodes part 1 of 170 x "A" with ref 0x2A as UDL A0 and "A" shifted one bit, 82 ([PG] encoder via sim800-sms.md §5)', () => {
    const [first] = splitText('A'.repeat(170));
    const ies = [concatIe({ ref: 0x2a, total: 2, seq: 1 })];
    const { pdu, tpduOctets } = encodeSubmit({ mr: 0x2a, to: '+15551234567', pid: 0, dcs: 0, text: first!, ies });
    expect(toHex(pdu)).toMatch(/^00412A0B915155214365F70000A00500032A020182C160/);
    expect(tpduOctets).toBe(153);
  });
});

describe('SMS-DELIVER', () => {
  it('"hellohello" from 27838890001 via +27381000015, 99/03/29 15:16:59 +08 ([LP]): TPDU of 28 octets', () => {
    const pdu = hex('07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37');
    const d = decodeDeliver(pdu);
    const scts = { ms: utc(1999, 3, 29, 15, 16, 59, 2), tz: 8 };
    expect(d).toMatchObject({
      smsc: '+27381000015',
      fo: 0x04,
      from: '27838890001',
      fromType: 0xc8,
      scts,
      text: 'hellohello',
      tpduOctets: 28,
    });
    expect(formatTimestamp(d.scts)).toBe('99/03/29,15:16:59+08');
    const again = encodeDeliver({
      smsc: '+27381000015',
      from: '27838890001',
      fromType: 0xc8,
      pid: 0,
      dcs: 0,
      scts,
      text: 'hellohello',
      ies: [],
    });
    expect(again.pdu).toEqual(pdu);
  });

  it('decodes "Test2", a long GSM text with +8 hours, and "@{tést}!" ([PG] test_decode)', () => {
    expect(decodeDeliver(hex('06917228195339040B917228214365F700003130805120618005D4F29C2E03'))).toMatchObject({
      smsc: '+2782913593',
      from: '+27821234567',
      scts: { ms: utc(2013, 3, 8, 15, 2, 16, 2), tz: 8 },
      text: 'Test2',
    });
    expect(
      decodeDeliver(
        hex(
          '07915892000000F0040B915892214365F700007040213252242331493A283D0795C3F33C88FE06C9CB6132885EC6D341EDF27C1E3E97E7207B3A0C0A5241E377BB1D7693E72E',
        ),
      ),
    ).toMatchObject({
      from: '+85291234567',
      scts: { ms: utc(2007, 4, 12, 23, 25, 42, 8), tz: 32 },
      text: 'It is easy to read text messages via AT commands.',
    });
    expect(decodeDeliver(hex('06917228195339040B917228214365F70000313062315352800A800D8A5E98D337A910')).text).toBe('@{tést}!');
  });

  it('decodes a part with UDH 05 00 03 C3 01 01: 7 header septets, 1 fill bit, 82 characters ([PG] test_decode; sim800-sms.md ex. 3)', () => {
    const d = decodeDeliver(
      hex(
        '0591721891F1400781721881F800003160526104848059050003C30101916536FB1DCABEEB2074D85E064941B19CAB060319A5C522289C96D3D3ED32286C0FA7D96131BBEC024941B19CAB0603DDD36C36A88C87A7E565D0DB0D82C55EB0DB4B068BCD5C20',
      ),
    );
    expect(d).toMatchObject({ smsc: '+2781191', from: '2781188', fromType: 0x81, fo: 0x40, udl: 0x59 });
    expect(d.text).toBe('Hello!You have R 19.50 FREE airtime available. R 19.50 will expire on 01/07/2013. ');
    expect(concatOf(d.ies)).toEqual({ ref: 0xc3, total: 1, seq: 1 });
    expect(formatTimestamp(d.scts)).toBe('13/06/25,16:40:48+08');
  });
});

describe('user data header ([PG] TestUdhConcatenation)', () => {
  it('IEI 00 with an 8-bit reference and IEI 08 with a 16-bit one', () => {
    expect(toHex(encodeUdh([concatIe({ ref: 23, total: 3, seq: 1 })]))).toBe('050003170301');
    expect(toHex(encodeUdh([concatIe({ ref: 384, total: 4, seq: 2, wide: true })]))).toBe('06080401800402');
    expect(concatOf(decodeUdh(hex('06080401800402')).ies)).toEqual({ ref: 384, total: 4, seq: 2, wide: true });
  });
});
