// A real module's path on the emulator with varied impressions (every capture different bytes, as an R307's): `enrol`
// puts Alice's ten fingers in the module's library and their models in the bank; a sensor with `match: module` then
// sends a template the bank recognises as hers, while with `match: bank` the bank's byte comparison cannot.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthTemplate } from '../devices/fingerprint/template.ts';
import { ZfmEmulator } from '../devices/fingerprint/zfm/emulator.ts';
import { SerialLink } from '../devices/serial/link.ts';
import { SerialFingerprintSensor } from '../devices/fingerprint/serial.ts';
import { startDriver } from '../devices/serial/testing.ts';
import { openPtyPair } from '../devices/serial/pty.ts';
import { createBankService } from './bank/index.ts';
import { enrolCustomer, parseFingers } from './enrol.ts';
import { fileBank } from './enrol-bank.ts';
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

/**
 * Alice's finger on her module, read by the serial driver with `match`; resolves with the bank's 1:N verdict on the
 * template the driver sends (what the ATM's fingerprint tier asks the bank). The driver and the bank are the real
 * ones; the session machine around them is exercised by the features.
 */
async function verdict(match: 'bank' | 'module', which: number) {
  const driver = new SerialFingerprintSensor({ path: sensor, baudRate: 57600 }, { pollMs: 20, match });
  try {
    const run = await startDriver(driver);
    zfm.placeFinger(finger(which));
    await run.until(() => run.events.some((e) => e.name === 'captured'), 'a capture');
    const captured = run.events.find((e) => e.name === 'captured')!.payload as { template: string; matchedOnModule?: unknown };
    const bank = await createBankService({ file, hashCost: { logN: 4, r: 8, p: 1 }, readOnly: true });
    try {
      return { ...bank.matchFingerprint(captured.template), matchedOnModule: captured.matchedOnModule };
    } finally {
      await bank.close();
    }
  } finally {
    await driver.stop();
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

  it('match: module recognises her, by the finger she placed', async () => {
    expect(await verdict('module', 7)).toMatchObject({
      ok: true,
      customerId: alice.id,
      finger: 7,
      matchedOnModule: { score: expect.any(Number) },
    });
  }, 30_000);

  it("match: bank cannot: a real module's captures never equal the enrolled bytes", async () => {
    expect(await verdict('bank', 7)).toMatchObject({ ok: false, reason: 'no-match' });
  }, 30_000);
});
