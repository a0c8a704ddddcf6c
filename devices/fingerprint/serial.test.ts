// The fingerprint driver against the ZFM emulator over a real pseudo-terminal pair (socat), then on the bus.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { synthTemplate } from './template.ts';
import { SerialLink } from '../serial/link.ts';
import { openPtyPair } from '../serial/pty.ts';
import { linkedPair } from '../serial/testing.ts';
import { ZfmEmulator } from './zfm/emulator.ts';
import { enrolFinger } from './zfm/enrolment.ts';
import { ZfmHost } from './zfm/host.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function wire(): Promise<{ host: ZfmHost; emulator: ZfmEmulator; hostLink: SerialLink }> {
  const pair = await linkedPair();
  cleanups.push(() => pair.close());
  return { host: new ZfmHost(pair.host), emulator: new ZfmEmulator(pair.device), hostLink: pair.host };
}

const template = (customer: string, finger: number) => Buffer.from(synthTemplate(customer, finger), 'base64');

describe('ZFM host and emulator over a pty pair', () => {
  it('refuses commands before VfyPwd, and a wrong password', async () => {
    const { host } = await wire();
    await expect(host.genImg()).rejects.toThrow(/0x21/);
    await expect(host.verifyPassword(1234)).rejects.toThrow(/0x13/);
    await host.verifyPassword(0);
    expect(await host.genImg()).toBe(false); // no finger: code 0x02
  });

  it('enrols all ten fingers of a customer, then finds each by 1:N search and 1:1 match', async () => {
    const { host, emulator } = await wire();
    await host.verifyPassword();
    expect(await host.readSysPara()).toMatchObject({ capacity: 1000, packetSize: 128 });
    for (let finger = 1; finger <= 10; finger++) {
      const person = { place: () => emulator.placeFinger(template('C0001', finger)), lift: () => emulator.lift() };
      const { model, page } = await enrolFinger(host, () => finger, person, { pollMs: 5 });
      expect([model.equals(template('C0001', finger)), page]).toEqual([true, finger]);
    }
    expect(await host.templateCount()).toBe(10);

    // The last finger was lifted after its beep: a new one lands after one "no finger" reading.
    const capture = async () => {
      while (!(await host.genImg()));
      await host.img2Tz(1);
    };
    emulator.placeFinger(template('C0001', 7));
    await capture();
    expect(await host.search(1)).toEqual({ page: 7, score: 100 });
    await host.loadChar(2, 7);
    expect(await host.match()).toBe(100);
    await host.loadChar(2, 3);
    expect(await host.match()).toBeUndefined(); // code 0x08: finger 7 is not finger 3

    emulator.placeFinger(template('C0002', 7));
    await capture();
    expect(await host.search(1)).toBeUndefined(); // code 0x09: nobody enrolled this finger
  });

  it('moves a 512-byte template both ways in data packets (UpChar, DownChar)', async () => {
    const { host, emulator } = await wire();
    await host.verifyPassword();
    await host.readSysPara();
    const t = template('C0003', 2);
    emulator.placeFinger(t);
    await host.genImg();
    await host.img2Tz(1);
    expect((await host.upChar(1)).equals(t)).toBe(true);
    await host.downChar(2, template('C0003', 5));
    await host.store(2, 42);
    expect(emulator.library.get(42)?.bytes.equals(template('C0003', 5))).toBe(true);
  });

  it('answers a corrupted packet with "packet error" (0x01)', async () => {
    const { hostLink, emulator } = await wire();
    const answers: Buffer[] = [];
    hostLink.on('data', (d) => answers.push(d));
    void emulator;
    await hostLink.write(Buffer.from('EF01FFFFFFFF0100030100FF', 'hex')); // GenImg with a wrong checksum
    await new Promise((r) => setTimeout(r, 200));
    expect(Buffer.concat(answers).toString('hex')).toBe('ef01ffffffff07000301000b');
  });
});

describe('a port that goes away and comes back', () => {
  it('reports down, then up again on the same path, with back-off', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atm-rig-pty-'));
    const links: [string, string] = [join(dir, 'ttyATM0'), join(dir, 'ttyEMU0')];
    let pair = await openPtyPair(5000, links);
    const link = new SerialLink({ path: links[0], baudRate: 57600 }, { minBackoffMs: 50, maxBackoffMs: 400 });
    cleanups.push(() => link.close());
    const events: string[] = [];
    link.on('up', () => events.push('up'));
    link.on('down', () => events.push('down'));
    const firstUp = new Promise<void>((r) => link.once('up', () => r()));
    link.start();
    await firstUp;
    const down = new Promise((r) => link.once('down', r));
    await pair.close(); // unplugged
    await down;
    pair = await openPtyPair(5000, links); // plugged back in
    cleanups.push(() => pair.close());
    await new Promise<void>((r) => link.once('up', () => r()));
    expect(events).toEqual(['up', 'down', 'up']);
  }, 20_000);
});

describe('the fingerprint driver', () => {
  it('captures one template per placement, finger after finger', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const { SerialFingerprintSensor } = await import('./serial.ts');
    const driver = new SerialFingerprintSensor({ path: pair.a, baudRate: 57600 }, { pollMs: 20 });
    const emuLink = new SerialLink({ path: pair.b, baudRate: 57600 });
    cleanups.push(
      () => driver.stop(),
      () => emuLink.close(),
    );
    const emulator = new ZfmEmulator(emuLink);
    emuLink.start();
    const captured: string[] = [];
    const states: Record<string, unknown>[] = [];
    const ctx = {
      atmId: 'atm-1',
      clock: { now: () => Date.now(), setTimeout, clearTimeout },
      random: undefined as never,
      emit: (name: string, payload: object) => name === 'captured' && captured.push((payload as { template: string }).template),
      setState: (s: Record<string, unknown>) => states.push(s),
      publish: () => {},
      error: (code: string, message: string) => states.push({ error: code, message }),
    };
    driver.start(ctx as never);
    const until = async (test: () => boolean, what: string) => {
      for (let i = 0; i < 200 && !test(); i++) await new Promise((r) => setTimeout(r, 20));
      if (!test()) throw new Error(`never: ${what}; states ${JSON.stringify(states.slice(-3))}`);
    };
    await until(() => states.some((s) => s.online === true), 'online');
    for (const finger of [3, 8, 3]) {
      emulator.placeFinger(template('C0001', finger));
      await until(() => captured.length === [3, 8, 3].indexOf(finger) + 1 || captured.length >= 3, `capture of finger ${finger}`);
      await until(() => !emulator.fingerOn, 'the finger lifted');
    }
    expect(captured.map((t) => Buffer.from(t, 'base64').equals(template('C0001', 3)))).toEqual([true, false, true]);
  }, 20_000);
});
