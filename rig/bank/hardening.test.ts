// Issue 10's money and secrets findings, each reproduced against the real bank (HTTP on a random port, real
// files in a temp directory, a second real process for the lock).
import { spawn } from 'node:child_process';
import { link as link_, lstat, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdCustomer } from './testing/sessions.ts';
import { ManualClock } from '../../core/clock.ts';
import { DEMO_CUSTOMERS, seedDemo } from '../seed.ts';
import { basicAuth, MAX_FAILED_CLIENT_LOGINS } from './client-auth.ts';
import { createBankService, startBank, type RunningBank } from './index.ts';
import { CHEAP_HASH_COST } from './secrets.ts';
import { lockFile } from './file-lock.ts';
import { bankFile, STORES } from './testing/stores.ts';

const KYC = {
  phone: '+260971000077',
  email: 'h@example.test',
  address: '1 St',
  city: 'Lusaka',
  gender: 'female' as const,
  dateOfBirth: '1990-01-01',
};
const tempFile = async () => join(await mkdtemp(join(tmpdir(), 'atm-rig-hardening-')), 'bank.json');

describe('one data file, one owner (issue 10.1)', () => {
  it('a second process on the same file gets an error naming the file and the process that holds it', async () => {
    const file = await tempFile();
    const first = await createBankService({ file, hashCost: CHEAP_HASH_COST });
    const holder = fileURLToPath(new URL('./testing/open-bank.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', holder, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain(`bank data file ${file} is in use by process ${process.pid}`);
    // The first owner goes on writing, and nobody else wrote.
    await first.openCustomer({ ...KYC, name: 'Still mine' });
    await first.close();
    // Let go: the file is free for the next owner.
    const second = await createBankService({ file, hashCost: CHEAP_HASH_COST });
    expect(second.snapshot().customers.map((c) => c.name)).toEqual(['Still mine']);
    await second.close();
  }, 20_000);

  it('of several processes starting at once on a stale lock, exactly one owns the file', async () => {
    const holder = fileURLToPath(new URL('./testing/open-bank.ts', import.meta.url));
    for (let trial = 0; trial < 1; trial++) {
      const file = await tempFile();
      // What a SIGKILLed owner leaves: a lock naming a process that is gone.
      await writeFile(
        `${file}.lock`,
        JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: 'killed', since: 'earlier' }) + '\n',
      );
      const runs = Array.from({ length: 3 }, () =>
        spawn(process.execPath, ['--import', 'tsx', holder, file, '2500'], { stdio: ['ignore', 'pipe', 'pipe'] }),
      );
      const opened = await Promise.all(
        runs.map(
          (child) =>
            new Promise<boolean>((resolve) => {
              let out = '';
              child.stdout.on('data', (d: Buffer) => (out += d.toString()));
              child.on('exit', () => resolve(out.includes('opened')));
            }),
        ),
      );
      expect(opened.filter(Boolean), `trial ${trial}`).toHaveLength(1);
    }
  }, 30_000);

  it('of several takeovers of a stale lock racing in one process, exactly one wins', async () => {
    for (let trial = 0; trial < 30; trial++) {
      const file = await tempFile();
      await writeFile(
        `${file}.lock`,
        JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: 'killed', since: 'earlier' }) + '\n',
      );
      // Staggered by a few event-loop turns, so one's create can fall between another's look and its removal.
      const results = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => turns(i * (trial % 4)).then(() => lockFile(file))));
      expect(
        results.filter((r) => r.status === 'fulfilled'),
        `trial ${trial}`,
      ).toHaveLength(1);
      for (const r of results) if (r.status === 'fulfilled') await r.value.release();
    }
  });

  it('a symlink to the file is the file: the lock holds and the link stays a link', async () => {
    const file = await tempFile();
    const link = join(file, '..', 'link.json');
    const first = await createBankService({ file, hashCost: CHEAP_HASH_COST });
    await symlink(file, link);
    await expect(createBankService({ file: link, hashCost: CHEAP_HASH_COST })).rejects.toThrow(/is in use by process/);
    await first.close();
    const viaLink = await createBankService({ file: link, hashCost: CHEAP_HASH_COST });
    await viaLink.openCustomer({ ...KYC, name: 'Through the link' });
    await viaLink.close();
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    const direct = await createBankService({ file, hashCost: CHEAP_HASH_COST });
    expect(direct.snapshot().customers.map((c) => c.name)).toEqual(['Through the link']);
    await direct.close();
    await link_(file, join(file, '..', 'hard.json'));
    await expect(createBankService({ file, hashCost: CHEAP_HASH_COST })).rejects.toThrow(/has 2 hard links/);
  });

  it('two stores in one process are refused too', async () => {
    const file = await tempFile();
    const first = await createBankService({ file, hashCost: CHEAP_HASH_COST });
    await expect(createBankService({ file, hashCost: CHEAP_HASH_COST })).rejects.toThrow(/is in use by process/);
    await first.close();
  });
});

