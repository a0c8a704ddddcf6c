/**
 * Staff sessions: `POST /staff/login` with a staff username and password gives a bearer token that lasts
 * 15 minutes of the bank clock (sliding while in use). Every other /staff route needs it. Tokens live in memory:
 * a restarted bank asks staff to log in again, which is what they would expect.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { BankService } from './service.ts';

export const STAFF_TOKEN_TTL_MS = 15 * 60_000;

export class StaffSessions {
  readonly #tokens = new Map<string, { username: string; expiresAt: number }>();
  constructor(private readonly bank: BankService) {}

  issue(username: string): { token: string; expiresAt: number } {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = this.bank.clock.now() + STAFF_TOKEN_TTL_MS;
    this.#tokens.set(token, { username, expiresAt });
    return { token, expiresAt };
  }

  /** The staff member behind a request's bearer token, or undefined. */
  check(req: FastifyRequest): string | undefined {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) return undefined;
    const s = this.#tokens.get(header.slice(7));
    if (!s || s.expiresAt < this.bank.clock.now()) return undefined;
    s.expiresAt = this.bank.clock.now() + STAFF_TOKEN_TTL_MS;
    return s.username;
  }
}

export const staffLoginRoute: FastifyPluginAsyncZod<{ bank: BankService; sessions: StaffSessions }> = async (app, { bank, sessions }) => {
  app.post('/staff/login', {
    schema: {
      tags: ['staff'],
      summary: 'Staff login: a bearer token for the other /staff routes, valid 15 minutes while in use',
      body: z.object({ username: z.string().min(1).max(40), password: z.string().min(1).max(128) }),
      response: { 200: z.object({ token: z.string(), expiresAt: z.number() }), 401: z.object({ error: z.string(), message: z.string() }) },
    },
    config: { rateLimit: { max: 10, timeWindow: 60_000 } },
  }, async (req, reply) => {
    if (!(await bank.verifyStaff(req.body.username, req.body.password))) {
      return reply.code(401).send({ error: 'login-failed', message: 'unknown staff user or wrong password' });
    }
    return sessions.issue(req.body.username);
  });
};

/** Guard every route registered in `app` (an encapsulated plugin) behind a staff token. */
export function requireStaff(app: FastifyInstance, sessions: StaffSessions) {
  app.addHook('onRequest', async (req, reply) => {
    if (!sessions.check(req)) return reply.code(401).send({ error: 'staff-login-required', message: 'log in at POST /staff/login and send Authorization: Bearer <token>' });
  });
}
