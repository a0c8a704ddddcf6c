// Issue 10.9: an unknown username answered in 7 ms, a known one in 137 ms, because the stand-in hash for unknown
// names was cheaper than the bank's real ones. The time an answer takes follows the scrypt work done, so this
// counts that work (scrypt's N per call) instead of timing answers.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_CUSTOMERS, seedDemo } from '../seed.ts';
import { createBankService } from './index.ts';

const work = vi.hoisted(() => ({ n: [] as number[] }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  const scrypt = ((...args: Parameters<typeof crypto.scrypt>) => {
    work.n.push((args[3] as { N: number }).N);
    return crypto.scrypt(...args);
  }) as typeof crypto.scrypt;
  return { ...crypto, default: { ...crypto, scrypt }, scrypt };
});

describe('a login costs the same whether or not the name exists', () => {
  beforeEach(() => void (work.n = []));

  it.each([
    ['customer', (b: Awaited<ReturnType<typeof createBankService>>, name: string) => b.verifyCredentials(name, 'WRONG1')],
    ['staff', (b: Awaited<ReturnType<typeof createBankService>>, name: string) => b.verifyStaff(name, 'wrong')],
  ])('%s login', async (_who, login) => {
    const bank = await createBankService({ file: ':memory:', hashCost: { logN: 12, r: 8, p: 1 } });
    await seedDemo(bank, DEMO_CUSTOMERS, 0);
    await bank.setStaff('admin', 'right');
    work.n = [];
    await login(bank, 'NOBODY');
    const unknown = [...work.n];
    work.n = [];
    await login(bank, _who === 'staff' ? 'admin' : DEMO_CUSTOMERS[0]!.username);
    expect(unknown).toEqual(work.n);
    expect(unknown).toEqual([2 ** 12]);
  });
});
