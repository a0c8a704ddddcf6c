// Money is never lost or doubled: concurrent withdrawals, a bank killed in the middle of writing, a dispenser
// fault after the reserve, replayed requests.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdCustomer } from './testing/sessions.ts';
import { CHEAP_HASH_COST } from './secrets.ts';
import { bankFile, STORES } from './testing/stores.ts';
import { openStore } from './store.ts';
import { startBank, type RunningBank } from './index.ts';
import { basicAuth } from './client-auth.ts';

describe.each(STORES)('concurrent withdrawals over HTTP on the %s store', (store) => {
  let bank: RunningBank;
  let account = '';
  let authorization = '';
  beforeAll(async () => {
    bank = await startBank({ file: await bankFile(store), hashCost: CHEAP_HASH_COST, dailyWithdrawalLimit: 1e12 });
    authorization = basicAuth('atm-1', (await bank.provisionAtms(['atm-1'])).get('atm-1')!);
    const { account: a } = await bank.service.openCustomer(
      {
        name: 'Concurrent',
        phone: '+260971000098',
        email: 'c@example.test',
        address: '1 St',
        city: 'Lusaka',
        gender: 'female',
        dateOfBirth: '1990-01-01',
      },
      { deposit: 100_000 },
    );
    account = a.number;
    // The ATM's session has checked the customer's PIN: only then may it act on her account (session-guard.ts).
    holdCustomer(bank.service, a.customerId, 'atm-1');
  });
  afterAll(() => bank.close());

  it('100 withdrawals of 30.00 at once from 1000.00: exactly 33 pass, none overdraws, the ledger adds up', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        fetch(`${bank.url}/accounts/${account}/withdrawals`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', 'idempotency-key': `concurrent-${i}-xxxx` },
          body: JSON.stringify({ amount: 3_000 }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { withdrawalId?: string; error?: string } })),
      ),
    );
    const ok = answers.filter((a) => a.status === 201);
    expect(ok).toHaveLength(33);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error === 'insufficient-funds')).toBe(true);
    // Commit them all at once too.
    await Promise.all(
      ok.map((a) => fetch(`${bank.url}/withdrawals/${a.body.withdrawalId}/commit`, { method: 'POST', headers: { authorization } })),
    );
    const { balance, available } = bank.service.account(account);
    expect(balance).toBe(100_000 - 33 * 3_000);
    expect(available).toBe(balance);
    expect(bank.service.records.integrityProblems()).toEqual([]);
  });

  it('a replayed withdrawal (same idempotency key) is applied once', async () => {
    const send = () =>
      fetch(`${bank.url}/accounts/${account}/withdrawals`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json', 'idempotency-key': 'replayed-once-0001' },
        body: JSON.stringify({ amount: 500 }),
      }).then((r) => r.json() as Promise<{ withdrawalId: string }>);
    const [a, b, c] = await Promise.all([send(), send(), send()]);
    expect(new Set([a.withdrawalId, b.withdrawalId, c.withdrawalId]).size).toBe(1);
    expect(bank.service.snapshot().holds.filter((h) => h.key === 'replayed-once-0001')).toHaveLength(1);
    expect(bank.service.records.holds({ account }).filter((h) => h.key === 'replayed-once-0001')).toHaveLength(1);
  });

  it('a dispenser fault after the reserve leaves the balance untouched', async () => {
    const before = bank.service.account(account);
    const w = await bank.service.reserveWithdrawal(account, 400, 'jam-after-reserve-1');
    expect(bank.service.account(account).available).toBe(before.available - 400);
    await bank.service.reverseWithdrawal(w.withdrawalId);
    expect(bank.service.account(account)).toMatchObject({ balance: before.balance, available: before.available });
    await expect(bank.service.commitWithdrawal(w.withdrawalId)).rejects.toThrow(/reversed/);
    expect(bank.service.records.integrityProblems()).toEqual([]);
  });
});

describe.each(STORES)('a bank on the %s store killed with SIGKILL in the middle of a burst of writes', (store) => {
  const worker = fileURLToPath(new URL('./testing/burst-worker.ts', import.meta.url));

  it.each([1, 2, 3])(
    'restarts on a valid file with a consistent ledger (run %i)',
    async (run) => {
      const file = await bankFile(store);
      const dir = dirname(file);
      const child = spawn(process.execPath, ['--import', 'tsx', worker, file, String(run)], { stdio: ['ignore', 'pipe', 'inherit'] });
      // Wait until it has acknowledged a dozen ledger entries (a count, not a time: a loaded machine writes slower),
      // then let it write a little longer and kill it mid-write: no chance to flush or clean up.
      let acknowledged = 0;
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          for (const m of d.toString().matchAll(/ledger (\d+)/g)) acknowledged = Math.max(acknowledged, Number(m[1]));
          if (acknowledged > 10) resolve();
        });
        child.on('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
      });
      await new Promise((r) => setTimeout(r, run * 37));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));

      // The dead worker's lock is still there; a new owner takes it over (checking the file is a bank: a
      // BankFileError otherwise), and clears the temp files it left.
      expect(await readdir(dir)).toContain(`${basename(file)}.lock`);
      const reopened = await openStore(file);
      // Acknowledged means durable: nothing the worker reported is lost.
      expect(reopened.records.ledgerCount()).toBeGreaterThanOrEqual(acknowledged);
      expect(reopened.records.integrityProblems()).toEqual([]);
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect((await readdir(dir)).filter((f) => f === basename(file))).toHaveLength(1);
      await reopened.close();
    },
    30_000,
  );
});
