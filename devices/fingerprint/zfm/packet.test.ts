// Byte-exact frames from the ZFM-20 manual v2.0 and Adafruit-Fingerprint-Sensor-Library (Adafruit_Fingerprint.cpp),
// as collected in shared/reference/protocols.md.
import { describe, expect, it } from 'vitest';
import { command, encodePacket, INSTRUCTION, PacketParser, PID } from './packet.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('ZFM packets', () => {
  it.each([
    ['GenImg', command(INSTRUCTION.GenImg), 'EF01 FFFFFFFF 01 0003 01 0005'],
    ['VfyPwd(0)', command(INSTRUCTION.VfyPwd, 0, 0, 0, 0), 'EF01 FFFFFFFF 01 0007 13 00000000 001B'],
    ['Img2Tz(1)', command(INSTRUCTION.Img2Tz, 1), 'EF01 FFFFFFFF 01 0004 02 01 0008'],
    ['Store(buffer 1, page 1)', command(INSTRUCTION.Store, 1, 0, 1), 'EF01 FFFFFFFF 01 0006 06 01 0001 000F'],
    ['TemplateNum', command(INSTRUCTION.TemplateNum), 'EF01 FFFFFFFF 01 0003 1D 0021'],
    ['ack OK', encodePacket(PID.ack, Uint8Array.from([0x00])), 'EF01 FFFFFFFF 07 0003 00 000A'],
    ['ack no finger', encodePacket(PID.ack, Uint8Array.from([0x02])), 'EF01 FFFFFFFF 07 0003 02 000C'],
  ])('%s encodes to the documented bytes', (_name, bytes, expected) => {
    expect(bytes.toString('hex').toUpperCase()).toBe(expected.replace(/\s/g, ''));
  });

  it('parses packets split anywhere, skipping noise before a header', () => {
    const parser = new PacketParser();
    const stream = Buffer.concat([Buffer.from([0x55, 0x00]), hex('EF01 FFFFFFFF 07 0003 00 000A'), hex('EF01 FFFFFFFF 07 0003 02 000C')]);
    const got = [...stream].flatMap((b) => parser.push(Buffer.from([b])));
    expect(got.map((g) => [g.packet?.pid, g.packet?.payload.toString('hex')])).toEqual([
      [7, '00'],
      [7, '02'],
    ]);
  });

  it('reports a packet whose checksum fails', () => {
    const got = new PacketParser().push(hex('EF01 FFFFFFFF 01 0003 01 0006'));
    expect(got[0]?.bad).toMatch(/checksum/);
  });
});
