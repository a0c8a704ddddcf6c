// Each store on real files: one owner per file, bad files refused with advice, group commit (one durable write for
// many operations, a failing operation rolled back alone, a failed write answered as a failure and undone).
import { spawn } from 'node:child_process';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createBankService } from './index.ts';
import { CHEAP_HASH_COST } from './secrets.ts';
import { openStore } from './store.ts';
import { bankFile, STORES } from './testing/stores.ts';

const KYC = {
  phone: '+260971000066',
  email: 's@example.test',
  address: '1 St',
  city: 'Lusaka',
  gender: 'male' as const,
  dateOfBirth: '1990-01-01',
};
const open = (file: string) => createBankService({ file, hashCost: CHEAP_HASH_COST });

describe.each(STORES)('the %s store', (store) => {
  it('has one owner: a second process, or a second store in this one, is told who holds the file', async () => {
    const file = await bankFile(store);
    const first = await open(file);
    await expect(open(file)).rejects.toThrow(`bank data file ${file} is in use by process ${process.pid}`);
    const holder = fileURLToPath(new URL('./testing/open-bank.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', holder, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(1);
    expect(stderr).toContain(`is in use by process ${process.pid}`);
    await first.openCustomer({ ...KYC, name: 'Still mine' });
    await first.close();
    const second = await open(file);
    expect([...second.records.customers()].map((c) => c.name)).toEqual(['Still mine']);
    await second.close();
  }, 20_000);

  it('follows a symlink to the one real file', async () => {
    const file = await bankFile(store);
    const link = join(dirname(file), `link.${store}`);
    await symlink(file, link);
    const viaLink = await open(link);
    await expect(open(file)).rejects.toThrow(/is in use by process/);
    await viaLink.openCustomer({ ...KYC, name: 'Through the link' });
    await viaLink.close();
    const direct = await open(file);
    expect(direct.records.customerCount()).toBe(1);
    await direct.close();
  });

  it('commits concurrent operations together, each answered only once durable', async () => {
    const file = await bankFile(store);
    const bank = await open(file);
    const { account } = await bank.openCustomer({ ...KYC, name: 'Busy' });
    const before = bank.stats.batches;
    const deposits = await Promise.all(Array.from({ length: 50 }, (_, i) => bank.deposit(account.number, 100, `group-${i}-key`)));
    expect(deposits.map((d) => d.balance).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => (i + 1) * 100));
    // Fifty operations asked in one turn of the event loop: one durable write.
    expect(bank.stats.batches - before).toBe(1);
    await bank.close();
    const again = await open(file);
    expect(again.account(account.number).balance).toBe(5_000);
    expect(again.records.integrityProblems()).toEqual([]);
    await again.close();
  });

  it('rolls back an operation that fails, alone, in a batch with others', async () => {
    const bank = await open(await bankFile(store));
    const { account } = await bank.openCustomer({ ...KYC, name: 'Mixed' }, { deposit: 1_000 });
    const results = await Promise.allSettled([
      bank.deposit(account.number, 500, 'mixed-ok-0001'),
      bank.reserveWithdrawal(account.number, 1_000_000, 'mixed-too-much'),
      bank.transfer(account.number, '9999999999', 100, 'mixed-nowhere'),
      bank.deposit(account.number, 250, 'mixed-ok-0002'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(bank.account(account.number)).toMatchObject({ balance: 1_750, available: 1_750 });
    expect(bank.records.holds({ account: account.number })).toEqual([]);
    expect(bank.records.integrityProblems()).toEqual([]);
    await bank.close();
  });

  it('answers a batch whose write fails with the error, and undoes it', async () => {
    const file = await bankFile(store);
    const bank = await open(file);
    const { account } = await bank.openCustomer({ ...KYC, name: 'Unlucky' }, { deposit: 1_000 });
    // The disk goes away under the bank: the JSON store cannot write its file, SQLite its journal.
    await rm(dirname(file), { recursive: true, force: true });
    const lost = await bank.deposit(account.number, 500, 'lost-write-01').then(
      () => 'acknowledged',
      () => 'refused',
    );
    if (lost === 'refused') expect(bank.account(account.number).balance).toBe(1_000);
    // SQLite keeps writing to the unlinked file (it holds it open): acknowledged there is still durable in it.
    else expect(store).toBe('sqlite');
    await bank.close();
  });
});

describe.each(STORES)('a customer from a file before 0.2 on the %s store', (store) => {
  it('has her old streak of failures carried over once, even when her first check passes', async () => {
    const file = await bankFile(store);
    const setup = await createBankService({ file, hashCost: CHEAP_HASH_COST, lockAfterFailures: 6 });
    const { customer } = await setup.openCustomer({ ...KYC, name: 'Old File' });
    await setup.setSecret(customer.id, 'pin', '2580');
    await setup.setSecret(customer.id, 'password', 'OLD123');
    await setup.close();
    const raw = await openStore(file);
    await raw.update((r) => r.putCustomer({ ...r.customer(customer.id)!, failedSecrets: 3 }));
    await raw.close();

    const bank = await createBankService({ file, hashCost: CHEAP_HASH_COST, lockAfterFailures: 6 });
    expect(await bank.verifySecret(customer.id, 'pin', '2580')).toEqual({ ok: true });
    // The right PIN ended the PIN's streak; the password's three old failures still count.
    for (let i = 0; i < 5; i++) expect(await bank.verifySecret(customer.id, 'pin', '0000')).toEqual({ ok: false, reason: 'wrong-pin' });
    for (let i = 0; i < 2; i++) await bank.verifySecret(customer.id, 'password', 'WRONG1');
    expect(await bank.verifySecret(customer.id, 'password', 'WRONG1')).toEqual({ ok: false, reason: 'locked' });
    await bank.close();
  });
});

describe('the JSON store', () => {
  it('writes the document that snapshot() describes, and reads it back the same', async () => {
    const file = await bankFile('json');
    const bank = await open(file);
    const { customer, account } = await bank.openCustomer({ ...KYC, name: 'Written' }, { deposit: 2_000 });
    await bank.enrolFinger(customer.id, 4, Buffer.alloc(512, 7).toString('base64'));
    await bank.setSecret(customer.id, 'pin', '2468');
    const w = await bank.reserveWithdrawal(account.number, 500, '__proto__');
    await bank.commitWithdrawal(w.withdrawalId);
    await bank.issueOtp(customer.id, { length: 6, alphabet: 'digits', ttlSeconds: 60 });
    await bank.setClientKey('atm-9', 'key-of-atm-9');
    const before = bank.snapshot();
    await bank.close();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(before);
    const again = await open(file);
    expect(again.snapshot()).toEqual(before);
    await again.close();
  });
});

describe('files the SQLite store refuses, saying which file and what to do', () => {
  it.each([
    ['an empty file', async (f: string) => writeFile(f, ''), /the file is empty/],
    ['not SQLite', async (f: string) => writeFile(f, '{"version":1}'), /it is not an SQLite database/],
    [
      'another program’s SQLite database',
      async (f: string) => new Database(f).exec('CREATE TABLE songs (title TEXT)').close(),
      /not atm-rig bank data \(an SQLite database without its tables\)/,
    ],
  ])('%s', async (_what, make, problem) => {
    const file = await bankFile('sqlite');
    await make(file);
    const err = await open(file).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.name).toBe('BankFileError');
    expect(err?.message).toMatch(problem);
    expect(err?.message).toContain(`bank data file ${file} cannot be used`);
    expect(err?.message).toContain(`Move ${file} aside to start with an empty bank.`);
    // The failed open let the file go.
    await writeFile(file, '');
    await rm(file);
    await (await open(file)).close();
  });

  it('a name that says no store is refused with the names that do', async () => {
    await expect(openStore(join(dirname(await bankFile('json')), 'bank.txt'))).rejects.toThrow(
      /end it in \.json \(one readable file, for small rigs\) or \.sqlite, \.sqlite3, \.db/,
    );
  });
});
