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

/** The calling ATM's id, or undefined for staff or nobody. */
export const atmOf = (client: string | undefined) => (client?.startsWith('atm:') ? client.slice(4) : undefined);

/** Failed logins per address per minute before the bank stops checking them. */
export const MAX_FAILED_CLIENT_LOGINS = 30;
const WINDOW_MS = 60_000;

/** Per client, per route: generous, since one ATM speaks for many customers; the per-customer lockout is stricter. */
export const ATM_ROUTE_LIMIT = {
  rateLimit: { max: 600, timeWindow: WINDOW_MS, keyGenerator: (req: FastifyRequest) => req.bankClient ?? req.ip },
};

export function requireBankClient(app: FastifyInstance, bank: BankService, sessions: StaffSessions, clock: RigClock) {
  const failures = new Map<string, { count: number; until: number }>();
  const throttled = (ip: string) => {
    const seen = failures.get(ip);
    if (seen && seen.until <= clock.now()) failures.delete(ip);
    return (failures.get(ip)?.count ?? 0) >= MAX_FAILED_CLIENT_LOGINS;
  };
  const failed = (ip: string) => {
    const entry = failures.get(ip) ?? { count: 0, until: clock.now() + WINDOW_MS };
    entry.count += 1;
    failures.set(ip, entry);
    if (failures.size > 10_000) failures.delete(failures.keys().next().value!); // bounded memory under a spray
  };

  app.addHook('onRequest', async (req, reply) => {
    const answer = await authenticate(req, bank, sessions, () => throttled(req.ip));
    if (typeof answer === 'object') {
      req.bankClient = answer.who;
      return;
    }
    if (answer === 'throttled')
      return reply
        .code(429)
        .send({ error: 'rate-limited', message: 'too many wrong ATM keys from this address; wait a minute (a right key still gets in)' });
    // Only a wrong key for a real ATM cost the bank a hash: that is what is counted. No header, a bad header or an
    // unknown ATM cost nothing, and counting them would let anyone lock the real ATMs out.
    if (answer === 'wrong-key') failed(req.ip);
    return reply.code(401).send({
      error: 'client-login-required',
      message:
        answer === 'wrong-key'
          ? 'wrong key for this ATM'
          : 'ATM routes need Authorization: Basic <atm id>:<key> (the rig provisions one per ATM) or a staff Bearer token',
    });
  });
}

/** Who is calling: `atm:<id>` or `staff:<name>`, or why not. A right key is never throttled: it is checked
 *  against what this process already verified (SHA-256, constant time) before any slow hash is considered. */
async function authenticate(
  req: FastifyRequest,
  bank: BankService,
  sessions: StaffSessions,
  isThrottled: () => boolean,
): Promise<{ who: string } | 'none' | 'wrong-key' | 'throttled'> {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) {
    const staff = sessions.check(req);
    return staff ? { who: `staff:${staff}` } : 'none';
  }
  if (!header.startsWith('Basic ')) return 'none';
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1 || decoded.length > 200) return 'none';
  const id = decoded.slice(0, colon);
  const key = decoded.slice(colon + 1);
  const known = bank.knownClientKey(id, key);
  if (known === 'unknown-client') return 'none';
  if (known === true) return { who: `atm:${id}` };
  if (isThrottled()) return 'throttled';
  return (await bank.verifyClient(id, key)) ? { who: `atm:${id}` } : 'wrong-key';
}

/** The Authorization header an ATM sends. */
export function basicAuth(id: string, key: string): string {
  return `Basic ${Buffer.from(`${id}:${key}`).toString('base64')}`;
}
