/**
 * Who may call the routes an ATM calls (/auth/*, /otp, /accounts/*, /withdrawals/*, /customers/*): an ATM with
 * the key the rig provisioned for it (HTTP Basic, `<atm id>:<key>`), or a logged-in staff member (Bearer token,
 * for dashboards and back-office tools). Everybody else gets 401. Failed attempts are counted per address: past
 * the limit a caller gets 429 without the bank spending a hash on it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RigClock } from '../../core/clock.ts';
import type { BankService } from './service.ts';
import type { StaffSessions } from './staff-auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** `atm:<id>` or `staff:<username>` once the request is authenticated. */
    bankClient?: string;
  }
}

/** Failed logins per address per minute before the bank stops checking them. */
export const MAX_FAILED_CLIENT_LOGINS = 30;
const WINDOW_MS = 60_000;

/** Per client, per route: generous, since one ATM speaks for many customers; the per-customer lockout is stricter. */
export const ATM_ROUTE_LIMIT = {
  rateLimit: { max: 600, timeWindow: WINDOW_MS, keyGenerator: (req: FastifyRequest) => req.bankClient ?? req.ip },
};

export function requireBankClient(app: FastifyInstance, bank: BankService, sessions: StaffSessions, clock: RigClock) {
  const failures = new Map<string, { count: number; until: number }>();
  const refuse = (reply: { code(n: number): { send(b: object): unknown } }, status: 401 | 429) =>
    reply.code(status).send(
      status === 429
        ? { error: 'rate-limited', message: 'too many failed logins from this address; wait a minute' }
        : { error: 'client-login-required', message: 'ATM routes need Authorization: Basic <atm id>:<key> (the rig provisions one per ATM) or a staff Bearer token' },
    );

  app.addHook('onRequest', async (req, reply) => {
    const now = clock.now();
    const seen = failures.get(req.ip);
    if (seen && seen.until <= now) failures.delete(req.ip);
    if (seen && seen.until > now && seen.count >= MAX_FAILED_CLIENT_LOGINS) return refuse(reply, 429);

    const who = await authenticate(req, bank, sessions);
    if (who) {
      req.bankClient = who;
      return;
    }
    const entry = failures.get(req.ip) ?? { count: 0, until: now + WINDOW_MS };
    entry.count += 1;
    failures.set(req.ip, entry);
    if (failures.size > 10_000) failures.delete(failures.keys().next().value!); // bounded memory under a spray
    return refuse(reply, 401);
  });
}

async function authenticate(req: FastifyRequest, bank: BankService, sessions: StaffSessions): Promise<string | undefined> {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) {
    const staff = sessions.check(req);
    return staff ? `staff:${staff}` : undefined;
  }
  if (!header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1 || decoded.length > 200) return undefined;
  const id = decoded.slice(0, colon);
  return (await bank.verifyClient(id, decoded.slice(colon + 1))) ? `atm:${id}` : undefined;
}

/** The Authorization header an ATM sends. */
export function basicAuth(id: string, key: string): string {
  return `Basic ${Buffer.from(`${id}:${key}`).toString('base64')}`;
}
