/**
 * One-time passwords: issued for a customer and verified once. The code leaves the bank once: in the response, for
 * the ATM's modem to send (the rig's controller), or, with `send: true`, straight to the customer through the
 * bank's SMS gateway, which in the rig is the calling ATM's own modem (an application driving the ATM over XFS4IoT,
 * which has no modem interface, never sees the code: docs/xfs4iot.md). An ATM gets an OTP, either way, only for the
 * customer its session holds (open-sessions.ts: identified by her card or finger there): an ATM key must not learn,
 * or text, any customer's codes.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CustomerId, Msisdn } from '../model.ts';
import { otpMessage, type BankService } from '../service.ts';
import { ATM_ROUTE_LIMIT, atmOf } from '../client-auth.ts';

const ErrorBody = z.object({ error: z.string(), message: z.string() });

/** Sends an SMS through the calling ATM's modem; the rig provides it with the XFS4IoT face. */
export type SmsGateway = (atmId: string, sms: { to: string; text: string }) => Promise<{ ok: true } | { ok: false; reason: string }>;

export const otpRoutes: FastifyPluginAsyncZod<{ bank: BankService; smsGateway?: SmsGateway }> = async (app, { bank, smsGateway }) => {
  app.post(
    '/otp',
    {
      schema: {
        tags: ['atm'],
        summary:
          "Issue an OTP; the response carries the SMS text to send to the customer's phone, or with `send: true` the bank sends it through the calling ATM's modem",
        body: z.object({
          customerId: CustomerId,
          length: z.number().int().min(4).max(10).default(6),
          alphabet: z.enum(['digits', 'alphanumeric']).default('digits'),
          ttlSeconds: z.number().int().min(10).max(3600).default(120),
          /** The bank sends the SMS itself (through the calling ATM's modem) and the code is not in the response. */
          send: z.boolean().default(false),
        }),
        response: {
          201: z.union([
            z.object({ otpId: z.string(), to: Msisdn, text: z.string(), expiresAt: z.number() }),
            z.object({ otpId: z.string(), to: Msisdn, sent: z.literal(true), expiresAt: z.number() }),
          ]),
          400: ErrorBody,
          403: ErrorBody,
          502: ErrorBody,
          503: ErrorBody,
        },
      },
      config: ATM_ROUTE_LIMIT,
    },
    async (req, reply) => {
      const atmId = atmOf(req.bankClient);
      if (req.body.send && !atmId)
        return reply.code(400).send({ error: 'bad-request', message: "send: true sends through the calling ATM's modem: call as an ATM" });
      if (req.body.send && !smsGateway)
        return reply
          .code(503)
          .send({ error: 'no-sms-gateway', message: 'the bank has no SMS gateway here (the rig provides one with --xfs4iot)' });
      // Either way the code reaches the ATM's side (its modem sends it): only for the customer its session holds.
      if (atmId !== undefined && bank.openSessions.refusal(req.body.customerId, atmId))
        return reply.code(403).send({ error: 'no-session', message: 'an ATM gets an OTP only for the customer it has identified' });
      const { otpId, code, to, expiresAt } = await bank.issueOtp(req.body.customerId, req.body);
      const text = otpMessage(code, req.body.ttlSeconds);
      if (!req.body.send) return reply.code(201).send({ otpId, to, text, expiresAt });
      const sent = await smsGateway!(atmId!, { to, text });
      if (!sent.ok) return reply.code(502).send({ error: 'sms-failed', message: `the OTP was issued but not sent: ${sent.reason}` });
      return reply.code(201).send({ otpId, to, sent: true as const, expiresAt });
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
    async (req) => bank.verifyOtp(req.params.otpId, req.body.code, atmOf(req.bankClient)),
  );
};
