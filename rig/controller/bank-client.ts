/**
 * BankPorts over HTTP: how the ATM talks to the bank, exactly as an external client would. Domain refusals
 * (409) become `{ ok: false, reason }`; anything else unexpected throws, which the session machine treats as
 * "service unavailable".
 */
import type { BankPorts, Verdict } from '../../machines/session.types.ts';
import { basicAuth } from '../bank/client-auth.ts';
import { createHttpTextClient } from './http-text.ts';

export class BankHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`bank ${status} ${code}: ${message}`);
  }
}

/** Not a call of the session machine: the controller tells the bank a session ended (one session per customer). */
export interface SessionEnd {
  sessionEnded(): Promise<void>;
  /** Close idle connections to the bank (a bank given in process has none). */
  close?(): void;
}

/** A refusal is a refusal whatever its body (a proxy's HTML 404 too); a 2xx answer that is not JSON is a failure. */
function parseAnswer(text: string, status: number): Record<string, unknown> {
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    if (status >= 200 && status <= 299) throw new Error(`the bank answered ${status} with a body that is not JSON`);
    return {};
  }
}

export function createBankClient(
  baseUrl: string,
  options: { timeoutMs?: number; keyPrefix?: string; credential?: { id: string; key: string }; retryDelaysMs?: readonly number[] } = {},
): BankPorts & SessionEnd {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const authorization: Record<string, string> = options.credential
    ? { authorization: basicAuth(options.credential.id, options.credential.key) }
    : {};
  // Idempotency keys from the machine are unique per session; the prefix makes them unique per controller run.
  const key = (k: string) => `${options.keyPrefix ?? ''}${k}`;
  const http = createHttpTextClient();

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await http.request(baseUrl + path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...authorization, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs,
    });
    const data = parseAnswer(res.text, res.status);
    if (res.status < 200 || res.status > 299)
      throw new BankHttpError(res.status, String(data.error ?? 'error'), String(data.message ?? res.statusText));
    return data as T;
  }

  /** A money operation: 409 refusals are answers, not failures. */
  async function refusable<T extends object>(run: () => Promise<T>): Promise<Verdict<T>> {
    try {
      return { ok: true, ...(await run()) };
    } catch (err) {
      if (err instanceof BankHttpError && (err.status === 409 || err.status === 404)) return { ok: false, reason: err.code };
      throw err;
    }
  }

  /** Try an idempotent call again (a settlement, or a reservation or transfer with its idempotency key) on a network
   *  error, 429 or 5xx: 4 tries over about 2.5 s (retryDelaysMs), within the time a customer waits at "Please wait". */
  async function settle<T>(run: () => Promise<T>): Promise<T> {
    const delays = options.retryDelaysMs ?? [250, 750, 1500];
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        const transient = !(err instanceof BankHttpError) || err.status === 429 || err.status >= 500;
        if (!transient || attempt >= delays.length) throw err;
        await new Promise((r) => setTimeout(r, delays[attempt]));
      }
    }
  }

  return {
    close: () => http.close(),
    lookupCard: ({ pan }) => call('POST', '/auth/card', { pan }),
    // Tried again like a settlement: a lost one would leave her held, confirmed, at this ATM until the hold lapses.
    sessionEnded: () => settle(() => call('POST', '/auth/session-ended')),
    verifyCredentials: (input) => call('POST', '/auth/credentials', input),
    verifySecret: (input) => call('POST', '/auth/secret', input),
    matchFingerprint: (input) => call('POST', '/auth/fingerprint', input),
    issueOtp: (input) => call<{ otpId: string; to: string; text: string }>('POST', '/otp', input),
    verifyOtp: ({ otpId, code }) => call('POST', `/otp/${encodeURIComponent(otpId)}/verify`, { code }),
    async getBalance({ accountId }) {
      const r = await call<{ available: number; currency: string }>('POST', `/accounts/${accountId}/balance-inquiries`);
      return { balance: r.available, currency: r.currency };
    },
    // A reservation and a transfer carry an idempotency key: asked again after a lost answer, the bank gives the same
    // one, and no hold is left behind for a withdrawal the ATM never heard of.
    reserveWithdrawal: ({ accountId, amount, key: k }) =>
      refusable(() =>
        settle(() =>
          call<{ withdrawalId: string }>('POST', `/accounts/${accountId}/withdrawals`, { amount }, { 'idempotency-key': key(k) }),
        ),
      ),
    // The notes have left (or failed to): settling is idempotent and must not be lost to a passing fault.
    commitWithdrawal: ({ withdrawalId }) => settle(() => call('POST', `/withdrawals/${withdrawalId}/commit`)),
    reverseWithdrawal: ({ withdrawalId }) => settle(() => call('POST', `/withdrawals/${withdrawalId}/reverse`)),
    transfer: ({ accountId, to, amount, key: k }) =>
      refusable(() =>
        settle(() => call<{ balance: number }>('POST', `/accounts/${accountId}/transfers`, { to, amount }, { 'idempotency-key': key(k) })),
      ),
    changeSecret: ({ customerId, kind, current, next }) => call('POST', `/customers/${customerId}/${kind}/change`, { current, next }),
    async miniStatement({ accountId, limit }) {
      const r = await call<{ entries: { ts: number; type: string; amount: number }[] }>(
        'GET',
        `/accounts/${accountId}/ledger?limit=${limit}&money=true`,
      );
      return { entries: r.entries.map(({ ts, type, amount }) => ({ ts, type, amount })) };
    },
  };
}
