// The bank over real HTTP on a random port, on each store (a real file) and a cheap hash cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { DEMO_CUSTOMERS, seedDemo } from '../seed.ts';
import { synthTemplate } from '../../devices/fingerprint/template.ts';
import { CHEAP_HASH_COST } from './secrets.ts';
import { startBank, type RunningBank } from './index.ts';
import { basicAuth } from './client-auth.ts';
import { bankFile, STORES } from './testing/stores.ts';

let bank: RunningBank;
const clock = new ManualClock();
const alice = DEMO_CUSTOMERS[0]!;
let aliceAccount = '';
let atm: Record<string, string> = {};

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  // Staff routes with a staff login, the web ATM's as its customer, the rest as an ATM with its key.
  const staff = path.startsWith('/staff/') ? await bank.staffHeaders() : path.startsWith('/web/') ? {} : atm;
  const res = await fetch(bank.url + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...staff, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe.each(STORES)('bank API on the %s store', (store) => {
  beforeAll(async () => {
    bank = await startBank({ file: await bankFile(store), clock, seed: 7, hashCost: CHEAP_HASH_COST });
    await seedDemo(bank.service);
    atm = { authorization: basicAuth('atm-test', (await bank.provisionAtms(['atm-test'])).get('atm-test')!) };
    aliceAccount = bank.service.records.accountOf(alice.id)!.number;
  });
  afterAll(() => bank.close());

  it('keeps the staff routes behind a staff login with short-lived tokens', async () => {
    expect((await fetch(`${bank.url}/staff/customers`)).status).toBe(401);
    const forged = await fetch(`${bank.url}/staff/customers`, { headers: { authorization: 'Bearer forged-token-forged-token' } });
    expect(forged.status).toBe(401);
    const wrong = await fetch(`${bank.url}/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'guess' }),
    });
    expect(wrong.status).toBe(401);
    const login = await fetch(`${bank.url}/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(bank.staff),
    });
    const { token } = (await login.json()) as { token: string };
    expect((await fetch(`${bank.url}/staff/customers`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    clock.advance(16 * 60_000);
    expect((await fetch(`${bank.url}/staff/customers`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('rate-limits staff login attempts', async () => {
    // A bank of its own: the limit would also stop the other tests' logins.
    const other = await startBank({ file: ':memory:', hashCost: CHEAP_HASH_COST });
    const attempts = await Promise.all(
      Array.from({ length: 15 }, () =>
        fetch(`${other.url}/staff/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: 'guess' }),
        }).then((r) => r.status),
      ),
    );
    await other.close();
    expect(attempts.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(attempts.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
  });

  it('serves an OpenAPI document that lists the routes', async () => {
    const { status, body } = await call('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/auth/card', '/otp', '/accounts/{number}/withdrawals', '/staff/customers']),
    );
  });

  it('rejects malformed input with 400 and a readable message, never 500', async () => {
    const bad = await call('POST', '/auth/card', { pan: 'not a pan' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/pan/);
    expect((await call('POST', '/auth/secret', 'just a string')).status).toBe(400);
    expect((await call('POST', `/accounts/${aliceAccount}/withdrawals`, { amount: 100 })).status).toBe(400); // no idempotency key
  });

  it('stores secrets only as scrypt hashes and never returns them', async () => {
    const stored = bank.service.records.customer(alice.id)!;
    expect(stored.pinHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(bank.service.snapshot())).not.toContain(`"${alice.pin}"`);
    const { body } = await call('GET', `/staff/customers/${alice.id}`);
    expect(body).toMatchObject({ id: alice.id, hasPin: true, fingers: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    expect(JSON.stringify(body)).not.toMatch(/scrypt|pinHash/);
    expect(body.cards[0]).toMatch(/^\*{12}\d{4}$/);
  });

  it('verifies PINs: 1991 passes, 1965 is refused (Table II of the random-finger design)', async () => {
    // The ATM identified her first (her card): an ATM checks secrets only of the customer its session holds.
    expect((await call('POST', '/auth/card', { pan: alice.pan })).body).toMatchObject({ ok: true, customerId: alice.id });
    expect((await call('POST', '/auth/secret', { customerId: alice.id, kind: 'pin', value: '1991' })).body).toEqual({ ok: true });
    expect((await call('POST', '/auth/secret', { customerId: alice.id, kind: 'pin', value: '1965' })).body).toEqual({
      ok: false,
      reason: 'wrong-pin',
    });
  });

  it('identifies a finger 1:N and says which finger it was; 1:1 refuses another customer', async () => {
    const t = synthTemplate(alice.id, 3);
    const oneToN = await call('POST', '/auth/fingerprint', { template: t });
    expect(oneToN.body).toMatchObject({ ok: true, customerId: alice.id, finger: 3 });
    expect((await call('POST', '/auth/fingerprint', { template: t, customerId: alice.id })).body).toMatchObject({ ok: true, finger: 3 });
    // 1:1 against someone else: an ATM matches only the customer its session identified (it would name anyone).
    const oneToOne = await call('POST', '/auth/fingerprint', { template: t, customerId: 'C0002' });
    expect(oneToOne.body).toEqual({ ok: false, reason: 'no-session' });
  });

  it('issues single-use OTPs that expire on the injected clock', async () => {
    const issued = await call('POST', '/otp', { customerId: alice.id, length: 6, ttlSeconds: 60 });
    expect(issued.status).toBe(201);
    expect(issued.body.to).toBe(alice.kyc.phone);
    const code = /(\d{6})/.exec(issued.body.text)![1]!;
    expect(JSON.stringify(bank.service.snapshot().otps)).not.toContain(code);
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await call('POST', `/otp/${issued.body.otpId}/verify`, { code: wrong })).body).toEqual({ ok: false, reason: 'wrong' });
    expect((await call('POST', `/otp/${issued.body.otpId}/verify`, { code })).body).toEqual({ ok: true });
    expect((await call('POST', `/otp/${issued.body.otpId}/verify`, { code })).body).toEqual({ ok: false, reason: 'used' });

    const late = await call('POST', '/otp', { customerId: alice.id, length: 8, alphabet: 'alphanumeric', ttlSeconds: 60 });
    const lateCode = /is ([A-Z0-9]{8})\./.exec(late.body.text)![1]!;
    clock.advance(61_000);
    expect((await call('POST', `/otp/${late.body.otpId}/verify`, { code: lateCode })).body).toEqual({ ok: false, reason: 'expired' });
  });

  /** As an ATM's session: her card, then her PIN (only then may the ATM act on her accounts). */
  const aliceAtTheAtm = async () => {
    expect((await call('POST', '/auth/card', { pan: alice.pan })).body).toMatchObject({ ok: true });
    expect((await call('POST', '/auth/secret', { customerId: alice.id, kind: 'pin', value: alice.pin })).body).toEqual({ ok: true });
  };

  it('withdraws in two steps, refuses overdrafts, and applies a replayed request once', async () => {
    await aliceAtTheAtm();
    const before = (await call('GET', `/accounts/${aliceAccount}`)).body.balance;
    const key = { 'idempotency-key': 'test-withdraw-0001' };
    const reserved = await call('POST', `/accounts/${aliceAccount}/withdrawals`, { amount: 10_000 }, key);
    expect(reserved.status).toBe(201);
    const replay = await call('POST', `/accounts/${aliceAccount}/withdrawals`, { amount: 10_000 }, key);
    expect(replay.body.withdrawalId).toBe(reserved.body.withdrawalId);
    expect((await call('GET', `/accounts/${aliceAccount}`)).body).toMatchObject({ balance: before, available: before - 10_000 });
    const committed = await call('POST', `/withdrawals/${reserved.body.withdrawalId}/commit`);
    expect(committed.body.balance).toBe(before - 10_000);
    expect((await call('POST', `/withdrawals/${reserved.body.withdrawalId}/commit`)).body.balance).toBe(before - 10_000);

    const tooMuch = await call(
      'POST',
      `/accounts/${aliceAccount}/withdrawals`,
      { amount: before * 10 },
      { 'idempotency-key': 'test-withdraw-0002' },
    );
    expect(tooMuch).toMatchObject({ status: 409, body: { error: 'insufficient-funds' } });

    const r2 = await call('POST', `/accounts/${aliceAccount}/withdrawals`, { amount: 5_000 }, { 'idempotency-key': 'test-withdraw-0003' });
    await call('POST', `/withdrawals/${r2.body.withdrawalId}/reverse`);
    expect((await call('GET', `/accounts/${aliceAccount}`)).body).toMatchObject({ balance: before - 10_000, available: before - 10_000 });

    const { entries } = (await call('GET', `/accounts/${aliceAccount}/ledger?limit=500`)).body;
    const sum = entries.reduce((s: number, e: { amount: number }) => s + e.amount, 0);
    expect(sum).toBe(before - 10_000);
  });

  it('transfers between accounts and refuses unknown ones', async () => {
    await aliceAtTheAtm();
    const bob = bank.service.records.accountOf('C0002')!.number;
    const bobBefore = bank.service.account(bob).balance;
    const ok = await call(
      'POST',
      `/accounts/${aliceAccount}/transfers`,
      { to: bob, amount: 2_500 },
      { 'idempotency-key': 'test-transfer-0001' },
    );
    expect(ok.status).toBe(201);
    expect(bank.service.account(bob).balance).toBe(bobBefore + 2_500);
    const unknown = await call(
      'POST',
      `/accounts/${aliceAccount}/transfers`,
      { to: '9999999999', amount: 100 },
      { 'idempotency-key': 'test-transfer-0002' },
    );
    expect(unknown).toMatchObject({ status: 404, body: { error: 'unknown-account' } });
  });

  it('changes a PIN only when the current one matches', async () => {
    // The ATM's session identifies her and checks her PIN first: only then may it change it (session-guard.ts).
    expect((await call('POST', '/auth/card', { pan: DEMO_CUSTOMERS[2]!.pan })).body).toMatchObject({ ok: true, customerId: 'C0003' });
    expect((await call('POST', '/auth/secret', { customerId: 'C0003', kind: 'pin', value: '1357' })).body).toEqual({ ok: true });
    const bad = await call('POST', `/customers/C0003/pin/change`, { current: '0000', next: '4321' });
    expect(bad.body).toEqual({ ok: false, reason: 'wrong-secret' });
    const good = await call('POST', `/customers/C0003/pin/change`, { current: '1357', next: '4321' });
    expect(good.body).toEqual({ ok: true });
    expect((await call('POST', '/auth/secret', { customerId: 'C0003', kind: 'pin', value: '4321' })).body).toEqual({ ok: true });
  });
});
