/** Staff routes: open accounts with KYC data, enrol fingers, set secrets, issue cards, seed demo customers. */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DEMO_CUSTOMERS, seedDemo } from '../../seed.ts';
import {
  AccountNumber,
  CustomerId,
  Finger,
  HoldRecord,
  KycSchema,
  MinorUnits,
  Pan,
  Password,
  Pin,
  Template,
  Username,
  mask,
  type Customer,
} from '../model.ts';
import { isLocked, type BankService } from '../service.ts';

const CustomerView = KycSchema.extend({
  id: CustomerId,
  username: z.string().optional(),
  account: z.string(),
  hasPin: z.boolean(),
  hasPassword: z.boolean(),
  locked: z.boolean(),
  fingers: z.array(Finger),
  cards: z.array(z.string()).describe('masked card numbers'),
});

export function customerView(bank: BankService, c: Customer): z.infer<typeof CustomerView> {
  const {
    pinHash,
    passwordHash,
    createdAt: _createdAt,
    failedSecrets: _failed,
    failures: _failures,
    seededBy: _seededBy,
    lockedAt: _lockedAt,
    locks: _locks,
    ...kyc
  } = c;
  return {
    ...kyc,
    account: bank.records.accountOf(c.id)?.number ?? '',
    hasPin: Boolean(pinHash),
    hasPassword: Boolean(passwordHash),
    locked: isLocked(c, 'pin') || isLocked(c, 'password'),
    fingers: bank.records.fingersOf(c.id).map((f) => f.finger),
    cards: bank.records.cardsOf(c.id).map((card) => mask(card.pan)),
  };
}

export const staffRoutes: FastifyPluginAsyncZod<{ bank: BankService }> = async (app, { bank }) => {
  const byId = z.object({ id: CustomerId });

  app.post(
    '/staff/customers',
    {
      schema: {
        tags: ['staff'],
        summary: 'Open an account for a new customer (KYC)',
        body: KycSchema.extend({ username: Username.optional(), openingDeposit: MinorUnits.optional() }),
        response: { 201: CustomerView },
      },
    },
    async (req, reply) => {
      const { username, openingDeposit, ...kyc } = req.body;
      const { customer } = await bank.openCustomer(kyc, { username, deposit: openingDeposit });
      return reply.code(201).send(customerView(bank, customer));
    },
  );

  app.get(
    '/staff/customers',
    {
      schema: { tags: ['staff'], summary: 'List customers', response: { 200: z.array(CustomerView) } },
    },
    async () => [...bank.records.customers()].map((c) => customerView(bank, c)),
  );

  app.get(
    '/staff/customers/:id',
    {
      schema: { tags: ['staff'], summary: 'One customer, without secrets', params: byId, response: { 200: CustomerView } },
    },
    async (req) => customerView(bank, bank.customer(req.params.id)),
  );

  app.put(
    '/staff/customers/:id/pin',
    {
      schema: { tags: ['staff'], summary: 'Set the PIN (stored as a slow salted hash)', params: byId, body: z.object({ pin: Pin }) },
    },
    async (req, reply) => {
      await bank.setSecret(req.params.id, 'pin', req.body.pin);
      return reply.code(204).send();
    },
  );

  app.put(
    '/staff/customers/:id/password',
    {
      schema: {
        tags: ['staff'],
        summary: 'Set the password (stored as a slow salted hash)',
        params: byId,
        body: z.object({ password: Password }),
      },
    },
    async (req, reply) => {
      await bank.setSecret(req.params.id, 'password', req.body.password);
      return reply.code(204).send();
    },
  );

  app.put(
    '/staff/customers/:id/fingers/:finger',
    {
      schema: {
        tags: ['staff'],
        summary: 'Enrol one finger (1-10, ANSI/NIST finger positions: see docs/topics.md)',
        params: byId.extend({ finger: z.coerce.number().pipe(Finger) }),
        body: z.object({ template: Template }),
      },
    },
    async (req, reply) => {
      await bank.enrolFinger(req.params.id, req.params.finger, req.body.template);
      return reply.code(204).send();
    },
  );

  app.post(
    '/staff/customers/:id/unlock',
    {
      schema: { tags: ['staff'], summary: 'Unlock a customer locked after repeated wrong PINs or passwords', params: byId },
    },
    async (req, reply) => {
      await bank.unlock(req.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/staff/customers/:id/cards',
    {
      schema: {
        tags: ['staff'],
        summary: "Issue a card on the customer's account",
        params: byId,
        body: z.object({ provider: z.enum(['visa', 'mastercard', 'unionpay', 'local']).default('local'), pan: Pan.optional() }),
        response: { 201: z.object({ pan: Pan }) },
      },
    },
    async (req, reply) => reply.code(201).send(await bank.issueCard(req.params.id, req.body.provider, req.body.pan)),
  );

  app.post(
    '/staff/seed',
    {
      schema: {
        tags: ['staff'],
        summary: 'Create or reset the deterministic demo customers; customers the seed did not create are never touched',
        response: {
          200: z.object({
            customers: z.array(z.object({ id: CustomerId, name: z.string(), account: z.string() })),
            skipped: z
              .array(z.object({ id: CustomerId, why: z.string() }))
              .describe('demo customers left out: another customer has their id, username or card'),
          }),
        },
      },
    },
    async () => {
      const { seeded, skipped } = await seedDemo(bank, DEMO_CUSTOMERS);
      bank.note('demo-customers');
      return {
        customers: seeded.map((c) => ({
          id: c.id,
          name: c.kyc.name,
          account: bank.records.accountOf(c.id)!.number,
        })),
        skipped,
      };
    },
  );

  const HoldView = HoldRecord.omit({ key: true });
  app.get(
    '/staff/holds',
    {
      schema: {
        tags: ['staff'],
        summary: 'Withdrawal holds, newest first: `status=reserved` shows money held by a withdrawal that has not finished',
        querystring: z.object({ status: HoldRecord.shape.status.optional(), account: AccountNumber.optional() }),
        response: { 200: z.object({ holds: z.array(HoldView) }) },
      },
    },
    async (req) => ({ holds: bank.holds(req.query).map(({ key: _key, ...h }) => h) }),
  );

  const byHold = z.object({ id: z.string().regex(/^W\d+$/, 'a withdrawal id such as W12') });
  app.post(
    '/staff/holds/:id/release',
    {
      schema: {
        tags: ['staff'],
        summary: "Release a reserved hold: no notes left the ATM, the money is the customer's again",
        params: byHold,
        response: { 200: z.object({ balance: z.number().int() }) },
      },
    },
    async (req) => bank.reverseWithdrawal(req.params.id, 'staff'),
  );

  app.post(
    '/staff/holds/:id/commit',
    {
      schema: {
        tags: ['staff'],
        summary:
          'Debit a hold whose notes did leave the ATM (the cassette count says so): a reserved one, or one the restart rule released',
        params: byHold,
        response: { 200: z.object({ balance: z.number().int() }) },
      },
    },
    async (req) => bank.commitWithdrawal(req.params.id, 'staff'),
  );
};
