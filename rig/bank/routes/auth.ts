/**
 * What the ATM asks while authenticating. Answers are 200 with `{ ok, reason }`: a wrong PIN is an expected
 * outcome, not an HTTP error. Secrets travel in bodies only, never in URLs (which end up in logs).
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AccountNumber, CustomerId, Finger, Pan, Template } from '../model.ts';
import type { BankService } from '../service.ts';
import { ATM_ROUTE_LIMIT, atmOf } from '../client-auth.ts';

const Refusal = z.object({ ok: z.literal(false), reason: z.string() });
const IdentityVerdict = z.union([
  z.object({ ok: z.literal(true), customerId: CustomerId, accountId: AccountNumber, name: z.string() }),
  Refusal,
]);

const AUTH_LIMIT = ATM_ROUTE_LIMIT;

/** The ATM making the call (`atm:<id>` after client authentication), or undefined for staff and tests. */

export const authRoutes: FastifyPluginAsyncZod<{ bank: BankService }> = async (app, { bank }) => {
  app.post(
    '/auth/card',
    {
      schema: {
        tags: ['atm'],
        summary: 'Identify the customer from a card',
        body: z.object({ pan: Pan }),
        response: { 200: IdentityVerdict },
      },
      config: AUTH_LIMIT,
    },
    async (req) => bank.lookupCard(req.body.pan, atmOf(req.bankClient)),
  );

  app.post(
    '/auth/session-ended',
    {
      schema: {
        tags: ['atm'],
        summary: "The calling ATM's session ended: its customer may start one at another ATM",
        response: { 204: z.null() },
      },
      config: AUTH_LIMIT,
    },
    async (req, reply) => {
      const atm = atmOf(req.bankClient);
      if (atm) bank.openSessions.release(atm);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/credentials',
    {
      schema: {
        tags: ['atm'],
        summary: 'Identify the customer from username and password',
        body: z.object({ username: z.string().min(1).max(32), password: z.string().min(1).max(64) }),
        response: { 200: IdentityVerdict },
      },
      config: AUTH_LIMIT,
    },
    async (req) => bank.verifyCredentials(req.body.username, req.body.password, atmOf(req.bankClient)),
  );

  app.post(
    '/auth/secret',
    {
      schema: {
        tags: ['atm'],
        summary: 'Check a PIN or password of an identified customer',
        body: z.object({ customerId: CustomerId, kind: z.enum(['pin', 'password']), value: z.string().min(1).max(64) }),
        response: { 200: z.union([z.object({ ok: z.literal(true) }), Refusal]) },
      },
      config: AUTH_LIMIT,
    },
    async (req) => bank.verifySecret(req.body.customerId, req.body.kind, req.body.value, atmOf(req.bankClient)),
  );

  app.post(
    '/auth/fingerprint',
    {
      schema: {
        tags: ['atm'],
        summary: 'Match a captured fingerprint: 1:1 against customerId, or 1:N over every enrolled finger',
        body: z.object({ template: Template, customerId: CustomerId.optional() }),
        response: {
          200: z.union([
            z.object({
              ok: z.literal(true),
              customerId: CustomerId,
              accountId: AccountNumber,
              name: z.string(),
              finger: Finger,
              score: z.number(),
            }),
            Refusal,
          ]),
        },
      },
      config: AUTH_LIMIT,
    },
    async (req) => bank.matchFingerprint(req.body.template, req.body.customerId, atmOf(req.bankClient)),
  );
};
