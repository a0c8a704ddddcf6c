/**
 * Staff sessions: `POST /staff/login` with a staff username and password gives a bearer token that lasts
 * 15 minutes of the bank clock (sliding while in use). Every other /staff route needs it. Tokens live in memory:
 * a restarted bank asks staff to log in again, which is what they would expect.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { BankService } from './service.ts';
import { TokenSessions } from './token-sessions.ts';

export const STAFF_TOKEN_TTL_MS = 15 * 60_000;

/** Staff sessions: the staff member's username behind each token. */
export class StaffSessions {
  readonly #sessions: TokenSessions<{ username: string }>;
  constructor(bank: BankService) {
    this.#sessions = new TokenSessions(bank.clock, STAFF_TOKEN_TTL_MS);
  }

  issue(username: string): { token: string; expiresAt: number } {
    return this.#sessions.issue({ username });
  }

  /** The staff member behind a request's bearer token, or undefined. */
  check(req: FastifyRequest): string | undefined {
    return this.#sessions.check(req.headers.authorization)?.username;
  }
}

export const staffLoginRoute: FastifyPluginAsyncZod<{ bank: BankService; sessions: StaffSessions }> = async (app, { bank, sessions }) => {
  app.post(
    '/staff/login',
    {
      schema: {
        tags: ['staff'],
        summary: 'Staff login: a bearer token for the other /staff routes, valid 15 minutes while in use',
        body: z.object({ username: z.string().min(1).max(40), password: z.string().min(1).max(128) }),
        response: {
          200: z.object({ token: z.string(), expiresAt: z.number() }),
          401: z.object({ error: z.string(), message: z.string() }),
        },
      },
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      if (!(await bank.verifyStaff(req.body.username, req.body.password))) {
        return reply.code(401).send({ error: 'login-failed', message: 'unknown staff user or wrong password' });
      }
      return sessions.issue(req.body.username);
    },
  );
};

/** Guard every route registered in `app` (an encapsulated plugin) behind a staff token. */
export function requireStaff(app: FastifyInstance, sessions: StaffSessions) {
  app.addHook('onRequest', async (req, reply) => {
    if (!sessions.check(req))
      return reply
        .code(401)
        .send({ error: 'staff-login-required', message: 'log in at POST /staff/login and send Authorization: Bearer <token>' });
  });
}
