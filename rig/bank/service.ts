/**
 * The bank's domain logic, independent of HTTP: the fastify routes are thin wrappers around it, and the
 * in-process benchmark baseline calls it directly. Every method validates before it mutates.
 */
import { OpenSessions } from './open-sessions.ts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ALPHANUMERIC, DIGITS } from '../../core/random.ts';
import type { RigClock } from '../../core/clock.ts';
import { MATCH_THRESHOLD, matchScore } from '../../core/biometrics.ts';
import { BankError, type Account, type BankData, type Card, type Customer, type LedgerEntry } from './model.ts';
import { hashSecret, verifySecret } from './secrets.ts';
import { BankMoney, DAY, findCustomer, type BankOptions } from './money.ts';
import type { Identity, Verdict } from '../../core/verdict.ts';

export type { BankOptions } from './money.ts';

/** What the bank tells a recording. */
export type BankNote = 'demo-customers';

export interface KycInput {
  name: string;
  phone: string;
  email: string;
  address: string;
  city: string;
  gender: Customer['gender'];
  dateOfBirth: string;
}

export type { Identity, Verdict } from '../../core/verdict.ts';

export class BankService extends BankMoney {
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

  // ---- staff: KYC, accounts, enrolment ----

  async openCustomer(
    kyc: KycInput,
    opening: { deposit?: number; username?: string; customerId?: string; seededBy?: Customer['seededBy'] } = {},
  ): Promise<{ customer: Customer; account: Account }> {
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      if (opening.username && d.customers.some((c) => c.username === opening.username)) {
        throw new BankError('conflict', `username ${opening.username} is taken`);
      }
      if (opening.customerId && d.customers.some((c) => c.id === opening.customerId)) {
        throw new BankError('conflict', `customer ${opening.customerId} exists`);
      }
      let id = opening.customerId;
      // Ids given explicitly (the demo, imports) may be ahead of the counter: never hand one out twice.
      while (!id || (!opening.customerId && d.customers.some((c) => c.id === id))) {
        d.counters.customer += 1;
        id = `C${String(d.counters.customer).padStart(4, '0')}`;
      }
      d.counters.account += 1;
      const customer: Customer = {
        ...kyc,
        id,
        ...(opening.username ? { username: opening.username } : {}),
        ...(opening.seededBy ? { seededBy: opening.seededBy } : {}),
        createdAt: now,
      };
      const account: Account = {
        number: String(d.counters.account),
        customerId: customer.id,
        currency: this.o.currency,
        balance: 0,
        createdAt: now,
      };
      d.customers.push(customer);
      d.accounts.push(account);
      if (opening.deposit) this.post(d, account, 'deposit', opening.deposit, now, { ref: 'opening deposit' });
      return { customer, account };
    });
  }

  /** Bulk import of customers with a card and a ledger history, in one write (the synthetic population).
   *  Customers whose id exists are left as they are. */
  async importCustomers(
    people: readonly {
      id: string;
      kyc: KycInput;
      provider: Card['provider'];
      pan: string;
      transactions: readonly { type: LedgerEntry['type']; amount: number; daysAgo: number }[];
    }[],
  ): Promise<number> {
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      let added = 0;
      for (const p of people) {
        if (d.customers.some((c) => c.id === p.id) || d.cards.some((c) => c.pan === p.pan)) continue;
        d.counters.account += 1;
        d.customers.push({ ...p.kyc, id: p.id, seededBy: 'population', createdAt: now });
        const account: Account = {
          number: String(d.counters.account),
          customerId: p.id,
          currency: this.o.currency,
          balance: 0,
          createdAt: now,
        };
        d.accounts.push(account);
        d.cards.push({ pan: p.pan, customerId: p.id, account: account.number, provider: p.provider, status: 'active', issuedAt: now });
        for (const t of p.transactions) this.post(d, account, t.type, t.amount, now - t.daysAgo * DAY, { ref: 'history' });
        added++;
      }
      return added;
    });
  }

  async setSecret(customerId: string, kind: 'pin' | 'password', value: string): Promise<void> {
    const hash = await hashSecret(value, this.o.hashCost);
    await this.o.store.update((d) => {
      const c = findCustomer(d, customerId);
      if (kind === 'pin') c.pinHash = hash;
      else c.passwordHash = hash;
    });
  }

  async markSeeded(customerId: string, by: NonNullable<Customer['seededBy']>): Promise<void> {
    await this.o.store.update((d) => {
      findCustomer(d, customerId).seededBy = by;
    });
  }

  async setUsername(customerId: string, username: string): Promise<void> {
    await this.o.store.update((d) => {
      if (d.customers.some((c) => c.username === username && c.id !== customerId))
        throw new BankError('conflict', `username ${username} is taken`);
      findCustomer(d, customerId).username = username;
    });
  }

  async enrolFinger(customerId: string, finger: number, template: string): Promise<void> {
    await this.enrolFingers(customerId, [{ finger, template }]);
  }

  /** Enrol several fingers of one customer in one write (a KYC session enrols all ten). */
  async enrolFingers(customerId: string, fingers: readonly { finger: number; template: string }[]): Promise<void> {
    const now = this.o.clock.now();
    await this.o.store.update((d) => {
      findCustomer(d, customerId);
      const replaced = new Set(fingers.map((f) => f.finger));
      d.fingers = d.fingers.filter((f) => !(f.customerId === customerId && replaced.has(f.finger)));
      for (const { finger, template } of fingers) d.fingers.push({ customerId, finger, template, enrolledAt: now });
    });
  }

  async issueCard(customerId: string, provider: 'visa' | 'mastercard' | 'unionpay' | 'local', pan?: string): Promise<{ pan: string }> {
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      const customer = findCustomer(d, customerId);
      const account = d.accounts.find((a) => a.customerId === customer.id);
      if (!account) throw new BankError('not-found', `customer ${customerId} has no account`);
      const number = pan ?? this.#newPan(d, provider);
      if (d.cards.some((c) => c.pan === number)) throw new BankError('conflict', 'card number already issued');
      d.cards.push({ pan: number, customerId, account: account.number, provider, status: 'active', issuedAt: now });
      return { pan: number };
    });
  }

  customer(customerId: string): Customer {
    return findCustomer(this.data, customerId);
  }

  // ---- authentication ----

  /** Identify a card's holder; asked by an ATM (`atmId`), she is held for that ATM until its session ends and a
   *  card of hers at another ATM meanwhile is refused (`in-use-elsewhere`). */
  lookupCard(pan: string, atmId?: string): Verdict<Identity> {
    const card = this.data.cards.find((c) => c.pan === pan);
    if (!card) return { ok: false, reason: 'unknown-card' };
    if (card.status !== 'active') return { ok: false, reason: 'card-blocked' };
    const customer = findCustomer(this.data, card.customerId);
    if (atmId && !this.openSessions.claim(customer.id, atmId)) return { ok: false, reason: 'in-use-elsewhere' };
    return { ok: true, customerId: customer.id, accountId: card.account, name: customer.name };
  }

  async verifyCredentials(username: string, password: string): Promise<Verdict<Identity>> {
    const customer = this.data.customers.find((c) => c.username === username);
    // Hash even for an unknown user so the answer takes as long either way.
    const ok = await verifySecret(password, customer?.passwordHash ?? (await this.#dummy()));
    if (!customer) return { ok: false, reason: 'wrong-credentials' };
    // A locked customer gets the same answer as a wrong password: no telling which usernames exist or are locked.
    if (!(await this.#recordSecretCheck(customer.id, 'password', ok))) return { ok: false, reason: 'wrong-credentials' };
    return { ok: true, ...this.#identity(customer) };
  }

  async verifySecret(customerId: string, kind: 'pin' | 'password', value: string, atmId?: string): Promise<Verdict> {
    const customer = findCustomer(this.data, customerId);
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
      return ok;
    });
  }

  /** Create a staff account (or reset its password). */
  async setStaff(username: string, password: string): Promise<void> {
    const hash = await hashSecret(password, this.o.hashCost);
    const now = this.o.clock.now();
    await this.o.store.update((d) => {
      d.staff = d.staff.filter((s) => s.username !== username);
      d.staff.push({ username, passwordHash: hash, createdAt: now });
    });
  }

  async verifyStaff(username: string, password: string): Promise<boolean> {
    const staff = this.data.staff.find((s) => s.username === username);
    const ok = await verifySecret(password, staff?.passwordHash ?? (await this.#dummy()));
    return Boolean(staff) && ok;
  }

  // ---- ATMs as bank clients ----

  /** Give an ATM a key (or a new one); stored as a slow hash like every other secret. */
  async setClientKey(id: string, key: string): Promise<void> {
    const hash = await hashSecret(key, this.o.hashCost);
    const now = this.o.clock.now();
    await this.o.store.update((d) => {
      d.clients = d.clients.filter((c) => c.id !== id);
      d.clients.push({ id, keyHash: hash, createdAt: now });
    });
    // Known right from the start: the ATM's first call never waits behind a slow hash (nor a guesser's throttle).
    this.#verifiedClients.set(id, createHash('sha256').update(key).digest());
  }

  /** Without a slow hash: true when the key is one this process already verified for the ATM, 'unknown-client'
   *  when there is no such ATM, false when only the slow check can tell. */
  knownClientKey(id: string, key: string): boolean | 'unknown-client' {
    if (!this.data.clients.some((c) => c.id === id)) return 'unknown-client';
    const known = this.#verifiedClients.get(id);
    return known ? timingSafeEqual(known, createHash('sha256').update(key).digest()) : false;
  }

  /** Is this the ATM's key? The first check of a key is a slow hash; later ones compare its SHA-256 in constant time. */
  async verifyClient(id: string, key: string): Promise<boolean> {
    const client = this.data.clients.find((c) => c.id === id);
    if (!client) return false;
    const digest = createHash('sha256').update(key).digest();
    const known = this.#verifiedClients.get(id);
    if (known) return timingSafeEqual(known, digest);
    if (!(await verifySecret(key, client.keyHash))) return false;
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
    });
  }

  /** 1:1 when customerId is given (only that customer's fingers), 1:N over the whole library otherwise. */
  /** 1:1 against `customerId`, or 1:N; a 1:N match asked by an ATM holds the customer for it, as a card does. */
  matchFingerprint(template: string, customerId?: string, atmId?: string): Verdict<Identity & { finger: number; score: number }> {
    let best: { customerId: string; finger: number; score: number } | undefined;
    for (const f of this.data.fingers) {
      if (customerId && f.customerId !== customerId) continue;
      const score = matchScore(template, f.template);
      if (score >= MATCH_THRESHOLD && (!best || score > best.score)) best = { customerId: f.customerId, finger: f.finger, score };
    }
    if (!best) return { ok: false, reason: 'no-match' };
    const customer = findCustomer(this.data, best.customerId);
    if (!customerId && atmId && !this.openSessions.claim(customer.id, atmId)) return { ok: false, reason: 'in-use-elsewhere' };
    return { ok: true, ...this.#identity(customer), finger: best.finger, score: best.score };
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
      d.counters.otp += 1;
      const id = `otp-${d.counters.otp}`;
      const expiresAt = now + spec.ttlSeconds * 1000;
      // Keep the table small: drop codes that expired more than a day ago.
      d.otps = d.otps.filter((o) => o.expiresAt > now - DAY);
      d.otps.push({ id, customerId, codeHash, expiresAt, failures: 0, createdAt: now });
      return { otpId: id, code, to: customer.phone, expiresAt };
    });
  }

  async verifyOtp(otpId: string, code: string): Promise<Verdict> {
    const otp = this.data.otps.find((o) => o.id === otpId);
    if (!otp) return { ok: false, reason: 'unknown' };
    const matches = await verifySecret(code, otp.codeHash);
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      const o = d.otps.find((x) => x.id === otpId);
      if (!o) return { ok: false as const, reason: 'unknown' };
      if (o.usedAt !== undefined) return { ok: false as const, reason: 'used' };
      if (now > o.expiresAt) return { ok: false as const, reason: 'expired' };
      if (!matches) {
        o.failures += 1;
        // Too many guesses spend the code, so it cannot be brute-forced within its lifetime.
        if (o.failures >= this.o.otpMaxFailures) o.usedAt = now;
        return { ok: false as const, reason: 'wrong' };
      }
      o.usedAt = now;
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
      const account = d.accounts.find((a) => a.customerId === customerId);
      if (account) this.post(d, account, kind === 'pin' ? 'change-pin' : 'change-password', 0, now);
    });
    return { ok: true };
  }

  // ---- internals ----

  #identity(customer: Customer): Identity {
    const account = this.data.accounts.find((a) => a.customerId === customer.id);
    if (!account) throw new BankError('not-found', `customer ${customer.id} has no account`);
    return { customerId: customer.id, accountId: account.number, name: customer.name };
  }

  /** A card number with a valid Luhn check digit and the provider's prefix. */
  #newPan(d: BankData, provider: string): string {
    const prefix = { visa: '4', mastercard: '51', unionpay: '62', local: '9' }[provider] ?? '9';
    for (;;) {
      const body = prefix + this.o.random.string(15 - prefix.length, DIGITS);
      const pan = body + luhnDigit(body);
      if (!d.cards.some((c) => c.pan === pan)) return pan;
    }
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

export function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let n = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return String((10 - (sum % 10)) % 10);
}
