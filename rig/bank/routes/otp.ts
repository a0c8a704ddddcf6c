/** One-time passwords: issued for a customer (the code is returned once, to be sent by SMS), verified once. */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CustomerId, Msisdn } from '../model.ts';
import { otpMessage, type BankService } from '../service.ts';
import { ATM_ROUTE_LIMIT } from '../client-auth.ts';

export const otpRoutes: FastifyPluginAsyncZod<{ bank: BankService }> = async (app, { bank }) => {
  app.post(
    '/otp',
    {
      schema: {
        tags: ['atm'],
        summary: "Issue an OTP; the response carries the SMS text to send to the customer's phone",
        body: z.object({
          customerId: CustomerId,
          length: z.number().int().min(4).max(10).default(6),
          alphabet: z.enum(['digits', 'alphanumeric']).default('digits'),
          ttlSeconds: z.number().int().min(10).max(3600).default(120),
        }),
        response: { 201: z.object({ otpId: z.string(), to: Msisdn, text: z.string(), expiresAt: z.number() }) },
      },
      config: ATM_ROUTE_LIMIT,
    },
    async (req, reply) => {
      const { otpId, code, to, expiresAt } = await bank.issueOtp(req.body.customerId, req.body);
      return reply.code(201).send({ otpId, to, text: otpMessage(code, req.body.ttlSeconds), expiresAt });
    },
  );

  app.post(
    '/otp/:otpId/verify',
    {
      schema: {
        tags: ['atm'],
        summary: 'Verify an OTP: ok once; then `used`; `expired` after its lifetime; `wrong` otherwise',
        params: z.object({ otpId: z.string().max(40) }),
        body: z.object({ code: z.string().min(1).max(16) }),
        response: { 200: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), reason: z.string() })]) },
      },
      config: ATM_ROUTE_LIMIT,
    },
    async (req) => bank.verifyOtp(req.params.otpId, req.body.code),
  );
};
