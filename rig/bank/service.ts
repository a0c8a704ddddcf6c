/**
 * The bank's domain logic, independent of HTTP: the fastify routes are thin wrappers around it, and the
 * in-process benchmark baseline calls it directly. Every method validates before it mutates.
 */
import { ALPHANUMERIC, DIGITS, type Random } from '../../machines/random.ts';
import type { RigClock } from '../clock.ts';
import { MATCH_THRESHOLD, matchScore } from './biometrics.ts';
import { BankError, type Account, type BankData, type Card, type Customer, type Hold, type LedgerEntry } from './model.ts';
import { hashSecret, verifySecret, type HashCost } from './secrets.ts';
import type { BankStore } from './store.ts';

export interface BankOptions {
  store: BankStore;
  clock: RigClock;
  random: Random;
  hashCost: HashCost;
  currency: string;
  /** Most a customer may withdraw per calendar day (UTC), in minor units. */
  dailyWithdrawalLimit: number;
  /** An OTP code may be tried this many times before it is spent. */
  otpMaxFailures: number;
  /** Consecutive failed PIN/password checks, across sessions, that lock the customer until staff unlock. */
  lockAfterFailures: number;
}

export interface KycInput {
  name: string;
  phone: string;
  email: string;
  address: string;
  city: string;
  gender: Customer['gender'];
  dateOfBirth: string;
}

export type Verdict<T = object> = ({ ok: true } & T) | { ok: false; reason: string };

export interface Identity {
  customerId: string;
  accountId: string;
  name: string;
}

const DAY = 86_400_000;

export class BankService {
  readonly #o: BankOptions;

  constructor(options: BankOptions) {
    this.#o = options;
  }

  get data(): BankData {
    return this.#o.store.read();
  }

  get currency(): string {
    return this.#o.currency;
  }

  // ---- staff: KYC, accounts, enrolment ----

