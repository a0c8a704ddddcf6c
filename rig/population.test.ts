// `atm-rig seed --customers N` as a user runs it, then the bank it made, used as load runs will: every credential
// in the file logs in (PIN, card, each finger 1:N); and `atm-rig bank-copy` between the stores, both ways.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthTemplate } from '../devices/fingerprint/template.ts';
import { createBankService } from './bank/index.ts';
import { CHEAP_HASH_COST } from './bank/secrets.ts';
import { bankFile } from './bank/testing/stores.ts';
import { parseCredentials } from './population-seed.ts';
import { killLeftovers, runCliToEnd } from './spawn-cli.ts';

afterAll(killLeftovers);

const seed = async (file: string, seedValue: number) =>
  runCliToEnd(['seed', '--customers', '300', '--seed', String(seedValue), '--data', file, '--hash-cost', '4']);
const credentialsOf = async (file: string) => {
  const path = join(dirname(file), 'population-credentials.ndjson');
  return parseCredentials(await readFile(path, 'utf8'), path);
};

describe('atm-rig seed --customers', () => {
  it('makes the same customers from the same seed, credentials in a 0600 file and never on the screen', async () => {
    const [a, b, c] = await Promise.all([bankFile('sqlite'), bankFile('sqlite'), bankFile('sqlite')]);
    const [runA, runB, runC] = await Promise.all([seed(a, 7), seed(b, 7), seed(c, 8)]);
    for (const run of [runA, runB, runC]) expect(run.code, run.output).toBe(0);
    expect(runA.output).toMatch(/300 customers added to .* \(seed 7: the same seed makes the same customers\)/);
    expect(runA.output).toMatch(/customers: 300\/300/); // the progress line
    const [credA, credB, credC] = await Promise.all([credentialsOf(a), credentialsOf(b), credentialsOf(c)]);
    expect(credA).toHaveLength(300);
    expect(credB).toEqual(credA);
    expect(credC.map((x) => x.pin)).not.toEqual(credA.map((x) => x.pin));
    for (const { pin } of credA) expect(runA.output).not.toContain(`"${pin}"`);
    expect(runA.output).not.toMatch(/PIN \d{4}/);
    expect((await stat(join(dirname(a), 'population-credentials.ndjson'))).mode & 0o777).toBe(0o600);
    expect((await stat(a)).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('stores each PIN as a salted hash of its own, and every credential logs in', async () => {
    const file = await bankFile('sqlite');
    expect((await seed(file, 11)).code).toBe(0);
    const credentials = await credentialsOf(file);
    const bank = await createBankService({ file, hashCost: CHEAP_HASH_COST });
    try {
      const hashes = credentials.map((c) => bank.customer(c.id).pinHash!);
      expect(new Set(hashes).size).toBe(credentials.length);
      for (const h of hashes) expect(h).toMatch(/^scrypt\$4\$8\$1\$/);
      // With 300 four-digit PINs some repeat: the same PIN, different hashes (no hash shared or precomputed).
      const twins = credentials.filter((c, i) => credentials.findIndex((d) => d.pin === c.pin) !== i);
      expect(twins.length).toBeGreaterThan(0);
      expect(JSON.stringify(bank.snapshot())).not.toContain(`"pin"`);
      for (const c of credentials.slice(0, 40)) {
        expect(await bank.verifySecret(c.id, 'pin', c.pin)).toEqual({ ok: true });
        expect(bank.lookupCard(c.pan)).toMatchObject({ ok: true, customerId: c.id, accountId: c.account });
        const finger = 1 + (Number(c.id.slice(1)) % 10);
        expect(bank.matchFingerprint(synthTemplate(c.id, finger))).toMatchObject({ ok: true, customerId: c.id, finger });
        expect(bank.customer(c.id).phone).toBe(c.phone);
      }
      expect(bank.records.integrityProblems()).toEqual([]);
    } finally {
      await bank.close();
    }
  }, 60_000);
});

describe('atm-rig bank-copy', () => {
  it('copies a bank into the other store and back, every record and counter, and never overwrites a file', async () => {
    const original = await bankFile('sqlite');
    expect((await seed(original, 3)).code).toBe(0);
    const json = join(dirname(original), 'copy.json');
    const back = join(dirname(original), 'back.sqlite');
    expect((await runCliToEnd(['bank-copy', original, json])).code).toBe(0);
    const copied = await runCliToEnd(['bank-copy', json, back]);
    expect(copied.output).toContain(`Copied ${json} into ${back}: 300 customers`);
    const [a, b] = await Promise.all([createBankService({ file: original, readOnly: true }), createBankService({ file: back })]);
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(b.storeKind).toBe('sqlite');
    await Promise.all([a.close(), b.close()]);
    const again = await runCliToEnd(['bank-copy', original, json]);
    expect(again).toEqual({
      code: 1,
      output: expect.stringContaining(`${json} exists: bank-copy writes a new file and never overwrites one`),
    });
  }, 60_000);
});
