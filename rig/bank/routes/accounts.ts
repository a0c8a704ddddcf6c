/**
 * Accounts and money. Money-moving POSTs need an `Idempotency-Key` header: a replay with the same key returns
 * the first answer and moves no money twice. Refusals (insufficient funds, limits) are 409 with a code.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AccountNumber, CustomerId, IdempotencyKey, LedgerRecord, MinorUnits } from '../model.ts';
import type { BankService } from '../service.ts';
import { ATM_ROUTE_LIMIT, atmOf } from '../client-auth.ts';
import { atmReservedIt, atmSessionHolds } from '../session-guard.ts';

const byNumber = z.object({ number: AccountNumber });
const keyHeader = z.object({ 'idempotency-key': IdempotencyKey });
const Balance = z.object({ balance: z.number().int() });
const Entry = LedgerRecord.omit({ account: true });

export const accountRoutes: FastifyPluginAsyncZod<{ bank: BankService }> = async (app, { bank }) => {
  const heldAccount = atmSessionHolds(bank, 'account');
  const heldCustomer = atmSessionHolds(bank, 'customer');
  const reservedIt = atmReservedIt(bank);
  app.get(
    '/accounts/:number',
    {
      config: ATM_ROUTE_LIMIT,
      preHandler: heldAccount,
      schema: {
        tags: ['accounts'],
        summary: 'Balance without recording an inquiry (for dashboards and tests)',
        params: byNumber,
        response: {
          200: z.object({
            number: AccountNumber,
            customerId: CustomerId,
            currency: z.string(),
            balance: z.number().int(),
            available: z.number().int(),
          }),
        },
      },
    },
    async (req) => {
      const { number, customerId, currency, balance, available } = bank.account(req.params.number);
      return { number, customerId, currency, balance, available };
    },
  );

  app.post(
    '/accounts/:number/balance-inquiries',
    {
      config: ATM_ROUTE_LIMIT,
      preHandler: heldAccount,
      schema: {
        tags: ['accounts'],
        summary: "A customer's balance inquiry (recorded in the ledger)",
        params: byNumber,
        response: { 200: z.object({ balance: z.number().int(), available: z.number().int(), currency: z.string() }) },
      },
    },
    async (req) => bank.balanceInquiry(req.params.number),
  );

  app.get(
    '/accounts/:number/ledger',
    {
      config: ATM_ROUTE_LIMIT,
      preHandler: heldAccount,
      schema: {
        tags: ['accounts'],
        summary: 'Ledger entries, newest first; `money=true` for the mini statement (no inquiries)',
        params: byNumber,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(20), money: z.stringbool().default(false) }),
        response: { 200: z.object({ entries: z.array(Entry) }) },
      },
    },
    async (req) => ({ entries: bank.history(req.params.number, req.query.limit, req.query.money) }),
  );

  app.post(
    '/accounts/:number/deposits',
    {
      config: ATM_ROUTE_LIMIT,
      preHandler: heldAccount,
      schema: {
        tags: ['accounts'],
        summary: 'Deposit',
        params: byNumber,
        headers: keyHeader,
        body: z.object({ amount: MinorUnits }),
        response: { 201: Balance.extend({ entryId: z.string() }) },
      },
    },
    async (req, reply) => reply.code(201).send(await bank.deposit(req.params.number, req.body.amount, req.headers['idempotency-key'])),
  );

  app.post(
    '/accounts/:number/withdrawals',
    {
      config: ATM_ROUTE_LIMIT,
      preHandler: heldAccount,
      schema: {
        tags: ['accounts'],
        summary: 'Reserve a withdrawal (hold the money); commit after dispensing, reverse if the dispenser fails',
        params: byNumber,
        headers: keyHeader,
        body: z.object({ amount: MinorUnits }),
        response: { 201: z.object({ withdrawalId: z.string(), available: z.number().int() }) },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await bank.reserveWithdrawal(req.params.number, req.body.amount, req.headers['idempotency-key'], atmOf(req.bankClient))),
  );

  const byWithdrawal = z.object({ id: z.string().regex(/^W\d+$/) });
  app.post(
    '/withdrawals/:id/commit',
    {
      config: ATM_ROUTE_LIMIT,
      preHandler: reservedIt,
      schema: {
        tags: ['accounts'],
        summary: 'The notes were dispensed: debit the account',
        params: byWithdrawal,
        response: { 200: Balance },
      },
    },
    async (req) => bank.commitWithdrawal(req.params.id),
  );

  app.post(
    '/withdrawals/:id/reverse',
    {
      config: ATM_ROUTE_LIMIT,
      preHandler: reservedIt,
      schema: { tags: ['accounts'], summary: 'The dispenser failed: release the hold', params: byWithdrawal, response: { 200: Balance } },
    },
    async (req) => bank.reverseWithdrawal(req.params.id),
  );

  app.post(
    '/accounts/:number/transfers',
    {
      config: ATM_ROUTE_LIMIT,
      preHandler: heldAccount,
      schema: {
        tags: ['accounts'],
        summary: 'Transfer to another account of this bank',
        params: byNumber,
        headers: keyHeader,
        body: z.object({ to: AccountNumber, amount: MinorUnits }),
        response: { 201: Balance },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await bank.transfer(req.params.number, req.body.to, req.body.amount, req.headers['idempotency-key'])),
  );

  app.post(
    '/customers/:id/:kind/change',
    {
      config: ATM_ROUTE_LIMIT,
      preHandler: heldCustomer,
      schema: {
        tags: ['accounts'],
        summary: 'Change PIN or password (the current one must match)',
        params: z.object({ id: CustomerId, kind: z.enum(['pin', 'password']) }),
        body: z.object({ current: z.string().min(1).max(64), next: z.string().min(1).max(64) }),
        response: { 200: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), reason: z.string() })]) },
      },
    },
    async (req, reply) => {
      const { kind } = req.params;
      const format = kind === 'pin' ? /^\d{4,12}$/ : /^[A-Z0-9]{4,16}$/;
      if (!format.test(req.body.next)) return reply.code(200).send({ ok: false, reason: 'weak-secret' });
      return bank.changeSecret(req.params.id, kind, req.body.current, req.body.next);
    },
  );
};
