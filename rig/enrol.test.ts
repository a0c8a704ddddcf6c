// A real module's path, end to end on the emulator with varied impressions (every capture different bytes, as an
// R307's): `enrol` puts Alice's ten fingers in the module's library and their models in the bank; an ATM whose
// sensor has `match: module` then recognises her, while the bank's own byte comparison cannot.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthTemplate } from '../devices/fingerprint/template.ts';
import { ZfmEmulator } from '../devices/fingerprint/zfm/emulator.ts';
import { SerialLink } from '../devices/serial/link.ts';
import { openPtyPair } from '../devices/serial/pty.ts';
import { AtmClient } from './atm-client.ts';
import { createBankService } from './bank/index.ts';
import { enrolCustomer, parseFingers } from './enrol.ts';
import { fileBank } from './enrol-bank.ts';
import { startRig } from './rig.ts';
import { DEMO_CUSTOMERS, seedDemo } from './seed.ts';

const alice = DEMO_CUSTOMERS[0]!;
const finger = (f: number) => Buffer.from(synthTemplate(alice.id, f), 'base64');
const cleanups: (() => Promise<unknown>)[] = [];
let sensor: string;
let file: string;
let zfm: ZfmEmulator;
const said: string[] = [];

beforeAll(async () => {
  const pair = await openPtyPair();
  cleanups.push(() => pair.close());
  const link = new SerialLink({ path: pair.b, baudRate: 57600 });
  zfm = new ZfmEmulator(link, { impressions: 'varied' });
  link.start();
  cleanups.push(() => link.close());
  sensor = pair.a;
  file = join(await mkdtemp(join(tmpdir(), 'atm-rig-enrol-')), 'bank.json');
  const bank = await createBankService({ file, hashCost: { logN: 4, r: 8, p: 1 } });
  await seedDemo(bank, [alice], 0);
  await enrolCustomer({
    sensor: { path: sensor, baudRate: 57600 },
    customerId: alice.id,
    fingers: parseFingers('1-10'),
    bank: fileBank(bank),
    say: (line) => said.push(line),
    person: (f) => ({ place: () => zfm.placeFinger(finger(f)), lift: () => zfm.lift() }),
    pollMs: 5,
  });
  await bank.close();
}, 60_000);
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** An ATM on Alice's module; she places the finger it asks for. Resolves with the screen that follows. */
async function session(match: 'bank' | 'module'): Promise<string> {
  const rig = await startRig({
    broker: { port: 0, wsPort: null, hashIterations: 10 },
    bank: { port: 0, file, hashLogN: 4 },
    atms: [{ id: 'atm-1', profile: 'seed001', devices: { fingerprint: `serial:${sensor}@57600` }, fingerprint: { match } }],
  });
  const person = await AtmClient.connect(rig.brokerUrl, 'atm-1', rig.bus.simulator);
  try {
    const sensorState = () => person.messages.findLast((m) => m.topic.endsWith('/fingerprint/state'))?.payload;
    await person.until(() => sensorState()?.online === true, 'the sensor online', 10_000);
    await person.untilScreen('welcome', 10_000);
    // ENTER again if the first press found the ATM between states (seen once under a loaded CI: the press was taken
    // while the ATM went briefly out of service and back; noted for a closer look).
    let requestedFinger: number | undefined;
    for (let i = 0; i < 3 && requestedFinger === undefined; i++) {
      await person.press('ENTER');
      requestedFinger = await person.untilScreen('place-finger', 4000).then(
        (s) => s.requestedFinger,
        () => undefined,
      );
    }
    if (requestedFinger === undefined)
      throw new Error(
        `no place-finger screen after three ENTERs: ${person.messages.map((m) => `${m.topic} ${JSON.stringify(m.payload).slice(0, 100)}`).join('\n')}`,
      );
    zfm.placeFinger(finger(requestedFinger));
    // Either the next tier, or the same screen again with one attempt fewer.
    const decided = () => !['place-finger', 'checking-finger'].includes(person.session?.screen ?? '') || person.session?.attempt === 2;
    await person.until(decided, 'the verdict', 10_000);
    return `${person.session!.screen} attempt ${person.session!.attempt}`;
  } finally {
    await person.close();
    await rig.close();
  }
}

describe('a module that matches on its own', () => {
  it('enrols ten fingers at free pages, telling the person what to do', () => {
    expect(zfm.library.size).toBe(10);
    expect(said).toContain('Place the left index (finger 7) on the sensor.');
    expect(said).toContain('Lift the finger.');
    expect(said.at(-1)).toBe("The bank has Alice Banda's 10 model(s).");
  });

  it('a re-enrolment replaces her models in place: no second model of a finger, and she is still recognised', async () => {
    const bank = await createBankService({ file, hashCost: { logN: 4, r: 8, p: 1 } });
    const again: string[] = [];
    await enrolCustomer({
      sensor: { path: sensor, baudRate: 57600 },
      customerId: alice.id,
      fingers: parseFingers('1-10'),
      bank: fileBank(bank),
      say: (line) => again.push(line),
      person: (f) => ({ place: () => zfm.placeFinger(finger(f)), lift: () => zfm.lift() }),
      pollMs: 5,
    });
    await bank.close();
    expect(zfm.library.size).toBe(10);
    expect(again.filter((l) => l.includes('replaced its old model'))).toHaveLength(10);
  }, 60_000);

  it('match: module recognises her: the PIN comes next', async () => {
    expect(await session('module')).toMatch(/^enter-pin/);
  }, 30_000);

  it("match: bank cannot: a real module's captures never equal the enrolled bytes", async () => {
    expect(await session('bank')).toBe('place-finger attempt 2'); // "Finger not matched", one attempt gone
  }, 30_000);
});
