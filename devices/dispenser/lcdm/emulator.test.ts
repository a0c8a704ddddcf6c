// The LCDM-2000 emulator as a host written from the `puloon` package's lcdm2000.py sees it (frames built here by
// hand; byte-exact frames from shared/reference/protocols.md), including the malformed input of issue #12.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.ts';
import { memoryPair, settle } from '../../serial/memory-link.ts';
import { LcdmEmulator } from './emulator.ts';

/** EOT 50 STX cmd params ETX BCC, the BCC being the XOR of every byte before it. */
function manualFrame(start: number, cmd: number, params: string): Buffer {
  const body = Buffer.from([start, 0x50, 0x02, cmd, ...Buffer.from(params, 'latin1'), 0x03]);
  return Buffer.concat([body, Buffer.from([body.reduce((x, b) => x ^ b, 0)])]);
}
const ACK = '06';
const answer = (cmd: number, data: string) => ACK + manualFrame(0x01, cmd, data).toString('hex');

function dispenser(upper = 50, lower = 50) {
  const { host, device } = memoryPair();
  const clock = new ManualClock();
  const lcdm = new LcdmEmulator(
    device,
    { upper: { denomination: 100, count: upper }, lower: { denomination: 50, count: lower } },
    { clock, dispenseMs: 0 },
  );
  const ask = async (b: Buffer | string) => {
    await host.write(typeof b === 'string' ? Buffer.from(b.replace(/\s/g, ''), 'hex') : b);
    await settle();
    clock.advance(0);
    await settle();
    return host.take().toString('hex');
  };
  return { lcdm, ask, host };
}

describe('LCDM-2000 emulator, as the manual shows it', () => {
  it('answers status, purge and a dispense of 5 from the upper cassette with the documented frames', async () => {
    const { ask, lcdm } = dispenser();
    expect(await ask('04 50 02 46 03 13')).toBe(answer(0x46, '0000'));
    expect(await ask('04 50 02 45 30 35 03 15')).toBe(answer(0x45, '0505' + '00' + '00'));
    expect(lcdm.cassettes.upper.count).toBe(45);
    expect(await ask('04 50 02 46 03 13')).toBe(answer(0x46, '0010')); // SENSOR0 1: notes at the exit
    expect(await ask('04 50 02 44 03 11')).toBe(answer(0x44, '0'));
    expect([lcdm.atExit, lcdm.rejected]).toEqual([0, 5]);
  });

  it('takes rejected notes from the cassette: CHK counts them, REJECT names them, an emptied cassette says so', async () => {
    const { ask, lcdm } = dispenser(5);
    lcdm.rejects = 3;
    // Five notes picked, three of them rejected: two reach the exit and the cassette is empty (error 38).
    expect(await ask(manualFrame(0x04, 0x45, '05'))).toBe(answer(0x45, '0502' + '81' + '03'));
    expect([lcdm.cassettes.upper.count, lcdm.atExit, lcdm.rejected]).toEqual([0, 2, 3]);
  });

  it('stops at the fourth reject with "too many rejects" (44)', async () => {
    const { ask, lcdm } = dispenser();
    lcdm.rejects = 5;
    expect(await ask(manualFrame(0x04, 0x55, '02'))).toBe(answer(0x55, '0400' + 'D0' + '04'));
    expect(lcdm.cassettes.lower.count).toBe(46);
  });

  it.each(['5e', '0x1F', ' 5', '5', '123', '+5', '00', '61'])(
    'refuses the count "%s" as an undefined command (37), dispensing nothing',
    async (count) => {
      const { ask, lcdm } = dispenser();
      expect(await ask(manualFrame(0x04, 0x45, count))).toBe(answer(0x45, '0000' + '70' + '00'));
      expect(lcdm.cassettes.upper.count).toBe(50);
    },
  );

  it('ignores a stray EOT before a frame and answers the frame', async () => {
    const { ask } = dispenser();
    expect(await ask('04 04 50 02 46 03 13')).toBe(answer(0x46, '0000'));
  });

  it('drops a frame start with no ETX after 64 bytes, and answers the next frame', async () => {
    const { ask } = dispenser();
    const junk = Buffer.concat([Buffer.from([0x04, 0x50, 0x02]), Buffer.alloc(100_000, 0x41)]);
    expect(await ask(Buffer.concat([junk, manualFrame(0x04, 0x46, '')]))).toBe('15' + answer(0x46, '0000'));
  });

  it('says nothing while powered off, and answers again after', async () => {
    const { ask, lcdm } = dispenser();
    lcdm.powerCycle();
    expect(await ask('04 50 02 46 03 13')).toBe('');
    lcdm.powerOn();
    expect(await ask('04 50 02 46 03 13')).toBe(answer(0x46, '0000'));
  });
});
