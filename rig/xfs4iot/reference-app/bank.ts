/**
 * The bank's HTTP API as the reference application calls it (docs/api.md), with the ATM's key (HTTP Basic
 * `<atm id>:<key>`), exactly as the rig's controller does. Answers are checked with zod before use; a refusal the
 * API defines (a wrong PIN, insufficient funds) is an answer, anything else throws.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

const Verdict = z.union([z.object({ ok: z.literal(true) }).loose(), z.object({ ok: z.literal(false), reason: z.string() })]);
const Identity = z.object({ ok: z.literal(true), customerId: z.string(), accountId: z.string(), finger: z.number().optional() }).loose();
const Identified = z.union([Identity, z.object({ ok: z.literal(false), reason: z.string() })]);
export type Identified = z.infer<typeof Identified>;

export class Bank {
  readonly #authorization: string;
  // Unique per run: idempotency keys of this run never meet an earlier run's on the same bank.
  readonly #run = randomUUID().slice(0, 8);

  constructor(
    private readonly url: string,
    atmId: string,
    key: string,
  ) {
    this.#authorization = `Basic ${Buffer.from(`${atmId}:${key}`).toString('base64')}`;
  }

  async #call(
    method: string,
    path: string,
    body?: object,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; data: unknown }> {
    const res = await fetch(this.url + path, {
      method,
      headers: { authorization: this.#authorization, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, data: text ? (JSON.parse(text) as unknown) : {} };
  }

  async #ok<S extends z.ZodType>(schema: S, method: string, path: string, body?: object): Promise<z.infer<S>> {
    const { status, data } = await this.#call(method, path, body);
    if (status >= 300) throw new Error(`bank ${method} ${path}: HTTP ${status}`);
    return schema.parse(data);
  }

  card = (pan: string) => this.#ok(Identified, 'POST', '/auth/card', { pan });
  /** 1:N without a customer; 1:1 against hers with one. */
  finger = (template: string, customerId?: string) =>
    this.#ok(Identified, 'POST', '/auth/fingerprint', { template, ...(customerId ? { customerId } : {}) });
  secret = (customerId: string, kind: 'pin' | 'password', value: string) =>
    this.#ok(Verdict, 'POST', '/auth/secret', { customerId, kind, value });

  /** Issue an OTP and have the bank send its SMS through this ATM's modem: the code never reaches the application. */
  async sendOtp(
    customerId: string,
    length: number,
    alphabet: 'digits' | 'alphanumeric',
  ): Promise<{ ok: true; otpId: string } | { ok: false }> {
    const { status, data } = await this.#call('POST', '/otp', { customerId, length, alphabet, ttlSeconds: 120, send: true });
    if (status === 502) return { ok: false };
    if (status !== 201) throw new Error(`bank POST /otp: HTTP ${status}`);
    return {
      ok: true,
      otpId: z
        .object({ otpId: z.string(), sent: z.literal(true) })
        .loose()
        .parse(data).otpId,
    };
  }
  verifyOtp = (otpId: string, code: string) => this.#ok(Verdict, 'POST', `/otp/${encodeURIComponent(otpId)}/verify`, { code });

  /** Reserve: `undefined` when refused (insufficient funds, daily limit). */
  async reserve(accountId: string, amount: number, session: string): Promise<string | undefined> {
    const { status, data } = await this.#call(
      'POST',
      `/accounts/${accountId}/withdrawals`,
      { amount },
      { 'idempotency-key': `${this.#run}:${session}` },
    );
    if (status === 409) return undefined;
    if (status !== 201) throw new Error(`bank reserve: HTTP ${status}`);
    return z.object({ withdrawalId: z.string() }).loose().parse(data).withdrawalId;
  }
  commit = (withdrawalId: string) => this.#ok(z.object({}).loose(), 'POST', `/withdrawals/${withdrawalId}/commit`);
  reverse = (withdrawalId: string) => this.#ok(z.object({}).loose(), 'POST', `/withdrawals/${withdrawalId}/reverse`);
  sessionEnded = () => this.#call('POST', '/auth/session-ended').then(() => undefined);
}
