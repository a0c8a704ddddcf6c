/**
 * The bank's customers: KYC and accounts opened by staff, bulk imports (synthetic populations), secrets set,
 * cards issued, fingers enrolled, and fingerprint identification over them (1:1 against one customer, or 1:N
 * through the index of finger-index.ts). BankService (service.ts) builds on it with authentication and OTPs.
 */
import { MATCH_THRESHOLD, matchScore } from '../../core/biometrics.ts';
import { DIGITS } from '../../core/random.ts';
import type { Identity } from '../../core/verdict.ts';
import { FingerLibrary } from './finger-library.ts';
import { BankError, type Account, type Card, type Customer, type LedgerEntry } from './model.ts';
import { BankMoney, DAY, findCustomer } from './money.ts';
import type { BankReader, BankWriter } from './records.ts';
import { hashSecret } from './secrets.ts';

export interface KycInput {
  name: string;
  phone: string;
  email: string;
  address: string;
  city: string;
  gender: Customer['gender'];
  dateOfBirth: string;
}

/** A customer brought in whole (the synthetic population): KYC, a card, a ledger history, and optionally a PIN
 *  already hashed (each with its own salt) and enrolled fingers. */
export interface ImportedCustomer {
  id: string;
  kyc: KycInput;
  provider: Card['provider'];
  pan: string;
  transactions: readonly { type: LedgerEntry['type']; amount: number; daysAgo: number }[];
  pinHash?: string;
  fingers?: readonly { finger: number; template: string }[];
}

export class BankCustomers extends BankMoney {
  /** The 1:N index (finger-library.ts). */
  protected readonly fingerLibrary = new FingerLibrary(this.records);

