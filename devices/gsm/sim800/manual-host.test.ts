// "A host written only from the manual": a minimal AT client that knows nothing of AtHost or of our PDU codec,
// drives the emulator through a whole session and checks every answer byte for byte against the forms in the
// SIM800 Series AT Command Manual V1.09 [M] and 3GPP TS 27.005 as collected in shared/reference/sim800-sms.md
// (section numbers below are of that file). PDUs are written by hand here from TS 23.040's field layout (§5 of the
// reference) or taken from published worked examples: [LP] Lars Pettersson's "SMS and the PDU format", [PG]
// faucamp/python-gsmmodem test/test_pdu.py.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.ts';
import { Sim800Emulator } from './emulator.ts';
import { memoryPair, settle } from './testing.ts';

const CR = '\r';
const CRLF = '\r\n';
const line = (l: string) => `${CRLF}${l}${CRLF}`;
const OK = line('OK');

/** The test's own AT client: write bytes, collect every byte the modem says until it is quiet. */
function client() {
  const { host, device } = memoryPair();
  const clock = new ManualClock(); // 2026-01-01 09:00:00 UTC
  const delivered: { to: string; text: string }[] = [];
  const modem = new Sim800Emulator(device, { clock, deliveryDelayMs: 1000, deliver: (to, text) => delivered.push({ to, text }) });
  let heard = '';
  host.on('data', (d: Buffer) => (heard += d.toString('latin1')));
  const take = () => {
    const out = heard;
    heard = '';
    return out;
  };
  const say = async (bytes: string) => {
    await host.write(Buffer.from(bytes, 'latin1'));
    await settle();
    return take();
  };
  return { modem, clock, delivered, say, take };
}

/** GSM 7-bit packing written from TS 23.038 §6.1.2.1.1 for ASCII letters (which are their own GSM codes), with a
 *  CR in 7 spare bits at the end (§6.1.2.3.1). */
function pack(text: string): string {
  let bits = 0n;
  [...text].forEach((c, i) => (bits |= BigInt(c.charCodeAt(0)) << BigInt(7 * i)));
  if (text.length % 8 === 7) bits |= 0x0dn << BigInt(7 * text.length);
  const n = Math.ceil((7 * text.length) / 8);
  return Array.from({ length: n }, (_, i) =>
    Number((bits >> BigInt(8 * i)) & 0xffn)
      .toString(16)
      .padStart(2, '0'),
  )
    .join('')
    .toUpperCase();
}
const ucs2 = (text: string) =>
  [...text]
    .map((c) => c.charCodeAt(0).toString(16).padStart(4, '0'))
    .join('')
    .toUpperCase();
const hex2 = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();

