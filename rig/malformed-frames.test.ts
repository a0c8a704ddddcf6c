// Malformed frames never take an emulator or the `atm-rig emulate` process down (issue 10, item 17): each answers
// the way its module's manual says. ZFM: confirmation code 0x01, "error when receiving package" (ZFM-20 manual).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from './spawn-cli.ts';
import { SerialLink } from '../devices/serial/link.ts';
import { LcdmEmulator } from '../devices/dispenser/lcdm/emulator.ts';
import { ACK, CMD, NAK, command as lcdmCommand } from '../devices/dispenser/lcdm/frame.ts';
import { openPtyPair } from '../devices/serial/pty.ts';
import { linkedPair } from '../devices/serial/testing.ts';
import { ZfmEmulator } from '../devices/fingerprint/zfm/emulator.ts';
import { CODE, encodePacket, INSTRUCTION, PacketParser, PID, type Packet } from '../devices/fingerprint/zfm/packet.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The next packet the other end sends. */
function nextPacket(link: SerialLink): Promise<Packet> {
  const parser = new PacketParser();
  return new Promise((resolve) => {
    const onData = (d: Buffer) => {
      const packet = parser.push(d).find((p) => p.packet)?.packet;
      if (!packet) return;
      link.off('data', onData);
      resolve(packet);
    };
    link.on('data', onData);
  });
}

async function ask(link: SerialLink, bytes: Buffer): Promise<Packet> {
  const answer = nextPacket(link);
  await link.write(bytes);
  return answer;
}

/** The command from the issue: VfyPwd with no password bytes, `EF01 FFFFFFFF 01 0003 13 0017`. */
const SHORT_VFYPWD = Buffer.from('EF01' + 'FFFFFFFF' + '01' + '0003' + '13' + '0017', 'hex');

describe('the ZFM emulator and short command packets', () => {
  it('answers 0x01 to every instruction whose parameters are cut short, and goes on working', async () => {
    const pair = await linkedPair();
    cleanups.push(() => pair.close());
    new ZfmEmulator(pair.device);
    expect((await ask(pair.host, SHORT_VFYPWD)).payload[0]).toBe(CODE.packetError);
    // Needed parameter bytes of each instruction that takes some (the manual's packet formats).
    const needs: [number, number][] = [
      [INSTRUCTION.VfyPwd, 4],
      [INSTRUCTION.Img2Tz, 1],
      [INSTRUCTION.Store, 3],
      [INSTRUCTION.LoadChar, 3],
      [INSTRUCTION.UpChar, 1],
      [INSTRUCTION.DownChar, 1],
      [INSTRUCTION.Search, 5],
      [INSTRUCTION.HighSpeedSearch, 5],
      [INSTRUCTION.DeleteChar, 4],
    ];
    for (const [instruction, params] of needs) {
      for (let n = 0; n < params; n++) {
        const answer = await ask(pair.host, encodePacket(PID.command, Uint8Array.from([instruction, ...Array<number>(n).fill(0)])));
        expect(answer.payload[0], `instruction ${instruction.toString(16)} with ${n} of ${params} parameter bytes`).toBe(CODE.packetError);
      }
    }
    expect((await ask(pair.host, encodePacket(PID.command, new Uint8Array()))).payload[0]).toBe(CODE.packetError);
    expect((await ask(pair.host, encodePacket(PID.command, Uint8Array.from([INSTRUCTION.VfyPwd, 0, 0, 0, 0])))).payload[0]).toBe(CODE.ok);
  });
});

describe('the LCDM-2000 emulator and corrupt frames', () => {
  it('answers NAK to a frame whose BCC is wrong, then serves the next one', async () => {
    const pair = await linkedPair(9600);
    cleanups.push(() => pair.close());
    new LcdmEmulator(
      pair.device,
      { upper: { denomination: 10_000, count: 10 }, lower: { denomination: 5_000, count: 10 } },
      { clock: { now: Date.now, setTimeout, clearTimeout }, dispenseMs: 10 },
    );
    const bytes: number[] = [];
    pair.host.on('data', (d: Buffer) => bytes.push(...d));
    const status = lcdmCommand(CMD.status);
    const corrupt = Buffer.from(status);
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
    await pair.host.write(corrupt);
    await expect.poll(() => bytes[0]).toBe(NAK);
    await pair.host.write(status);
    await expect.poll(() => bytes[1]).toBe(ACK);
  });
});

describe('atm-rig emulate', () => {
  it('keeps serving after a short VfyPwd packet, answering it with 0x01', async () => {
    const pty = await openPtyPair();
    cleanups.push(() => pty.close());
    const emulate = spawnCli(['emulate', 'fingerprint', '--port', pty.b, '--data', ':memory:', '--mqtt-port', '1']);
    cleanups.push(async () => emulate.child.kill('SIGKILL'));
    await emulate.until(/Emulating a ZFM fingerprint module on/);
    const link = new SerialLink({ path: pty.a, baudRate: 57600 });
    cleanups.push(() => link.close());
    const up = new Promise<void>((r) => link.once('up', () => r()));
    link.start();
    await up;
    expect((await ask(link, SHORT_VFYPWD)).payload[0]).toBe(CODE.packetError);
    expect((await ask(link, encodePacket(PID.command, Uint8Array.from([INSTRUCTION.VfyPwd, 0, 0, 0, 0])))).payload[0]).toBe(CODE.ok);
    expect(emulate.child.exitCode).toBe(null);
    emulate.child.kill('SIGINT');
    expect(await emulate.exit).toBe(0);
  });

  it('says at once that a --port that does not exist does not exist', async () => {
    const emulate = spawnCli(['emulate', 'fingerprint', '--port', '/dev/nope', '--data', ':memory:', '--mqtt-port', '1']);
    cleanups.push(async () => emulate.child.kill('SIGKILL'));
    expect(await emulate.exit).toBe(1);
    expect(emulate.output()).toContain('atm-rig: --port /dev/nope does not exist');
  }, 5000);
});

describe('the CLI module', () => {
  const run = promisify(execFile);
  const root = fileURLToPath(new URL('../', import.meta.url));

  it('does not run main when imported', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '-e', "await import('./rig/cli.ts'); console.log('imported, nothing ran')"],
      { cwd: root },
    );
    expect(stdout).toBe('imported, nothing ran\n');
  });

  it('has a last-resort handler: an exception nothing caught is one line and exit 70', async () => {
    const script =
      "const { installLastResort } = await import('./rig/last-resort.ts'); installLastResort('atm-rig'); setTimeout(() => { throw new Error('boom'); }); Promise.reject(new Error('lost'));";
    const err = await run(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(70);
    expect(err?.stderr.trim().split('\n')).toEqual([
      'atm-rig: internal error (unhandled rejection): lost. This is a bug: please report it with the command you ran (ATM_RIG_DEBUG=1 shows the stack).',
    ]);
  });
});
