/**
 * The web ATM of the username + password + fingerprint design: signup, login with all three, deposit, withdraw
 * (only with sufficient balance), balance with history, change password, logout. Sessions are bearer tokens
 * that expire on the bank clock; nothing about a session is kept in a global.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Finger, KycSchema, MinorUnits, Password, Template, Username } from '../model.ts';
import type { BankService } from '../service.ts';
import type { RigClock } from '../../../core/clock.ts';
import { TokenSessions } from '../token-sessions.ts';

const TOKEN_TTL_MS = 15 * 60_000;
const Entry = z.object({ ts: z.number(), type: z.string(), amount: z.number().int(), balanceAfter: z.number().int() });
const Refusal = z.object({ error: z.string(), message: z.string() });

export const webRoutes: FastifyPluginAsyncZod<{ bank: BankService; clock: RigClock }> = async (app, { bank, clock }) => {
  const sessions = new TokenSessions<{ customerId: string; account: string }>(clock, TOKEN_TTL_MS);
  // A missing or malformed token is "not logged in" (401), as an expired one is, not a bad request.
  const auth = z.object({ authorization: z.string().max(200).optional().describe('Bearer <token> from /web/login') });
  const session = (header: string | undefined) => sessions.check(header);

  app.post(
    '/web/signup',
    {
      schema: {
        tags: ['web'],
        summary: 'Sign up: KYC details, username, password and one enrolled finger',
        body: KycSchema.extend({ username: Username, password: Password, finger: Finger, template: Template }),
        response: { 201: z.object({ customerId: z.string(), account: z.string() }), 409: Refusal },
      },
      // Each signup costs a slow hash and says whether a username is taken: a few a minute per address.
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const { username, password, finger, template, ...kyc } = req.body;
      const { customer, account } = await bank.openCustomer(kyc, { username });
      await bank.setSecret(customer.id, 'password', password);
      await bank.enrolFinger(customer.id, finger, template);
      return reply.code(201).send({ customerId: customer.id, account: account.number });
    },
  );

  app.post(
    '/web/login',
    {
      schema: {
        tags: ['web'],
        summary: 'Log in with username, password and a fingerprint of the same customer',
        body: z.object({ username: z.string().min(1).max(32), password: z.string().min(1).max(64), template: Template }),
        response: { 200: z.object({ token: z.string(), expiresAt: z.number() }), 401: Refusal },
      },
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const login = await bank.verifyCredentials(req.body.username, req.body.password);
      const finger = login.ok ? bank.matchFingerprint(req.body.template, login.customerId) : undefined;
      // One answer for every failure, so a caller cannot tell which factor was wrong.
      if (!login.ok || !finger?.ok)
        return reply.code(401).send({ error: 'login-failed', message: 'username, password or fingerprint not recognised' });
      return sessions.issue({ customerId: login.customerId, account: login.accountId });
    },
  );

  app.post(
    '/web/logout',
    {
      schema: {
        tags: ['web'],
        summary: 'End the web session',
        headers: auth,
        response: { 204: z.null().describe('logged out'), 401: Refusal },
      },
    },
    async (req, reply) => {
      if (!session(req.headers.authorization)) return reply.code(401).send({ error: 'not-logged-in', message: 'log in first' });
      sessions.end(req.headers.authorization);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/web/balance',
    {
      schema: {
        tags: ['web'],
        summary: 'Balance and transaction history (newest first)',
        headers: auth,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
        response: { 200: z.object({ balance: z.number().int(), currency: z.string(), history: z.array(Entry) }), 401: Refusal },
      },
    },
    async (req, reply) => {
      const s = session(req.headers.authorization);
      if (!s) return reply.code(401).send({ error: 'not-logged-in', message: 'log in first' });
      const account = bank.account(s.account);
      const history = bank
        .history(s.account, req.query.limit, true)
        .map(({ ts, type, amount, balanceAfter }) => ({ ts, type, amount, balanceAfter }));
      return { balance: account.available, currency: account.currency, history };
    },
  );

  for (const kind of ['deposit', 'withdraw'] as const) {
    app.post(
      `/web/${kind}`,
      {
        schema: {
          tags: ['web'],
          summary: kind === 'deposit' ? 'Deposit' : 'Withdraw (only with sufficient balance)',
          headers: auth.extend({ 'idempotency-key': z.string().min(8).max(128).optional() }),
          body: z.object({ amount: MinorUnits }),
          response: { 200: z.object({ balance: z.number().int() }), 401: Refusal, 409: Refusal },
        },
      },
      async (req, reply) => {
        const s = session(req.headers.authorization);
        if (!s) return reply.code(401).send({ error: 'not-logged-in', message: 'log in first' });
        const key = `web:${s.customerId}:${req.headers['idempotency-key'] ?? randomBytes(12).toString('hex')}`;
        if (kind === 'deposit') return { balance: (await bank.deposit(s.account, req.body.amount, key)).balance };
        // A web withdrawal has no dispenser: reserve and commit at once, through the same two steps as the ATM.
        const { withdrawalId } = await bank.reserveWithdrawal(s.account, req.body.amount, key);
        return bank.commitWithdrawal(withdrawalId);
      },
    );
  }

  app.post(
    '/web/password',
    {
      schema: {
        tags: ['web'],
        summary: 'Change the password (the current one must match)',
        headers: auth,
        body: z.object({ current: z.string().min(1).max(64), next: Password }),
        response: {
          200: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), reason: z.string() })]),
          401: Refusal,
        },
      },
    },
    async (req, reply) => {
      const s = session(req.headers.authorization);
      if (!s) return reply.code(401).send({ error: 'not-logged-in', message: 'log in first' });
      return bank.changeSecret(s.customerId, 'password', req.body.current, req.body.next);
    },
  );
};
