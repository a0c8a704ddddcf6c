/**
 * The bank back end: a fastify app made of small plugins, each owning its routes and schemas; the domain
 * service is handed to them as an option (no globals). Every route validates its input with zod; the OpenAPI
 * document is generated from the same schemas and served at /openapi.json.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { StaffSessions, requireStaff, staffLoginRoute } from './staff-auth.ts';
import { requireBankClient } from './client-auth.ts';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { BankError } from './model.ts';
import { accountRoutes } from './routes/accounts.ts';
import { authRoutes } from './routes/auth.ts';
import { otpRoutes, type SmsGateway } from './routes/otp.ts';
import { staffRoutes } from './routes/staff.ts';
import { webRoutes } from './routes/web.ts';
import { systemClock, type RigClock } from '../../core/clock.ts';
import type { BankService } from './service.ts';

const STATUS: Record<BankError['code'], number> = {
  'not-found': 404,
  'unknown-account': 404,
  'not-enrolled': 404,
  'insufficient-funds': 409,
  'daily-limit': 409,
  'same-account': 409,
  conflict: 409,
  'invalid-state': 409,
  'idempotency-key-reused': 422,
};

export interface BankAppOptions {
  bank: BankService;
  clock?: RigClock;
  logger?: FastifyServerOptions['logger'];
  /** Between the network and the ATM routes, after the ATM's login: the rig's bank faults (rig/faults). */
  atmWire?: (app: FastifyInstance) => void;
  /** How the bank sends an OTP's SMS when the ATM asks it to (`POST /otp` with `send: true`). */
  smsGateway?: SmsGateway;
}

export async function buildBankApp({
  bank,
  clock = systemClock,
  logger = false,
  atmWire,
  smsGateway,
}: BankAppOptions): Promise<FastifyInstance> {
  // forceCloseConnections: a stopped bank drops keep-alive sockets too, as an outage would.
  const app = Fastify({ logger, bodyLimit: 64 * 1024, forceCloseConnections: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      return reply.code(400).send({
        error: 'bad-request',
        message: err.validation.map((v) => `${v.instancePath || err.validationContext || 'request'}: ${v.message}`).join('; '),
      });
    }
    if (err instanceof BankError) return reply.code(STATUS[err.code]).send({ error: err.code, message: err.message });
    if (err.statusCode === 429) return reply.code(429).send({ error: 'rate-limited', message: err.message });
    const status = err.statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: 'bad-request', message: err.message });
    req.log.error({ err }, 'bank error');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });

  // Limits on every route that checks a secret or moves money (per ATM, or per address where there is no login);
  // the ATM routes are generous because an ATM speaks for many customers, and the bank's own per-customer
  // lockout is the real guard there.
  await app.register(rateLimit, { global: false });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'atm-rig bank',
        version: '1.0.0',
        description: 'The simulated bank behind the ATM: accounts, KYC, secrets, biometrics, OTP, ledger.',
      },
      tags: [
        { name: 'atm', description: 'What the ATM calls while authenticating' },
        { name: 'accounts', description: 'Balances, ledger and money movements' },
        { name: 'staff', description: 'Branch staff: KYC, enrolment, cards' },
        { name: 'web', description: 'The web ATM: username + password + fingerprint' },
      ],
      components: {
        securitySchemes: {
          atmKey: { type: 'http', scheme: 'basic', description: '<atm id>:<key>, the key from <data>/atm-keys.json (docs/api.md)' },
          staffToken: { type: 'http', scheme: 'bearer', description: 'from POST /staff/login' },
        },
      },
    },
    transform: withAtmAnswers,
  });

  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const sessions = new StaffSessions(bank);
  await app.register(staffLoginRoute, { bank, sessions });
  // The staff routes in their own encapsulated context, every one behind a staff token.
  await app.register(async (staff) => {
    requireStaff(staff, sessions);
    await staff.register(staffRoutes, { bank });
  });
  // What an ATM calls, in its own context: every route needs an ATM key or a staff token.
  await app.register(async (atm) => {
    requireBankClient(atm, bank, sessions, clock);
    atmWire?.(atm);
    await atm.register(authRoutes, { bank });
    await atm.register(otpRoutes, { bank, ...(smsGateway ? { smsGateway } : {}) });
    await atm.register(accountRoutes, { bank });
  });
  await app.register(webRoutes, { bank, clock });
  return app;
}

const errorAnswer = (description: string) => ({
  description,
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  required: ['error', 'message'],
});

/** Every route an ATM calls says who may call it and the answers every such route may give (a generated client
 *  should know of Basic auth, `no-session` and the rate limit, not only of its success). */
const ATM_ANSWERS = {
  401: errorAnswer('client-login-required: no ATM key or staff token, or a wrong one'),
  403: errorAnswer("no-session: not the customer this ATM's session identified and checked (docs/api.md)"),
  429: errorAnswer('rate-limited'),
};

function withAtmAnswers(input: Parameters<typeof jsonSchemaTransform>[0]): ReturnType<typeof jsonSchemaTransform> {
  const out = jsonSchemaTransform(input);
  const schema = out.schema as { tags?: string[]; response?: Record<string, unknown> };
  const tags = schema.tags ?? [];
  if (tags.includes('staff') && out.url !== '/staff/login')
    return { ...out, schema: { ...out.schema, security: [{ staffToken: [] }] } as typeof out.schema };
  if (!tags.includes('atm') && !tags.includes('accounts')) return out;
  return {
    ...out,
    schema: {
      ...out.schema,
      security: [{ atmKey: [] }, { staffToken: [] }],
      response: { ...ATM_ANSWERS, ...(schema.response ?? {}) },
    } as typeof out.schema,
  };
}
