/**
 * The bank's domain logic, independent of HTTP: the fastify routes are thin wrappers around it, and the
 * in-process benchmark baseline calls it directly. Every method validates before it mutates. This file:
 * authentication (cards, secrets, fingers, OTPs), staff and ATM logins; customers.ts and money.ts below it.
 */
import { OpenSessions } from './open-sessions.ts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ALPHANUMERIC, DIGITS } from '../../core/random.ts';
import type { RigClock } from '../../core/clock.ts';
import type { Customer } from './model.ts';
import { hashSecret, verifySecret } from './secrets.ts';
import { DAY, findCustomer, type BankOptions } from './money.ts';
import { BankCustomers } from './customers.ts';
import type { Identity, Verdict } from '../../core/verdict.ts';

export type { BankOptions } from './money.ts';

/** What the bank tells a recording. */
export type BankNote = 'demo-customers';

export { luhnDigit, type ImportedCustomer, type KycInput } from './customers.ts';
export type { Identity, Verdict } from '../../core/verdict.ts';

export class BankService extends BankCustomers {
  /** A hash of a random secret at the bank's own cost, so an unknown name costs exactly what a known one does. */
  #dummyHash?: Promise<string>;
  /** SHA-256 of ATM keys already checked against their slow hash in this process: one scrypt per ATM, not per call. */
  readonly #verifiedClients = new Map<string, Buffer>();
  /** Which ATM holds which customer (one session per customer). */
  readonly openSessions: OpenSessions;

  constructor(options: BankOptions) {
    super(options);
    this.openSessions = new OpenSessions(options.clock);
    void this.#dummy(); // made now, so the first unknown name does not pay for it
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hashSecret(randomBytes(16).toString('hex'), this.o.hashCost);
    return this.#dummyHash;
  }

  get currency(): string {
    return this.o.currency;
  }

  /** Are OTP codes from the seeded stream (a deterministic test run)? */
  get deterministicSecrets(): boolean {
    return this.o.secrets.deterministic;
  }

  readonly #noteListeners = new Set<(note: BankNote) => void>();

  /** Be told of a change a replay must make too (a recording keeps it): the demo customers seeded. */
  onNote(listener: (note: BankNote) => void): () => void {
    this.#noteListeners.add(listener);
    return () => this.#noteListeners.delete(listener);
  }