describe('seeding never takes over real customers (issue 10.2)', () => {
  it('leaves a staff customer with a demo id alone, and keeps a reserved hold covered', async () => {
    const bank = await createBankService({ file: ':memory:', hashCost: CHEAP_HASH_COST });
    // Staff open the first customers of a fresh bank: they get C0001 and C0002, the demo's ids.
    const real = await bank.openCustomer({ ...KYC, name: 'Real Person' }, { deposit: 200_000 });
    expect(real.customer.id).toBe('C0001');
    const report = await seedDemo(bank, DEMO_CUSTOMERS, 0);
    expect(report.skipped).toEqual([{ id: 'C0001', why: 'customer C0001 exists and was not created by the demo seed' }]);
    expect(bank.customer('C0001')).toMatchObject({ name: 'Real Person', phone: KYC.phone });
    expect(bank.customer('C0001').pinHash).toBeUndefined();
    expect(bank.account(real.account.number).balance).toBe(200_000);

    // A demo customer with money on hold, seeded again: the hold stays covered, the available balance is the demo's.
    const bwalya = DEMO_CUSTOMERS[1]!;
    const account = bank.snapshot().accounts.find((a) => a.customerId === bwalya.id)!.number;
    const hold = await bank.reserveWithdrawal(account, 10_000, 'hold-across-seed-1');
    await seedDemo(bank, DEMO_CUSTOMERS, 0);
    await bank.commitWithdrawal(hold.withdrawalId);
    expect(bank.account(account).balance).toBe(bwalya.balance);
    expect(bank.account(account).balance).toBeGreaterThanOrEqual(0);
    expect(bank.records.integrityProblems()).toEqual([]);
    // A customer opened after seeding never gets a demo's id.
    const later = await bank.openCustomer({ ...KYC, name: 'Later' });
    expect(DEMO_CUSTOMERS.map((c) => c.id)).not.toContain(later.customer.id);
    expect(new Set(bank.snapshot().customers.map((c) => c.id)).size).toBe(bank.snapshot().customers.length);
  });
});

