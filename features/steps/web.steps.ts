/** The web ATM of the username + password + fingerprint design, over HTTP like a browser would. */
import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import { synthTemplate } from '../../devices/fingerprint/template.ts';
import type { AtmWorld } from '../support/world.ts';

const tokens = new WeakMap<AtmWorld, string>();
const lastAnswer = new WeakMap<AtmWorld, { status: number; body: Record<string, unknown> }>();

When(
  '{word} signs up on the web ATM as {string} with password {string} and finger {int} and phone {string}',
  async function (this: AtmWorld, name: string, username: string, password: string, finger: number, phone: string) {
    // The template is read at signup before the bank has an id for her: use her name as the finger's identity.
    const res = await this.http<Record<string, unknown>>('POST', '/web/signup', {
      name,
      phone,
      email: `${name.toLowerCase()}@example.test`,
      address: '7 Web Lane',
      city: 'Lusaka',
      gender: 'undisclosed',
      dateOfBirth: '1995-05-05',
      username,
      password,
      finger,
      template: synthTemplate(`web:${username}`, finger),
    });

    lastAnswer.set(this, res);
    if (res.status === 201) {
      // Her finger was read at signup, before the bank gave her an id: the sensor must read the same ridges.
      this.people.set(name, {
        name,
        id: String(res.body.customerId),
        phone,
        username,
        password,
        account: String(res.body.account),
        fingers: [finger],
        fingerIdentity: `web:${username}`,
      });
    }
  },
);

When(
  '{word} logs in to the web ATM as {string} with password {string} and finger {int}',
  async function (this: AtmWorld, _name: string, username: string, password: string, finger: number) {
    const res = await this.http<Record<string, unknown>>('POST', '/web/login', {
      username,
      password,
      template: synthTemplate(`web:${username}`, finger),
    });
    lastAnswer.set(this, res);
    if (res.status === 200) tokens.set(this, String(res.body.token));
  },
);

async function authed(world: AtmWorld, method: 'GET' | 'POST', path: string, body?: unknown) {
  const token = tokens.get(world);
  assert.ok(token, 'not logged in to the web ATM');
  const res = await world.http<Record<string, unknown>>(method, path, body, { authorization: `Bearer ${token}` });
  lastAnswer.set(world, res);
  return res;
}

When('she/he deposits {float} on the web ATM', async function (this: AtmWorld, amount: number) {
  await authed(this, 'POST', '/web/deposit', { amount: Math.round(amount * 100) });
});

When('she/he withdraws {float} on the web ATM', async function (this: AtmWorld, amount: number) {
  await authed(this, 'POST', '/web/withdraw', { amount: Math.round(amount * 100) });
});

When('she/he logs out of the web ATM', async function (this: AtmWorld) {
  await authed(this, 'POST', '/web/logout');
  lastAnswer.set(this, { status: 204, body: {} });
});

Then('the web ATM answers {int}', function (this: AtmWorld, status: number) {
  const res = lastAnswer.get(this);
  assert.equal(res?.status, status, JSON.stringify(res?.body));
});

Then('the web ATM refuses with {string}', function (this: AtmWorld, code: string) {
  const res = lastAnswer.get(this);
  assert.ok(res && res.status >= 400, `expected a refusal, got ${res?.status}`);
  assert.equal(res.body.error, code);
});

Then(
  'the web ATM shows a balance of {float} with this history:',
  async function (this: AtmWorld, balance: number, table: { hashes(): Record<string, string>[] }) {
    const res = await authed(this, 'GET', '/web/balance');
    assert.equal(res.status, 200);
    assert.equal(Number(res.body.balance) / 100, balance);
    const history = (res.body.history as { type: string; amount: number }[]).map((h) => ({
      type: h.type,
      amount: (h.amount / 100).toFixed(2),
    }));
    assert.deepEqual(
      history,
      table.hashes().map((r) => ({ type: r.type!, amount: Number(r.amount).toFixed(2) })),
    );
  },
);