  async openCustomer(kyc: KycInput, opening: { deposit?: number; username?: string; customerId?: string } = {}): Promise<{ customer: Customer; account: Account }> {
    const now = this.#o.clock.now();
    return this.#o.store.update((d) => {
      if (opening.username && d.customers.some((c) => c.username === opening.username)) {
        throw new BankError('conflict', `username ${opening.username} is taken`);
      }
      if (opening.customerId && d.customers.some((c) => c.id === opening.customerId)) {
        throw new BankError('conflict', `customer ${opening.customerId} exists`);
      }
      d.counters.customer += 1;
      d.counters.account += 1;
      const customer: Customer = {
        ...kyc,
        id: opening.customerId ?? `C${String(d.counters.customer).padStart(4, '0')}`,
        ...(opening.username ? { username: opening.username } : {}),
        createdAt: now,
      };
      const account: Account = { number: String(d.counters.account), customerId: customer.id, currency: this.#o.currency, balance: 0, createdAt: now };
      d.customers.push(customer);
      d.accounts.push(account);
      if (opening.deposit) this.#post(d, account, 'deposit', opening.deposit, now, { ref: 'opening deposit' });
      return { customer, account };
    });
  }

  /** Bulk import of customers with a card and a ledger history, in one write (the synthetic population).
   *  Customers whose id exists are left as they are. */
  async importCustomers(people: readonly { id: string; kyc: KycInput; provider: Card['provider']; pan: string; transactions: readonly { type: LedgerEntry['type']; amount: number; daysAgo: number }[] }[]): Promise<number> {
    const now = this.#o.clock.now();
    return this.#o.store.update((d) => {
      let added = 0;
      for (const p of people) {
        if (d.customers.some((c) => c.id === p.id) || d.cards.some((c) => c.pan === p.pan)) continue;
        d.counters.account += 1;
        d.customers.push({ ...p.kyc, id: p.id, createdAt: now });
        const account: Account = { number: String(d.counters.account), customerId: p.id, currency: this.#o.currency, balance: 0, createdAt: now };
        d.accounts.push(account);
        d.cards.push({ pan: p.pan, customerId: p.id, account: account.number, provider: p.provider, status: 'active', issuedAt: now });
        for (const t of p.transactions) this.#post(d, account, t.type, t.amount, now - t.daysAgo * DAY, { ref: 'history' });
        added++;
      }
      return added;
    });
  }

  async setSecret(customerId: string, kind: 'pin' | 'password', value: string): Promise<void> {
    const hash = await hashSecret(value, this.#o.hashCost);
    await this.#o.store.update((d) => {
      const c = this.#customer(d, customerId);
      if (kind === 'pin') c.pinHash = hash;
      else c.passwordHash = hash;
    });
  }

  async setUsername(customerId: string, username: string): Promise<void> {
    await this.#o.store.update((d) => {
      if (d.customers.some((c) => c.username === username && c.id !== customerId)) throw new BankError('conflict', `username ${username} is taken`);
      this.#customer(d, customerId).username = username;
    });
  }

  async enrolFinger(customerId: string, finger: number, template: string): Promise<void> {
    await this.enrolFingers(customerId, [{ finger, template }]);
  }

  /** Enrol several fingers of one customer in one write (a KYC session enrols all ten). */
  async enrolFingers(customerId: string, fingers: readonly { finger: number; template: string }[]): Promise<void> {
    const now = this.#o.clock.now();
    await this.#o.store.update((d) => {
      this.#customer(d, customerId);
      const replaced = new Set(fingers.map((f) => f.finger));
      d.fingers = d.fingers.filter((f) => !(f.customerId === customerId && replaced.has(f.finger)));
      for (const { finger, template } of fingers) d.fingers.push({ customerId, finger, template, enrolledAt: now });
    });
  }

  async issueCard(customerId: string, provider: 'visa' | 'mastercard' | 'unionpay' | 'local', pan?: string): Promise<{ pan: string }> {
    const now = this.#o.clock.now();
    return this.#o.store.update((d) => {
      const customer = this.#customer(d, customerId);
      const account = d.accounts.find((a) => a.customerId === customer.id);
      if (!account) throw new BankError('not-found', `customer ${customerId} has no account`);
      const number = pan ?? this.#newPan(d, provider);
      if (d.cards.some((c) => c.pan === number)) throw new BankError('conflict', 'card number already issued');
      d.cards.push({ pan: number, customerId, account: account.number, provider, status: 'active', issuedAt: now });
      return { pan: number };
    });
  }

  customer(customerId: string): Customer {
    return this.#customer(this.data, customerId);
  }

  // ---- authentication ----

  lookupCard(pan: string): Verdict<Identity> {
    const card = this.data.cards.find((c) => c.pan === pan);
    if (!card) return { ok: false, reason: 'unknown-card' };
    if (card.status !== 'active') return { ok: false, reason: 'card-blocked' };
    const customer = this.#customer(this.data, card.customerId);
    return { ok: true, customerId: customer.id, accountId: card.account, name: customer.name };
  }

  async verifyCredentials(username: string, password: string): Promise<Verdict<Identity>> {
    const customer = this.data.customers.find((c) => c.username === username);
    // Hash even for an unknown user so the answer takes as long either way.
    const ok = await verifySecret(password, customer?.passwordHash ?? DUMMY_HASH);
    if (!customer) return { ok: false, reason: 'wrong-credentials' };
    // A locked customer gets the same answer as a wrong password: no telling which usernames exist or are locked.
    if (!(await this.#recordSecretCheck(customer.id, ok))) return { ok: false, reason: 'wrong-credentials' };
    return { ok: true, ...this.#identity(customer) };
  }

  async verifySecret(customerId: string, kind: 'pin' | 'password', value: string): Promise<Verdict> {
    const customer = this.#customer(this.data, customerId);
    const hash = kind === 'pin' ? customer.pinHash : customer.passwordHash;
    if (!hash) return { ok: false, reason: `no-${kind}` };
    if (customer.lockedAt !== undefined) return { ok: false, reason: 'locked' };
    const ok = await verifySecret(value, hash);
    if (await this.#recordSecretCheck(customerId, ok)) return { ok: true };
    return { ok: false, reason: this.customer(customerId).lockedAt !== undefined ? 'locked' : `wrong-${kind}` };
  }

  /** Count a PIN/password check; lock after too many failures in a row. True when the check passed and the customer is not locked. */
  async #recordSecretCheck(customerId: string, ok: boolean): Promise<boolean> {
    const now = this.#o.clock.now();
    return this.#o.store.update((d) => {
      const c = this.#customer(d, customerId);
      if (c.lockedAt !== undefined) return false;
      if (ok) {
        c.failedSecrets = 0;
        return true;
      }
      c.failedSecrets = (c.failedSecrets ?? 0) + 1;
      if (c.failedSecrets >= this.#o.lockAfterFailures) c.lockedAt = now;
      return false;
    });
  }

  /** Create a staff account (or reset its password). */
  async setStaff(username: string, password: string): Promise<void> {
    const hash = await hashSecret(password, this.#o.hashCost);
    const now = this.#o.clock.now();
    await this.#o.store.update((d) => {
      d.staff = d.staff.filter((s) => s.username !== username);
      d.staff.push({ username, passwordHash: hash, createdAt: now });
    });
  }

  async verifyStaff(username: string, password: string): Promise<boolean> {
    const staff = this.data.staff.find((s) => s.username === username);
    const ok = await verifySecret(password, staff?.passwordHash ?? DUMMY_HASH);
    return Boolean(staff) && ok;
  }

  get clock(): RigClock {
    return this.#o.clock;
  }

  /** Staff: clear a lock and the failure count. */
  async unlock(customerId: string): Promise<void> {
    await this.#o.store.update((d) => {
      const c = this.#customer(d, customerId);
      c.failedSecrets = 0;
      delete c.lockedAt;
    });
  }

  /** 1:1 when customerId is given (only that customer's fingers), 1:N over the whole library otherwise. */
  matchFingerprint(template: string, customerId?: string): Verdict<Identity & { finger: number; score: number }> {
    let best: { customerId: string; finger: number; score: number } | undefined;
    for (const f of this.data.fingers) {
      if (customerId && f.customerId !== customerId) continue;
      const score = matchScore(template, f.template);
      if (score >= MATCH_THRESHOLD && (!best || score > best.score)) best = { customerId: f.customerId, finger: f.finger, score };
    }
    if (!best) return { ok: false, reason: 'no-match' };
    const customer = this.#customer(this.data, best.customerId);
    return { ok: true, ...this.#identity(customer), finger: best.finger, score: best.score };
  }

  // ---- OTP ----

  /** Issues a code and returns it once, with the phone to send it to. Only its hash is stored. */
  async issueOtp(customerId: string, spec: { length: number; alphabet: 'digits' | 'alphanumeric'; ttlSeconds: number }): Promise<{ otpId: string; code: string; to: string; expiresAt: number }> {
    const code = this.#o.random.string(spec.length, spec.alphabet === 'digits' ? DIGITS : ALPHANUMERIC);
    const codeHash = await hashSecret(code, this.#o.hashCost);
    const now = this.#o.clock.now();
    return this.#o.store.update((d) => {
      const customer = this.#customer(d, customerId);
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
    const now = this.#o.clock.now();
    return this.#o.store.update((d) => {
      const o = d.otps.find((x) => x.id === otpId);
      if (!o) return { ok: false as const, reason: 'unknown' };
      if (o.usedAt !== undefined) return { ok: false as const, reason: 'used' };
      if (now > o.expiresAt) return { ok: false as const, reason: 'expired' };
      if (!matches) {
        o.failures += 1;
        // Too many guesses spend the code, so it cannot be brute-forced within its lifetime.
        if (o.failures >= this.#o.otpMaxFailures) o.usedAt = now;
        return { ok: false as const, reason: 'wrong' };
      }
      o.usedAt = now;
      return { ok: true as const };
    });
  }

  // ---- accounts and money ----

  account(number: string): Account & { available: number } {
    const account = this.#account(this.data, number);
    return { ...account, available: this.#available(this.data, account) };
  }

  async balanceInquiry(number: string): Promise<{ balance: number; available: number; currency: string }> {
    const now = this.#o.clock.now();
    return this.#o.store.update((d) => {
      const account = this.#account(d, number);
      this.#post(d, account, 'balance', 0, now);
      return { balance: account.balance, available: this.#available(d, account), currency: account.currency };
    });
  }

  history(number: string, limit = 20, moneyOnly = false): LedgerEntry[] {
    this.#account(this.data, number);
    return this.data.ledger
      .filter((e) => e.account === number && (!moneyOnly || e.amount !== 0))
      .slice(-limit)
      .reverse();
  }

  async deposit(number: string, amount: number, key: string): Promise<{ balance: number; entryId: string }> {
    const now = this.#o.clock.now();
    return this.#idempotent(key, (d) => {
      const account = this.#account(d, number);
      const entry = this.#post(d, account, 'deposit', amount, now, { ref: key });
      return { balance: account.balance, entryId: entry.id };
    });
  }

  /** A staff correction (or the demo seed): posts a deposit or a debit without limits. */
  async adjust(number: string, amount: number, ref: string): Promise<{ balance: number }> {
    const now = this.#o.clock.now();
    return this.#o.store.update((d) => {
      const account = this.#account(d, number);
      this.#post(d, account, amount >= 0 ? 'deposit' : 'withdrawal', amount, now, { ref });
      return { balance: account.balance };
    });
  }

  /** Step 1 of a withdrawal: hold the money so nothing else can spend it while notes are counted. */
  async reserveWithdrawal(number: string, amount: number, key: string): Promise<{ withdrawalId: string; available: number }> {
    const now = this.#o.clock.now();
    return this.#idempotent(key, (d) => {
      const account = this.#account(d, number);
      const available = this.#available(d, account);
      if (amount > available) throw new BankError('insufficient-funds', 'insufficient funds');
      if (this.#withdrawnToday(d, account, now) + amount > this.#o.dailyWithdrawalLimit) {
        throw new BankError('daily-limit', 'daily withdrawal limit reached');
      }
      d.counters.hold += 1;
      const hold: Hold = { id: `W${d.counters.hold}`, account: account.number, amount, key, status: 'reserved', createdAt: now };
      d.holds.push(hold);
      return { withdrawalId: hold.id, available: available - amount };
    });
  }

  /** Step 2: the notes left the machine; debit the account. Committing twice is a no-op. */
  async commitWithdrawal(withdrawalId: string): Promise<{ balance: number }> {
    const now = this.#o.clock.now();
    return this.#o.store.update((d) => {
      const hold = this.#hold(d, withdrawalId);
      const account = this.#account(d, hold.account);
      if (hold.status === 'reversed') throw new BankError('invalid-state', 'withdrawal was reversed');
      if (hold.status === 'reserved') {
        hold.status = 'committed';
        hold.settledAt = now;
        this.#post(d, account, 'withdrawal', -hold.amount, now, { ref: hold.id });
      }
      return { balance: account.balance };
    });
  }

  /** Step 2': the dispenser failed; release the hold. Reversing twice is a no-op. */
  async reverseWithdrawal(withdrawalId: string): Promise<{ balance: number }> {
    const now = this.#o.clock.now();
    return this.#o.store.update((d) => {
      const hold = this.#hold(d, withdrawalId);
      const account = this.#account(d, hold.account);
      if (hold.status === 'committed') throw new BankError('invalid-state', 'withdrawal was committed');
      hold.status = 'reversed';
      hold.settledAt ??= now;
      return { balance: account.balance };
    });
  }

  async transfer(from: string, to: string, amount: number, key: string): Promise<{ balance: number }> {
    const now = this.#o.clock.now();
    return this.#idempotent(key, (d) => {
      const source = this.#account(d, from);
      const target = d.accounts.find((a) => a.number === to);
      if (!target) throw new BankError('unknown-account', `no account ${to}`);
      if (target.number === source.number) throw new BankError('same-account', 'cannot transfer to the same account');
      if (amount > this.#available(d, source)) throw new BankError('insufficient-funds', 'insufficient funds');
      this.#post(d, source, 'transfer-out', -amount, now, { ref: key, counterparty: target.number });
      this.#post(d, target, 'transfer-in', amount, now, { ref: key, counterparty: source.number });
      return { balance: source.balance };
    });
  }

  async changeSecret(customerId: string, kind: 'pin' | 'password', current: string, next: string): Promise<Verdict> {
    const check = await this.verifySecret(customerId, kind, current);
    if (!check.ok) return { ok: false, reason: 'wrong-secret' };
    if (current === next) return { ok: false, reason: 'weak-secret' };
    await this.setSecret(customerId, kind, next);
    const now = this.#o.clock.now();
    await this.#o.store.update((d) => {
      const account = d.accounts.find((a) => a.customerId === customerId);
      if (account) this.#post(d, account, kind === 'pin' ? 'change-pin' : 'change-password', 0, now);
    });
    return { ok: true };
  }

  // ---- internals ----

  async #idempotent<T>(key: string, apply: (d: BankData) => T): Promise<T> {
    return this.#o.store.update((d) => {
      if (key in d.idempotency) return d.idempotency[key] as T;
      const result = apply(d);
      d.idempotency[key] = result;
      return result;
    });
  }

  #post(d: BankData, account: Account, type: LedgerEntry['type'], amount: number, ts: number, extra: { ref?: string; counterparty?: string } = {}): LedgerEntry {
    account.balance += amount;
    d.counters.entry += 1;
    const entry: LedgerEntry = { id: `E${d.counters.entry}`, account: account.number, ts, type, amount, balanceAfter: account.balance, ...extra };
    d.ledger.push(entry);
    return entry;
  }

  #available(d: BankData, account: Account): number {
    const held = d.holds.filter((h) => h.account === account.number && h.status === 'reserved').reduce((s, h) => s + h.amount, 0);
    return account.balance - held;
  }

  #withdrawnToday(d: BankData, account: Account, now: number): number {
    const dayStart = Math.floor(now / DAY) * DAY;
    return d.holds
      .filter((h) => h.account === account.number && h.status !== 'reversed' && h.createdAt >= dayStart)
      .reduce((s, h) => s + h.amount, 0);
  }

  #identity(customer: Customer): Identity {
    const account = this.data.accounts.find((a) => a.customerId === customer.id);
    if (!account) throw new BankError('not-found', `customer ${customer.id} has no account`);
    return { customerId: customer.id, accountId: account.number, name: customer.name };
  }

  #customer(d: BankData, id: string): Customer {
    const c = d.customers.find((x) => x.id === id);
    if (!c) throw new BankError('not-found', `no customer ${id}`);
    return c;
  }

  #account(d: BankData, number: string): Account {
    const a = d.accounts.find((x) => x.number === number);
    if (!a) throw new BankError('unknown-account', `no account ${number}`);
    return a;
  }

  #hold(d: BankData, id: string): Hold {
    const h = d.holds.find((x) => x.id === id);
    if (!h) throw new BankError('not-found', `no withdrawal ${id}`);
    return h;
  }

  /** A card number with a valid Luhn check digit and the provider's prefix. */
  #newPan(d: BankData, provider: string): string {
    const prefix = { visa: '4', mastercard: '51', unionpay: '62', local: '9' }[provider] ?? '9';
    for (;;) {
      const body = prefix + this.#o.random.string(15 - prefix.length, DIGITS);
      const pan = body + luhnDigit(body);
      if (!d.cards.some((c) => c.pan === pan)) return pan;
    }
  }
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

// A valid hash of a random secret, so an unknown username costs one hash like a known one.
const DUMMY_HASH = 'scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
