// One ATM's key, stolen from a lab host, read and moved the money of every account in the bank: the account routes
// checked only that some ATM called. Now an ATM acts only for the customer its session has checked a secret of
// (session-guard.ts). Over real HTTP, as the attacker would call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, seedDemo } from '../seed.ts';
import { basicAuth } from './client-auth.ts';
import { startBank, type RunningBank } from './index.ts';
import { CHEAP_HASH_COST } from './secrets.ts';

const alice = DEMO_CUSTOMERS[0]!;

describe('an ATM on the account routes', () => {
  let bank: RunningBank;
  let account = '';
  const auth: Record<string, string> = {};
  beforeAll(async () => {
    bank = await startBank({ file: ':memory:', hashCost: CHEAP_HASH_COST });
    await seedDemo(bank.service, DEMO_CUSTOMERS, 0);
    const keys = await bank.provisionAtms(['atm-1', 'atm-2']);
    for (const [id, key] of keys) auth[id] = basicAuth(id, key);
    account = bank.service.snapshot().accounts.find((a) => a.customerId === alice.id)!.number;
  });
  afterAll(() => bank.close());

  const call = async (atm: string, method: string, path: string, body?: object) => {
    const res = await fetch(bank.url + path, {
      method,
      headers: {
        authorization: auth[atm]!,
        'idempotency-key': `k-${Math.random().toString(36).slice(2, 12)}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const everyRoute = (atm: string, number = account) => [
    call(atm, 'GET', `/accounts/${number}`),
    call(atm, 'POST', `/accounts/${number}/balance-inquiries`),
    call(atm, 'GET', `/accounts/${number}/ledger`),
    call(atm, 'POST', `/accounts/${number}/deposits`, { amount: 100 }),
    call(atm, 'POST', `/accounts/${number}/withdrawals`, { amount: 100 }),
    call(atm, 'POST', `/accounts/${number}/transfers`, { to: '1000000002', amount: 100 }),
    call(atm, 'POST', `/customers/${alice.id}/pin/change`, { current: alice.pin, next: alice.pin }),
  ];
  const statuses = async (calls: Promise<{ status: number; body: Record<string, unknown> }>[]) =>
    (await Promise.all(calls)).map((r) => `${r.status} ${String(r.body.error ?? '')}`.trim());

  it('are refused without a session, and the same for an account that does not exist', async () => {
    expect(new Set(await statuses(everyRoute('atm-1')))).toEqual(new Set(['403 no-session']));
    expect(new Set(await statuses(everyRoute('atm-1', '1999999999')))).toEqual(new Set(['403 no-session']));
    expect(bank.service.account(account).balance).toBe(alice.balance);
  });

  it('are refused when the ATM only identified her (a card or a finger is not a secret)', async () => {
    await call('atm-1', 'POST', '/auth/card', { pan: alice.pan });
    expect(new Set(await statuses(everyRoute('atm-1')))).toEqual(new Set(['403 no-session']));
  });

  it('serve the ATM that checked her PIN, and no other ATM; not after its session ended', async () => {
    expect((await call('atm-1', 'POST', '/auth/secret', { customerId: alice.id, kind: 'pin', value: alice.pin })).body).toEqual({
      ok: true,
    });
    const served = await statuses(everyRoute('atm-1'));
    expect(
      served.every((s) => s.startsWith('20')),
      served.join(', '),
    ).toBe(true);
    expect(new Set(await statuses(everyRoute('atm-2')))).toEqual(new Set(['403 no-session']));
    await call('atm-1', 'POST', '/auth/session-ended');
    expect(new Set(await statuses(everyRoute('atm-1')))).toEqual(new Set(['403 no-session']));
  });

  it('do not bind staff, who serve every customer', async () => {
    const staff = await bank.staffHeaders();
    const res = await fetch(`${bank.url}/accounts/${account}`, { headers: staff });
    expect(res.status).toBe(200);
  });
});