  note(note: BankNote): void {
    for (const listener of this.#noteListeners) listener(note);
  }

  /** Finish queued writes and let the data file go. */
  close(): Promise<void> {
    return this.o.store.close();
  }

  // ---- authentication ----

  /** Identify a card's holder; asked by an ATM (`atmId`), she is held for that ATM until its session ends and a
   *  card of hers at another ATM meanwhile is refused (`in-use-elsewhere`). */
  lookupCard(pan: string, atmId?: string): Verdict<Identity> {
    const card = this.records.card(pan);
    if (!card) return { ok: false, reason: 'unknown-card' };
    if (card.status !== 'active') return { ok: false, reason: 'card-blocked' };
    const customer = findCustomer(this.records, card.customerId);
    if (atmId && !this.openSessions.claim(customer.id, atmId)) return { ok: false, reason: 'in-use-elsewhere' };
    return { ok: true, customerId: customer.id, accountId: card.account, name: customer.name };
  }

  /** A username and password identify and check her at once: asked by an ATM, its session holds her, confirmed. */
  async verifyCredentials(username: string, password: string, atmId?: string): Promise<Verdict<Identity>> {
    const customer = this.records.customerByUsername(username);
    // Hash even for an unknown user so the answer takes as long either way.
    const ok = await verifySecret(password, customer?.passwordHash ?? (await this.#dummy()));
    if (!customer) return { ok: false, reason: 'wrong-credentials' };
    // A locked customer gets the same answer as a wrong password: no telling which usernames exist or are locked.
    if (!(await this.#recordSecretCheck(customer.id, 'password', ok))) return { ok: false, reason: 'wrong-credentials' };
    if (atmId && !(this.openSessions.claim(customer.id, atmId) && this.openSessions.confirm(customer.id, atmId)))
      return { ok: false, reason: 'in-use-elsewhere' };
    return { ok: true, ...this.identity(customer) };
  }

  /** Asked by an ATM, only for the customer it identified (her card or finger there): before any hash, so an ATM key
   *  alone can neither guess a PIN nor lock anyone out. */
  async verifySecret(customerId: string, kind: 'pin' | 'password', value: string, atmId?: string): Promise<Verdict> {
    const refused = atmId && this.openSessions.refusal(customerId, atmId);
    if (refused) return { ok: false, reason: refused };
    const customer = findCustomer(this.records, customerId);
    const hash = kind === 'pin' ? customer.pinHash : customer.passwordHash;
    if (!hash) return { ok: false, reason: `no-${kind}` };
    if (isLocked(customer, kind)) return { ok: false, reason: 'locked' };
    const ok = await verifySecret(value, hash);
    if (await this.#recordSecretCheck(customerId, kind, ok))
      // Her secret checked at this ATM: its hold on her now refuses other ATMs (open-sessions.ts).
      return atmId && !this.openSessions.confirm(customerId, atmId) ? { ok: false, reason: 'in-use-elsewhere' } : { ok: true };
    return { ok: false, reason: isLocked(this.customer(customerId), kind) ? 'locked' : `wrong-${kind}` };
  }

  /** Count a check of one factor; lock after too many failures of that factor in a row, whatever the other
   *  factors do. True when the check passed and the customer is not locked. */
  async #recordSecretCheck(customerId: string, factor: 'pin' | 'password', ok: boolean): Promise<boolean> {
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      const c = findCustomer(d, customerId);
      if (isLocked(c, factor)) return false;
      // Nothing to count (a right secret, no streak to reset, no old streak to carry over): no write.
      if (ok && !c.failedSecrets && !c.failures?.[factor]) return true;
      const failures = { ...c.failures };
      if (c.failedSecrets) {
        // An old file's single streak counts against both factors once.
        failures.pin = Math.max(failures.pin ?? 0, c.failedSecrets);
        failures.password = Math.max(failures.password ?? 0, c.failedSecrets);
        delete c.failedSecrets;
      }
      failures[factor] = ok ? 0 : (failures[factor] ?? 0) + 1;
      c.failures = failures;
      if (!ok && failures[factor]! >= this.o.lockAfterFailures) c.locks = { ...c.locks, [factor]: now };
      d.putCustomer(c);
      return ok;
    });
  }

  /** Create a staff account (or reset its password). */
  async setStaff(username: string, password: string): Promise<void> {
    const hash = await hashSecret(password, this.o.hashCost);
    const now = this.o.clock.now();
    await this.o.store.update((d) => d.putStaff({ username, passwordHash: hash, createdAt: now }));
  }

  /** `alreadyVerified`: a start-up's memory of pairs it checked before (rig/verified-pairs.ts), asked with the hash. */
  async verifyStaff(username: string, password: string, alreadyVerified?: (hash: string) => boolean): Promise<boolean> {
    const staff = this.records.staffMember(username);
    if (staff && alreadyVerified?.(staff.passwordHash)) return true;
    const ok = await verifySecret(password, staff?.passwordHash ?? (await this.#dummy()));
    return Boolean(staff) && ok;
  }

  // ---- ATMs as bank clients ----

  /** Give an ATM a key (or a new one); stored as a slow hash like every other secret. */
  async setClientKey(id: string, key: string): Promise<void> {
    const hash = await hashSecret(key, this.o.hashCost);
    const now = this.o.clock.now();
    await this.o.store.update((d) => d.putClient({ id, keyHash: hash, createdAt: now }));
    // Known right from the start: the ATM's first call never waits behind a slow hash (nor a guesser's throttle).
    this.#verifiedClients.set(id, createHash('sha256').update(key).digest());
  }

  /** Without a slow hash: true when the key is one this process already verified for the ATM, 'unknown-client'
   *  when there is no such ATM, false when only the slow check can tell. */
  knownClientKey(id: string, key: string): boolean | 'unknown-client' {
    if (!this.records.client(id)) return 'unknown-client';
    const known = this.#verifiedClients.get(id);
    return known ? timingSafeEqual(known, createHash('sha256').update(key).digest()) : false;
  }

  /** Is this the ATM's key? The first check of a key is a slow hash; later ones compare its SHA-256 in constant time. */
  async verifyClient(id: string, key: string, alreadyVerified?: (hash: string) => boolean): Promise<boolean> {
    const client = this.records.client(id);
    if (!client) return false;
    const digest = createHash('sha256').update(key).digest();
    const known = this.#verifiedClients.get(id);
    if (known) return timingSafeEqual(known, digest);
    if (!alreadyVerified?.(client.keyHash) && !(await verifySecret(key, client.keyHash))) return false;
    this.#verifiedClients.set(id, digest);
    return true;
  }

  get clock(): RigClock {
    return this.o.clock;
  }

  /** Staff: clear a lock and the failure count. */
  async unlock(customerId: string): Promise<void> {
    await this.o.store.update((d) => {
      const c = findCustomer(d, customerId);
      delete c.failures;
      delete c.failedSecrets;
      delete c.lockedAt;
      delete c.locks;
      d.putCustomer(c);
    });
  }

  /** 1:1 against `customerId`, or 1:N (customers.ts); a 1:N match asked by an ATM holds the customer for it, as a
   *  card does. 1:1, asked by an ATM, only against the customer its session identified (it names her otherwise). */
  matchFingerprint(template: string, customerId?: string, atmId?: string): Verdict<Identity & { finger: number; score: number }> {
    const refused = customerId && atmId && this.openSessions.refusal(customerId, atmId);
    if (refused) return { ok: false, reason: refused };
    const best = this.identifyFinger(template, customerId);
    if (!best) return { ok: false, reason: 'no-match' };
    const { customer } = best;
    if (!customerId && atmId && !this.openSessions.claim(customer.id, atmId)) return { ok: false, reason: 'in-use-elsewhere' };
    return { ok: true, ...this.identity(customer), finger: best.finger, score: best.score };
  }

  // ---- OTP ----

  /** Issues a code and returns it once, with the phone to send it to. Only its hash is stored. */
  async issueOtp(
    customerId: string,
    spec: { length: number; alphabet: 'digits' | 'alphanumeric'; ttlSeconds: number },
  ): Promise<{ otpId: string; code: string; to: string; expiresAt: number }> {
    const code = this.o.secrets.string(spec.length, spec.alphabet === 'digits' ? DIGITS : ALPHANUMERIC);
    const codeHash = await hashSecret(code, this.o.hashCost);
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      const customer = findCustomer(d, customerId);
      const id = `otp-${d.next('otp')}`;
      const expiresAt = now + spec.ttlSeconds * 1000;
      // Keep the table small: drop codes that expired more than a day ago.
      d.pruneOtps(now - DAY);
      d.putOtp({ id, customerId, codeHash, expiresAt, failures: 0, createdAt: now });
      return { otpId: id, code, to: customer.phone, expiresAt };
    });
  }

  /** Asked by an ATM, only for an OTP of the customer it identified (the same answer for an OTP that does not
   *  exist): another ATM cannot spend her code with wrong guesses. It does not confirm the session: the code went
   *  through the ATM's own modem, so it proves nothing against someone holding the ATM's key. */
  async verifyOtp(otpId: string, code: string, atmId?: string): Promise<Verdict> {
    const otp = this.records.otp(otpId);
    const refused = atmId && (otp ? this.openSessions.refusal(otp.customerId, atmId) : 'no-session');
    if (refused) return { ok: false, reason: refused };
    if (!otp) return { ok: false, reason: 'unknown' };
    const matches = await verifySecret(code, otp.codeHash);
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      const o = d.otp(otpId);
      if (!o) return { ok: false as const, reason: 'unknown' };
      if (o.usedAt !== undefined) return { ok: false as const, reason: 'used' };
      if (now > o.expiresAt) return { ok: false as const, reason: 'expired' };
      if (!matches) {
        o.failures += 1;
        // Too many guesses spend the code, so it cannot be brute-forced within its lifetime.
        if (o.failures >= this.o.otpMaxFailures) o.usedAt = now;
        d.putOtp(o);
        return { ok: false as const, reason: 'wrong' };
      }
      d.putOtp({ ...o, usedAt: now });
      return { ok: true as const };
    });
  }

  async changeSecret(customerId: string, kind: 'pin' | 'password', current: string, next: string): Promise<Verdict> {
    const check = await this.verifySecret(customerId, kind, current);
    if (!check.ok) return { ok: false, reason: 'wrong-secret' };
    if (current === next) return { ok: false, reason: 'weak-secret' };
    await this.setSecret(customerId, kind, next);
    const now = this.o.clock.now();
    await this.o.store.update((d) => {
      const account = d.accountOf(customerId);
      if (account) this.post(d, account, kind === 'pin' ? 'change-pin' : 'change-password', 0, now);
    });
    return { ok: true };
  }
}

/** Is this factor of the customer locked? (A file from before 0.2 locked both.) */
export function isLocked(c: Customer, factor: 'pin' | 'password'): boolean {
  return c.lockedAt !== undefined || c.locks?.[factor] !== undefined;
}

/** The SMS that carries an OTP. `otpFromSms` in rig/atm-client.ts reads the code back out of it. */
export function otpMessage(code: string, ttlSeconds: number): string {
  const minutes = Math.max(1, Math.round(ttlSeconds / 60));
  return `atm-rig: your one-time code is ${code}. It expires in ${minutes} min. Never share it.`;
}
