// Byte-exact LCDM-2000 frames from the `puloon` package (lcdm2000.py, lcdm_test.py), as in shared/reference/protocols.md.
import { describe, expect, it } from 'vitest';
import { CMD, command, FrameParser, response, twoDigits } from './frame.ts';

describe('LCDM-2000 frames', () => {
  it.each([
    ['status', command(CMD.status), '04 50 02 46 03 13'],
    ['purge', command(CMD.purge), '04 50 02 44 03 11'],
    ['dispense 5 from the upper cassette', command(CMD.upper, twoDigits(5)), '04 50 02 45 30 35 03 15'],
  ])('%s encodes to the documented bytes', (_n, bytes, hex) => {
    expect(bytes.toString('hex').match(/../g)!.join(' ')).toBe(hex.toLowerCase());
  });

  it('parses ACK, frames split anywhere, and refuses a bad BCC', () => {
    const p = new FrameParser();
    const reply = response(CMD.upper, Buffer.from('0505030002', 'ascii'));
    const stream = Buffer.concat([Buffer.from([0x06]), reply, Buffer.from([0x01, 0x50, 0x02, 0x46, 0x03, 0x00])]);
    const out = [...stream].flatMap((b) => p.push(Buffer.from([b])));
    expect(out[0]).toEqual({ ack: true });
    expect(out[1]).toMatchObject({ frame: { start: 0x01, cmd: 0x45 } });
    expect((out[1] as { frame: { data: Buffer } }).frame.data.toString('ascii')).toBe('0505030002');
    expect(out[2]).toMatchObject({ bad: expect.stringMatching(/BCC/) });
  });
});