  async openCustomer(
    kyc: KycInput,
    opening: { deposit?: number; username?: string; customerId?: string; seededBy?: Customer['seededBy'] } = {},
  ): Promise<{ customer: Customer; account: Account }> {
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      if (opening.username && d.customerByUsername(opening.username))
        throw new BankError('conflict', `username ${opening.username} is taken`);
      if (opening.customerId && d.customer(opening.customerId)) throw new BankError('conflict', `customer ${opening.customerId} exists`);
      let id = opening.customerId;
      // Ids given explicitly (the demo, imports) may be ahead of the counter: never hand one out twice.
      while (!id || (!opening.customerId && d.customer(id))) id = `C${String(d.next('customer')).padStart(4, '0')}`;
      const customer: Customer = {
        ...kyc,
        id,
        ...(opening.username ? { username: opening.username } : {}),
        ...(opening.seededBy ? { seededBy: opening.seededBy } : {}),
        createdAt: now,
      };
      d.putCustomer(customer);
      const account = this.#openAccount(d, customer.id, now);
      if (opening.deposit) this.post(d, account, 'deposit', opening.deposit, now, { ref: 'opening deposit' });
      return { customer, account };
    });
  }

  /** Bulk import of customers with a card and a ledger history, in one write. Customers whose id or card exists are
   *  left as they are. Resolves with the ids of those added. */
  async importCustomers(people: readonly ImportedCustomer[]): Promise<string[]> {
    const now = this.o.clock.now();
    const added = await this.o.store.update((d) => {
      const added: ImportedCustomer[] = [];
      for (const p of people) {
        if (d.customer(p.id) || d.card(p.pan)) continue;
        d.putCustomer({ ...p.kyc, id: p.id, seededBy: 'population', ...(p.pinHash ? { pinHash: p.pinHash } : {}), createdAt: now });
        const account = this.#openAccount(d, p.id, now);
        d.putCard({ pan: p.pan, customerId: p.id, account: account.number, provider: p.provider, status: 'active', issuedAt: now });
        for (const t of p.transactions) this.entry(d, account, t.type, t.amount, now - t.daysAgo * DAY, { ref: 'history' });
        d.putAccount(account);
        for (const f of p.fingers ?? []) d.putFinger({ customerId: p.id, finger: f.finger, template: f.template, enrolledAt: now });
        added.push(p);
      }
      return added;
    });
    for (const p of added) for (const f of p.fingers ?? []) this.fingerLibrary.add(p.id, f.finger, f.template);
    return added.map((p) => p.id);
  }

  async setSecret(customerId: string, kind: 'pin' | 'password', value: string): Promise<void> {
    const hash = await hashSecret(value, this.o.hashCost);
    await this.o.store.update((d) => {
      const c = findCustomer(d, customerId);
      if (kind === 'pin') c.pinHash = hash;
      else c.passwordHash = hash;
      d.putCustomer(c);
    });
  }

  async markSeeded(customerId: string, by: NonNullable<Customer['seededBy']>): Promise<void> {
    await this.o.store.update((d) => d.putCustomer({ ...findCustomer(d, customerId), seededBy: by }));
  }

  async setUsername(customerId: string, username: string): Promise<void> {
    await this.o.store.update((d) => {
      const holder = d.customerByUsername(username);
      if (holder && holder.id !== customerId) throw new BankError('conflict', `username ${username} is taken`);
      d.putCustomer({ ...findCustomer(d, customerId), username });
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
      for (const { finger, template } of fingers) d.putFinger({ customerId, finger, template, enrolledAt: now });
    });
    for (const { finger, template } of fingers) this.fingerLibrary.add(customerId, finger, template);
  }

  async issueCard(customerId: string, provider: Card['provider'], pan?: string): Promise<{ pan: string }> {
    const now = this.o.clock.now();
    return this.o.store.update((d) => {
      const customer = findCustomer(d, customerId);
      const account = d.accountOf(customer.id);
      if (!account) throw new BankError('not-found', `customer ${customerId} has no account`);
      const number = pan ?? this.#newPan(d, provider);
      if (d.card(number)) throw new BankError('conflict', 'card number already issued');
      d.putCard({ pan: number, customerId, account: account.number, provider, status: 'active', issuedAt: now });
      return { pan: number };
    });
  }

  /** Load the 1:N index in the background (a bank about to serve ATMs); resolves when it is ready. */
  prepareFingerIndex(): Promise<void> {
    return this.fingerLibrary.prepare();
  }

  customer(customerId: string): Customer {
    return findCustomer(this.records, customerId);
  }

  /** 1:1 against `customerId`'s fingers, or 1:N through the index. The best score at or above the threshold. */
  protected identifyFinger(template: string, customerId?: string): { customer: Customer; finger: number; score: number } | undefined {
    const candidates = customerId
      ? this.records.fingersOf(customerId)
      : this.fingerLibrary
          .index()
          .candidates(template)
          .flatMap((c) => this.records.finger(c.customerId, c.finger) ?? []);
    let best: { customerId: string; finger: number; score: number } | undefined;
    for (const f of candidates) {
      const score = matchScore(template, f.template);
      if (score >= MATCH_THRESHOLD && (!best || score > best.score)) best = { customerId: f.customerId, finger: f.finger, score };
    }
    return best && { customer: this.customer(best.customerId), finger: best.finger, score: best.score };
  }

  protected identity(customer: Customer): Identity {
    const account = this.records.accountOf(customer.id);
    if (!account) throw new BankError('not-found', `customer ${customer.id} has no account`);
    return { customerId: customer.id, accountId: account.number, name: customer.name };
  }

  #openAccount(d: BankWriter, customerId: string, now: number): Account {
    const account: Account = { number: String(d.next('account')), customerId, currency: this.o.currency, balance: 0, createdAt: now };
    d.putAccount(account);
    return account;
  }

  /** A card number with a valid Luhn check digit and the provider's prefix. */
  #newPan(d: BankReader, provider: string): string {
    const prefix = { visa: '4', mastercard: '51', unionpay: '62', local: '9' }[provider] ?? '9';
    for (;;) {
      const body = prefix + this.o.random.string(15 - prefix.length, DIGITS);
      const pan = body + luhnDigit(body);
      if (!d.card(pan)) return pan;
    }
  }
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