describe.each(STORES)('holds a crash left behind on the %s store (issue 10.3)', (store) => {
  let bank: RunningBank;
  afterAll(() => bank?.close());

  it('are released at the next start by the restart rule; staff list them and may still debit them', async () => {
    const file = await bankFile(store);
    const before = await createBankService({ file, hashCost: CHEAP_HASH_COST });
    const { account } = await before.openCustomer({ ...KYC, name: 'Crashed' }, { deposit: 100_000 });
    const hold = await before.reserveWithdrawal(account.number, 5_100, 'crash-in-flight-1');
    await writeFile(join(file, '..', `.${basename(file)}.99999.0.tmp`), '{"half":');
    await before.close(); // what a SIGKILL leaves: a reserved hold, a temp file

    bank = await startBank({ file, hashCost: CHEAP_HASH_COST });
    expect(bank.service.account(account.number).available).toBe(100_000 - 5_100);
    const released = await bank.service.releaseHoldsLeftByACrash();
    expect(released.map((h) => h.id)).toEqual([hold.withdrawalId]);
    expect(bank.service.account(account.number).available).toBe(100_000);
    expect((await readdir(join(file, '..'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const staff = await bank.staffHeaders();
    const list = (await (await fetch(`${bank.url}/staff/holds?account=${account.number}`, { headers: staff })).json()) as {
      holds: { id: string; status: string; settledBy?: string; key?: string }[];
    };
    expect(list.holds).toEqual([expect.objectContaining({ id: hold.withdrawalId, status: 'reversed', settledBy: 'restart' })]);
    expect(list.holds[0]!.key).toBeUndefined();
    // The cassette count shows the notes did leave: staff debit it after all, once.
    const commit = () => fetch(`${bank.url}/staff/holds/${hold.withdrawalId}/commit`, { method: 'POST', headers: staff });
    expect((await commit()).status).toBe(200);
    expect((await commit()).status).toBe(200);
    expect(bank.service.account(account.number).balance).toBe(100_000 - 5_100);
    expect(bank.service.records.integrityProblems()).toEqual([]);
  });

  it("are debited by the ATM's commit when the ATM outlived the bank (a lab's ATM host)", async () => {
    const file = await bankFile(store);
    const before = await createBankService({ file, hashCost: CHEAP_HASH_COST });
    const { account } = await before.openCustomer({ ...KYC, name: 'Outlived' }, { deposit: 100_000 });
    const hold = await before.reserveWithdrawal(account.number, 10_000, 'outlived-0001', 'atm-1');
    await before.close(); // the bank dies; the ATM dispenses meanwhile and retries its commit

    const after = await startBank({ file, hashCost: CHEAP_HASH_COST });
    try {
      await after.service.releaseHoldsLeftByACrash();
      const key = (await after.provisionAtms(['atm-1'])).get('atm-1')!;
      const atm = { authorization: basicAuth('atm-1', key), 'content-type': 'application/json' };
      // No session survived the restart: a reserve asked again is refused (no notes leave for it), while the commit
      // of the notes that left before debits the hold once.
      const again = await fetch(`${after.url}/accounts/${account.number}/withdrawals`, {
        method: 'POST',
        headers: { ...atm, 'idempotency-key': 'outlived-0001' },
        body: JSON.stringify({ amount: 10_000 }),
      });
      expect([again.status, ((await again.json()) as { error: string }).error]).toEqual([403, 'no-session']);
      for (let i = 0; i < 2; i++) {
        const commit = await fetch(`${after.url}/withdrawals/${hold.withdrawalId}/commit`, {
          method: 'POST',
          headers: { authorization: atm.authorization },
        });
        expect(commit.status).toBe(200);
      }
      expect(after.service.account(account.number).balance).toBe(100_000 - 10_000);
      expect(after.service.holds({ account: account.number })).toEqual([
        expect.objectContaining({ status: 'committed', settledBy: 'atm' }),
      ]);
      expect(after.service.records.integrityProblems()).toEqual([]);
    } finally {
      await after.close();
    }
  });

  it('staff release a reserved hold', async () => {
    const other = await startBank({ file: ':memory:', hashCost: CHEAP_HASH_COST });
    const { account } = await other.service.openCustomer({ ...KYC, name: 'Held' }, { deposit: 10_000 });
    const hold = await other.service.reserveWithdrawal(account.number, 3_000, 'stuck-hold-0001');
    const res = await fetch(`${other.url}/staff/holds/${hold.withdrawalId}/release`, {
      method: 'POST',
      headers: await other.staffHeaders(),
    });
    expect(res.status).toBe(200);
    expect(other.service.account(account.number).available).toBe(10_000);
    expect(other.service.holds({ status: 'reserved' })).toEqual([]);
    await other.close();
  });
});

describe('idempotency keys (issue 10.4)', () => {
  let bank: RunningBank;
  let authorization = '';
  const accounts: string[] = [];
  beforeAll(async () => {
    bank = await startBank({ file: ':memory:', hashCost: CHEAP_HASH_COST });
    authorization = basicAuth('atm-1', (await bank.provisionAtms(['atm-1'])).get('atm-1')!);
    for (const name of ['A', 'B']) accounts.push((await bank.service.openCustomer({ ...KYC, name }, { deposit: 50_000 })).account.number);
  });
  afterAll(() => bank.close());
  // The ATM's session has checked the account owner's secret before each call (session-guard.ts).
  const post = (path: string, key: string, body: object) => {
    holdCustomer(bank.service, bank.service.account(path.split('/')[2]!).customerId, 'atm-1');
    return fetch(bank.url + path, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
  };

  it('are scoped to the route and the account', async () => {
    const a = await post(`/accounts/${accounts[0]}/withdrawals`, 'shared-key-0001', { amount: 1_000 });
    const b = await post(`/accounts/${accounts[1]}/withdrawals`, 'shared-key-0001', { amount: 1_000 });
    expect([a.status, b.status]).toEqual([201, 201]);
    const [wa, wb] = [(await a.json()) as { withdrawalId: string }, (await b.json()) as { withdrawalId: string }];
    expect(wa.withdrawalId).not.toBe(wb.withdrawalId);
    expect(bank.service.account(accounts[1]!).available).toBe(49_000);
    const deposit = await post(`/accounts/${accounts[0]}/deposits`, 'shared-key-0001', { amount: 1_000 });
    expect(deposit.status).toBe(201);
    expect(bank.service.account(accounts[0]!).balance).toBe(51_000);
  });

  it('refuse a replay with a different body (422) and still replay the same body', async () => {
    expect((await post(`/accounts/${accounts[0]}/deposits`, 'replay-key-0001', { amount: 500 })).status).toBe(201);
    const other = await post(`/accounts/${accounts[0]}/deposits`, 'replay-key-0001', { amount: 900 });
    expect(other.status).toBe(422);
    expect(((await other.json()) as { error: string }).error).toBe('idempotency-key-reused');
    expect((await post(`/accounts/${accounts[0]}/deposits`, 'replay-key-0001', { amount: 500 })).status).toBe(201);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__defineGetter__'])('key %s is an ordinary key', async (key) => {
    const padded = key.padEnd(8, '_');
    for (const path of [
      `/accounts/${accounts[1]}/deposits`,
      `/accounts/${accounts[1]}/withdrawals`,
      `/accounts/${accounts[1]}/transfers`,
    ]) {
      const res = await post(path, padded, path.endsWith('transfers') ? { to: accounts[0], amount: 100 } : { amount: 100 });
      expect(res.status, `${path} with key ${padded}`).toBe(201);
    }
    expect(bank.service.records.integrityProblems()).toEqual([]);
  });
});

describe('who may call the ATM routes (issue 10.8)', () => {
  it('nobody without an ATM key or a staff login; failed logins are cut off before they cost a hash', async () => {
    const bank = await startBank({ file: ':memory:', hashCost: CHEAP_HASH_COST, clock: new ManualClock() });
    await seedDemo(bank.service, DEMO_CUSTOMERS, 0);
    const key = (await bank.provisionAtms(['atm-1'])).get('atm-1')!;
    const otp = (headers: Record<string, string>) =>
      fetch(`${bank.url}/otp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ customerId: 'C0001' }),
      });
    const open = await otp({});
    expect(open.status).toBe(401);
    expect(JSON.stringify(await open.json())).not.toContain('+260');
    expect((await fetch(`${bank.url}/accounts/1000000001`)).status).toBe(401);
    expect((await otp({ authorization: basicAuth('atm-1', 'not-the-key') })).status).toBe(401);
    // The right key gets past the login; an OTP is then only for the customer this ATM's session holds (none here).
    const noSession = await otp({ authorization: basicAuth('atm-1', key) });
    expect([noSession.status, ((await noSession.json()) as { error: string }).error]).toEqual([403, 'no-session']);
    expect((await otp(await bank.staffHeaders())).status).toBe(201);
    // Calls with no key, or for an ATM that does not exist, cost nothing and are not counted: they cannot lock the
    // real ATM out (the attack review's finding: 31 bare requests did).
    for (let i = 0; i < MAX_FAILED_CLIENT_LOGINS + 5; i++) await otp(i % 2 ? {} : { authorization: basicAuth('atm-9', 'x') });
    expect((await otp({ authorization: basicAuth('atm-1', key) })).status).toBe(403); // past the login: the session check (no session here)
    // A guesser of atm-1's key: past the limit the bank answers 429 without checking ...
    const guesses = await Promise.all(
      Array.from({ length: MAX_FAILED_CLIENT_LOGINS + 10 }, (_, i) =>
        otp({ authorization: basicAuth('atm-1', `guess-${i}`) }).then((r) => r.status),
      ),
    );
    expect(guesses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
    // ... and the ATM with its right key and staff still get in (the ATM past the login, to the session check).
    const stillIn = await otp({ authorization: basicAuth('atm-1', key) });
    expect([stillIn.status, ((await stillIn.json()) as { error: string }).error]).toEqual([403, 'no-session']);
    expect((await otp(await bank.staffHeaders())).status).toBe(201);
    await bank.close();
  });

  it('every ATM route has a rate limit', async () => {
    const bank = await startBank({ file: ':memory:', hashCost: CHEAP_HASH_COST });
    const doc = (await (await fetch(`${bank.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const atmRoutes = Object.entries(doc.paths).filter(([p]) => /^\/(auth|otp|accounts|withdrawals|customers)\b/.test(p));
    expect(atmRoutes.length).toBeGreaterThan(10);
    const limited = bank.app.printRoutes({ includeHooks: true });
    expect(limited).not.toContain('undefined');
    const authorization = basicAuth('atm-1', (await bank.provisionAtms(['atm-1'])).get('atm-1')!);
    const res = await fetch(`${bank.url}/accounts/1000000001/ledger`, { headers: { authorization } });
    expect(res.headers.get('x-ratelimit-limit')).toBe('600');
    await bank.close();
  });
});

describe('secrets the bank makes and checks (issues 10.7, 10.9)', () => {
  it('OTP codes come from the CSPRNG unless the run asks to be deterministic', async () => {
    const codes = async (deterministicSecrets: boolean) => {
      const bank = await createBankService({ file: ':memory:', hashCost: CHEAP_HASH_COST, seed: 5, deterministicSecrets });
      await seedDemo(bank, DEMO_CUSTOMERS, 0);
      const out: string[] = [];
      for (let i = 0; i < 3; i++) out.push((await bank.issueOtp('C0001', { length: 8, alphabet: 'digits', ttlSeconds: 60 })).code);
      return out;
    };
    // Same seed, two banks: the seeded stream repeats itself (so a test run replays), the CSPRNG does not.
    expect(await codes(true)).toEqual(await codes(true));
    const [a, b] = [await codes(false), await codes(false)];
    expect(a).not.toEqual(b);
    expect(new Set(a).size).toBe(3);
  });

  it('a correct password does not reset the count of wrong PINs', async () => {
    const bank = await createBankService({ file: ':memory:', hashCost: CHEAP_HASH_COST, lockAfterFailures: 6 });
    await seedDemo(bank, DEMO_CUSTOMERS, 0);
    const alice = DEMO_CUSTOMERS[0]!;
    const verdicts: string[] = [];
    for (let i = 0; i < 20; i++) {
      const pin = await bank.verifySecret(alice.id, 'pin', '0000');
      verdicts.push(pin.ok ? 'ok' : pin.reason);
      await bank.verifySecret(alice.id, 'password', alice.password);
    }
    expect(verdicts.slice(0, 5)).toEqual(Array(5).fill('wrong-pin'));
    expect(verdicts[5]).toBe('locked');
    expect(verdicts.slice(6).every((v) => v === 'locked')).toBe(true);
    expect(bank.customer(alice.id).locks?.pin).toBeDefined();
  });

  it('a stranger locking the password at the web login does not lock the card and PIN', async () => {
    const bank = await createBankService({ file: ':memory:', hashCost: CHEAP_HASH_COST, lockAfterFailures: 6 });
    await seedDemo(bank, DEMO_CUSTOMERS, 0);
    const alice = DEMO_CUSTOMERS[0]!;
    for (let i = 0; i < 6; i++) await bank.verifyCredentials(alice.username, 'WRONG1');
    expect(await bank.verifyCredentials(alice.username, alice.password)).toMatchObject({ ok: false });
    expect(await bank.verifySecret(alice.id, 'password', alice.password)).toEqual({ ok: false, reason: 'locked' });
    expect(await bank.verifySecret(alice.id, 'pin', alice.pin)).toEqual({ ok: true });
  });
});

describe('a corrupt or empty bank file (issue 10.19)', () => {
  it.each([
    ['empty', '', /the file is empty/],
    ['not JSON', '{"version":1,\n  "customers": [,]}', /not JSON \(line 2, column \d+/],
    ['not bank data', '{"version":1,"customers":"many"}', /not atm-rig bank data \(counters: /],
  ])('%s: says which file, what is wrong and how to recover', async (_what, text, problem) => {
    const file = await tempFile();
    const good = await createBankService({ file, hashCost: CHEAP_HASH_COST });
    await good.openCustomer({ ...KYC, name: 'Kept' });
    await good.close();
    await createBankService({ file, hashCost: CHEAP_HASH_COST }).then((b) => b.close()); // a start keeps a good copy
    await writeFile(file, text);
    const err = await createBankService({ file, hashCost: CHEAP_HASH_COST }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(problem);
    expect(err?.message).toContain(`bank data file ${file} cannot be used`);
    expect(err?.message).toContain(`The last good copy is ${file}.bak`);
    expect(err?.message).toContain('with no atm-rig running on it');
    // The advice works: the copy opens, with the customer in it; and the failed open did not keep the lock.
    const { copyFile } = await import('node:fs/promises');
    await copyFile(`${file}.bak`, file);
    const restored = await createBankService({ file, hashCost: CHEAP_HASH_COST });
    expect(restored.snapshot().customers.map((c) => c.name)).toEqual(['Kept']);
    await restored.close();
  });
});

describe('data paths people get wrong (from the user review)', () => {
  it('a folder, or a file where a folder should be, is named plainly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atm-rig-paths-'));
    await expect(createBankService({ file: dir, hashCost: CHEAP_HASH_COST })).rejects.toThrow(
      `bank data file ${dir} is a folder: give a file, e.g. ${join(dir, 'bank.json')}`,
    );
    await writeFile(join(dir, 'x.csv'), 'a,b\n');
    await expect(createBankService({ file: join(dir, 'x.csv', 'bank.json'), hashCost: CHEAP_HASH_COST })).rejects.toThrow(
      `cannot make the folder ${join(dir, 'x.csv')} for the bank data file: a file is in the way`,
    );
  });
});

describe('the rig applies the restart rule when it starts (issue 10.3)', () => {
  it('releases the holds a killed rig left, and says so', async () => {
    const file = await tempFile();
    const crashed = await createBankService({ file, hashCost: CHEAP_HASH_COST });
    const { account } = await crashed.openCustomer({ ...KYC, name: 'Mid-dispense' }, { deposit: 60_000 });
    await crashed.reserveWithdrawal(account.number, 51_100, 'killed-mid-dispense');
    await crashed.close();
    const { startRig } = await import('../rig.ts');
    const rig = await startRig({ broker: { port: 0, wsPort: null, hashIterations: 10 }, bank: { port: 0, file, hashLogN: 10 } });
    try {
      expect(rig.releasedHolds.map((h) => h.amount)).toEqual([51_100]);
      expect(rig.bank.service.account(account.number).available).toBe(60_000);
    } finally {
      await rig.close();
    }
  });
});

/** Let `n` event-loop turns pass (file-system callbacks included). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

describe('the web ATM from outside (from the user and attack reviews)', () => {
  it('answers a missing or malformed token with 401, and limits signups per address', async () => {
    const bank = await startBank({ file: ':memory:', hashCost: CHEAP_HASH_COST });
    for (const headers of [{}, { authorization: 'Bearer short' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
      expect((await fetch(`${bank.url}/web/balance`, { headers })).status).toBe(401);
      expect((await fetch(`${bank.url}/web/logout`, { method: 'POST', headers })).status).toBe(401);
    }
    const signup = (i: number) =>
      fetch(`${bank.url}/web/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...KYC, name: `Web ${i}`, username: `WEB${i}`, password: 'PASS12', finger: 1, template: 'A'.repeat(64) }),
      }).then((r) => r.status);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await signup(i));
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    await bank.close();
  });
});