describe('a host written from the SIM800 manual', () => {
  it('sees the power-on URCs, then initialises and reads the identity (§1-§3)', async () => {
    const { modem, say, take } = client();
    modem.boot();
    await settle();
    expect(take()).toBe(line('RDY') + line('+CFUN: 1') + line('+CPIN: READY') + line('Call Ready') + line('SMS Ready'));
    expect(await say(`AT${CR}`)).toBe(`AT${CR}${OK}`); // echo on by default, CR included
    expect(await say(`\n\x00garbage AT${CR}`)).toBe(`AT${CR}${OK}`); // bytes before AT ignored (and not echoed)
    expect(await say(`ate0${CR}`)).toBe(`ate0${CR}${OK}`);
    expect(await say(`AT${CR}`)).toBe(OK);
    expect(await say(`AT+CMEE=1;+CREG=2${CR}`)).toBe(OK); // chained extended commands
    expect(await say(`ATZ${CR}`)).toBe(OK); // the user profile: echo on again, CMEE 0
    expect(await say(`ATE0&W${CR}`)).toBe(`ATE0&W${CR}${OK}`); // basic commands run together; saved
    expect(await say(`ATI${CR}`)).toBe(line('SIM800 R14.18') + OK);
    expect(await say(`AT+CGMI${CR}`)).toBe(line('SIMCOM_Ltd') + OK);
    expect(await say(`AT+CPIN?${CR}`)).toBe(line('+CPIN: READY') + OK);
    expect(await say(`AT+CGSN${CR}`)).toBe(line('867856030000017') + OK);
    expect(await say(`AT+CIMI${CR}`)).toBe(line('645010000000001') + OK);
    expect(await say(`AT+CCID${CR}`)).toBe(line('89260010000000000017') + OK);
    expect(await say(`AT+COPS?${CR}`)).toBe(line('+COPS: 0,0,"MTN ZAMBIA"') + OK);
    expect(await say(`AT+CNUM${CR}`)).toBe(line('+CNUM: "","+260970000000",145') + OK);
    expect(await say(`AT+CSQ${CR}`)).toBe(line('+CSQ: 20,0') + OK);
    expect(await say(`AT+CREG?${CR}`)).toBe(line('+CREG: 0,1') + OK);
    expect(await say(`AT+CREG=2;+CREG?${CR}`)).toBe(line('+CREG: 2,1,"0D2C","1F41"') + OK);
    modem.registered = false;
    await settle();
    expect(take()).toBe(line('+CREG: 0')); // the URC on a change, n=2
    expect(await say(`AT+CSQ;+COPS?${CR}`)).toBe(line('+CSQ: 99,99') + line('+COPS: 0') + OK);
    modem.registered = true;
    await settle();
    expect(take()).toBe(line('+CREG: 1,"0D2C","1F41"'));
  });

  it('frames errors per AT+CMEE, refuses an over-long line, and ATV0 gives digits (§1, §3)', async () => {
    const { say } = client();
    await say(`ATE0${CR}`);
    expect(await say(`AT+NOSUCH${CR}`)).toBe(line('ERROR'));
    expect(await say(`AT+CFUN=9${CR}`)).toBe(line('ERROR'));
    await say(`AT+CMEE=1${CR}`);
    expect(await say(`AT+CFUN=9${CR}`)).toBe(line('+CME ERROR: 765'));
    await say(`AT+CMEE=2${CR}`);
    expect(await say(`AT+CFUN=9${CR}`)).toBe(line('+CME ERROR: invalid input value'));
    expect(await say(`AT+CSQ;+NOSUCH${CR}`)).toBe(line('ERROR')); // after an error only the error
    expect(await say(`AT${'+CSQ;'.repeat(111)}+CSQ${CR}`)).toBe(line('ERROR')); // 560 characters after AT
    expect(await say(`AT${'+CSQ;'.repeat(110)}+CS${CR}`).then((a) => a.endsWith(OK))).toBe(false); // 554: run, +CS unknown
    expect(await say(`ATV0${CR}`)).toBe('0\r');
    expect(await say(`AT+CSQ${CR}`)).toBe('+CSQ: 20,0\r\n0\r');
    expect(await say(`AT+NOSUCH${CR}`)).toBe('4\r');
  });

  it('sends in text mode: prompt, text, Ctrl-Z, +CMGS: <mr>; ESC abandons (§4 AT+CMGS)', async () => {
    const { say, clock, delivered } = client();
    await say(`ATE0${CR}`);
    expect(await say(`AT+CMGF=1${CR}`)).toBe(OK);
    expect(await say(`AT+CSCS="GSM"${CR}`)).toBe(OK);
    expect(await say(`AT+CMGS="+260971000001"${CR}`)).toBe(`${CRLF}> `);
    expect(await say(`Your code is 123456\x1a`)).toBe(line('+CMGS: 1') + OK);
    expect(await say(`AT+CMGS="+260971000001"${CR}`)).toBe(`${CRLF}> `);
    expect(await say(`never mind\x1b`)).toBe(OK);
    expect(await say(`AT+CMGS="+260971000001"${CR}`)).toBe(`${CRLF}> `);
    expect(await say(`${'x'.repeat(161)}\x1a`)).toBe(line('+CMS ERROR: 513')); // one SMS at most in text mode
    clock.advance(1000);
    expect(delivered).toEqual([{ to: '+260971000001', text: 'Your code is 123456' }]);
  });

  it('sends in PDU mode: AT+CMGS=<TPDU octets>, the hex PDU, Ctrl-Z ([LP]; §4 AT+CMGS, §5)', async () => {
    const { say, clock, delivered } = client();
    await say(`ATE0${CR}`);
    expect(await say(`AT+CMGF=0${CR}`)).toBe(OK);
    expect(await say(`AT+CMGS=23${CR}`)).toBe(`${CRLF}> `);
    expect(await say(`0011000B916407281553F80000AA0AE8329BFD4697D9EC37\x1a`)).toBe(line('+CMGS: 1') + OK);
    expect(await say(`AT+CMGS=24${CR}`)).toBe(`${CRLF}> `);
    expect(await say(`0011000B916407281553F80000AA0AE8329BFD4697D9EC37\x1a`)).toBe(line('+CMS ERROR: 304')); // length wrong
    clock.advance(1000);
    expect(delivered).toEqual([{ to: '+46708251358', text: 'hellohello' }]);
  });

  it('sends a 2-part concatenated message in PDU mode (UDH 05 00 03 ref 02 seq), delivered as one text (§5)', async () => {
    const { say, clock, delivered } = client();
    await say(`ATE0${CR}AT+CMGF=0${CR}`);
    const parts = ['Hello, ', 'world: Привет'];
    for (const [i, part] of parts.entries()) {
      // 00 no SMSC | 41 SUBMIT+UDHI | 00 MR | 0C 91 +260971000001 | 00 PID | 08 UCS2 | UDL | UDH | text
      const ud = `0500032A02${hex2(i + 1)}${ucs2(part)}`;
      const tpdu = `41000C916290170000100008${hex2(ud.length / 2)}${ud}`;
      expect(await say(`AT+CMGS=${tpdu.length / 2}${CR}`)).toBe(`${CRLF}> `);
      expect(await say(`00${tpdu}\x1a`)).toBe(line(`+CMGS: ${i + 1}`) + OK);
    }
    clock.advance(1000);
    expect(delivered).toEqual([{ to: '+260971000001', text: 'Hello, world: Привет' }]);
  });

  it('sends the published 3-part message ([PG] test_encodeSmsSubmit_concatenated): the phone gets one text', async () => {
    const { say, clock, delivered } = client();
    await say(`ATE0${CR}AT+CMGF=0${CR}`);
    const start = '0045000B915121551532F40000';
    const pdus = [
      `${start}A0050003000301986F79B90D4AC3E7F53688FC66BFE5A0799A0E0AB7CB741668FC76CFCB637A995E9783C2E4343C3D4F8FD3EE33A8CC4ED359A079990C22BF41E5747DDE7E9341F4721BFE9683D2EE719A9C26D7DD74509D0E6287C56F791954A683C86FF65B5E06B5C36777181466A7E3F5B0AB4A0795DDE936284C06B5D3EE741B642FBBD3E1360B14AFA7DD`,
      `${start}A0050003000302DE73BABC4E0695F165F9384D0FD3D36F37A8CE6687DBE337881D16BFE5E939C89D9EA741753A28CC4EC7EB6938A88C0795C3A0F1BBDD7E93DFA0F1DB3D2FC7EB61BA8B584FCF41E13ABD0C4ACBEBF23288FC66BFE5A0B41B242FC3E56574D94D2ECBD37450DA0DB2BFD975383D4C2F83EC65769A0E2ACFE765D038CD66D7DB20F29BFD2E83CA`,
      `${start}8C050003000303EA2073FD9C0ED341EE3A9B1D06C1C3F274985E97BB8AF871194E2FD7E5A079DA4D07BDC7E370791CA683C675789A1CA687E920F7DB0D82CBDF6972D94D6781E675371D947683C675363C0C8AD7D3A0B7D99C1EA7C32072795E96D7DD7450FBCD66A7E9A0B03BDD06A5C9A0F29C0E6287C56F79BD0D`,
    ];
    // Sent the way some hosts do: the PDU straight after the command, without waiting for the prompt.
    for (const p of pdus.reverse())
      expect(await say(`AT+CMGS=${p.length / 2 - 1}${CR}${p}\x1a`)).toMatch(/^\r\n> \r\n\+CMGS: \d\r\n\r\nOK\r\n$/);
    clock.advance(1000);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.text).toMatch(/^Lorem ipsum dolor sit amet, .* id est laborum$/);
    expect(delivered[0]!.text).toHaveLength(439);
  });

  it('receives by +CMTI, reads with +CMGR in text and PDU mode, lists and deletes (§4)', async () => {
    const { modem, say, take } = client();
    await say(`ATE0${CR}AT+CMGF=1${CR}`);
    modem.receive('+260971000002', 'BALANCE');
    await settle();
    expect(take()).toBe(line('+CMTI: "SM",1'));
    // 2026-01-01 09:00:00 UTC shown at UTC+2: "+08" quarter hours.
    const header = '"+260971000002","","26/01/01,11:00:00+08"';
    expect(await say(`AT+CMGR=1${CR}`)).toBe(`${CRLF}+CMGR: "REC UNREAD",${header}${CRLF}BALANCE${CRLF}${OK}`);
    expect(await say(`AT+CSDH=1${CR}`)).toBe(OK);
    expect(await say(`AT+CMGR=1${CR}`)).toBe(
      `${CRLF}+CMGR: "REC READ",${header},145,4,0,0,"+260970000100",145,7${CRLF}BALANCE${CRLF}${OK}`,
    );
    modem.receive('+260971000003', 'STOP');
    await settle();
    expect(take()).toBe(line('+CMTI: "SM",2'));
    expect(await say(`AT+CSDH=0${CR}AT+CMGL="ALL"${CR}`)).toBe(
      OK +
        `${CRLF}+CMGL: 1,"REC READ",${header}${CRLF}BALANCE` +
        `${CRLF}+CMGL: 2,"REC UNREAD","+260971000003","","26/01/01,11:00:00+08"${CRLF}STOP${CRLF}${OK}`,
    );
    expect(await say(`AT+CMGL=4${CR}`)).toBe(line('+CMS ERROR: 305')); // a number is PDU mode's <stat>
    // PDU mode: SMSC 07 91 +260970000100 | 04 DELIVER | 0C 91 +260971000002 | 00 | 00 | SCTS 26/01/01 11:00:00 +08 | 07 | BALANCE
    const pdu = `0791629007001000040C916290170000200000621010110000800${7}${pack('BALANCE')}`;
    expect(await say(`AT+CMGF=0${CR}AT+CMGR=1${CR}`)).toBe(OK + `${CRLF}+CMGR: 1,"",${(pdu.length - 16) / 2}${CRLF}${pdu}${CRLF}${OK}`);
    expect(await say(`AT+CMGL=4${CR}`)).toMatch(/^\r\n\+CMGL: 1,1,"",26\r\n07916290.*\r\n\+CMGL: 2,1,"",23\r\n0791.*\r\n\r\nOK\r\n$/);
    expect(await say(`AT+CPMS="SM"${CR}`)).toBe(line('+CPMS: 2,30,2,30,2,30') + OK);
    expect(await say(`AT+CMGD=1${CR}`)).toBe(OK);
    expect(await say(`AT+CPMS?${CR}`)).toBe(line('+CPMS: "SM",1,30,"SM",1,30,"SM",1,30') + OK);
    expect(await say(`AT+CMGR=1${CR}`)).toBe(line('+CMS ERROR: 321'));
    expect(await say(`AT+CMGD=1,4${CR}`)).toBe(OK); // delflag 4: everything
    expect(await say(`AT+CMGL=4${CR}`)).toBe(OK);
  });

  it('shows an incoming SMS at once with +CMT when AT+CNMI=2,2 (both modes; §4)', async () => {
    const { modem, say, take } = client();
    await say(`ATE0${CR}AT+CMGF=1${CR}AT+CNMI=2,2,0,0,0${CR}`);
    modem.receive('+260971000002', 'HI');
    await settle();
    expect(take()).toBe(`${CRLF}+CMT: "+260971000002","","26/01/01,11:00:00+08"${CRLF}HI${CRLF}`);
    await say(`AT+CMGF=0${CR}`);
    modem.receive('+260971000002', 'HI');
    await settle();
    expect(take()).toBe(`${CRLF}+CMT: "",21${CRLF}0791629007001000040C9162901700002000006210101100008002${pack('HI')}${CRLF}`);
    expect(await say(`AT+CNMI=2,1,0,2,0${CR}`)).toBe(line('+CMS ERROR: 304')); // <ds>=2 is refused (§3)
  });

  it("reads and sets the SMS parameters; sends UCS2 in text mode as the manual's example does ([M] 4.2.5; §3)", async () => {
    const { say, clock, delivered } = client();
    await say(`ATE0${CR}AT+CMGF=1${CR}`);
    expect(await say(`AT+CSMP?;+CSDH?;+CNMI?;+CSCS?;+CMGF?${CR}`)).toBe(
      line('+CSMP: 17,167,0,0') + line('+CSDH: 0') + line('+CNMI: 2,1,0,0,0') + line('+CSCS: "IRA"') + line('+CMGF: 1') + OK,
    );
    expect(await say(`AT+CSCA?${CR}`)).toBe(line('+CSCA: "+260970000100",145') + OK);
    expect(await say(`AT+CSCA="+260970000200"${CR}AT+CSCA?${CR}`)).toBe(OK + line('+CSCA: "+260970000200",145') + OK);
    expect(await say(`AT+CPMS=?${CR}`)).toBe(
      line('+CPMS: ("SM","ME","SM_P","ME_P","MT"),("SM","ME","SM_P","ME_P","MT"),("SM","ME","SM_P","ME_P","MT")') + OK,
    );
    expect(await say(`AT+CSMP=17,167,2,25${CR}AT+CSCS="UCS2"${CR}`)).toBe(OK + OK);
    expect(await say(`AT+CMGS="00310033003800300030003000300030003000300030"${CR}`)).toBe(`${CRLF}> `);
    expect(await say(`4E014E50\x1a`)).toBe(line('+CMGS: 1') + OK);
    expect(await say(`A/`)).toBe(`${CRLF}> `); // A/ repeats the last line
    expect(await say(`\x1b`)).toBe(OK);
    clock.advance(1000);
    expect(delivered).toEqual([{ to: '13800000000', text: '丁乐' }]);
    // Echo is on again after AT&F.
    expect(await say(`AT&F${CR}AT+CSCS?;+CMGF?${CR}`)).toBe(`${OK}AT+CSCS?;+CMGF?${CR}` + line('+CSCS: "IRA"') + line('+CMGF: 0') + OK);
  });

  it('resets on AT+CFUN=1,1: OK, then the power-on URCs, and the user profile again (§2)', async () => {
    const { say } = client();
    await say(`ATE0${CR}`);
    const boot = line('RDY') + line('+CFUN: 1') + line('+CPIN: READY') + line('Call Ready') + line('SMS Ready');
    expect(await say(`AT+CFUN=1,1${CR}`)).toBe(OK + boot);
    expect(await say(`AT${CR}`)).toBe(`AT${CR}${OK}`); // ATE0 was not saved with AT&W
  });

  it('answers SMS commands with ERROR until "SMS Ready" (§2)', async () => {
    const { host, device } = memoryPair();
    const clock = new ManualClock();
    const modem = new Sim800Emulator(device, { clock, deliveryDelayMs: 0, deliver: () => {}, smsReadyDelayMs: 3000 });
    let heard = '';
    host.on('data', (d: Buffer) => (heard += d.toString('latin1')));
    modem.boot();
    await host.write(Buffer.from(`ATE0${CR}AT+CMGF=1${CR}`));
    await settle();
    expect(heard).toBe(line('RDY') + line('+CFUN: 1') + line('+CPIN: READY') + `ATE0${CR}` + OK + line('ERROR'));
    heard = '';
    clock.advance(3000);
    await host.write(Buffer.from(`AT+CMGF=1${CR}`));
    await settle();
    expect(heard).toBe(line('Call Ready') + line('SMS Ready') + OK);
  });
});
