/**
 * BankPorts straight onto the BankService, with no HTTP: the in-process baseline of the benchmark, and a way to
 * run the session machine against the real bank logic in one process.
 */
import type { BankPorts } from '../../machines/session.types.ts';
import { BankError } from './model.ts';
import { otpMessage, type BankService } from './service.ts';

async function refusable<T extends object>(run: () => Promise<T>) {
  try {
    return { ok: true as const, ...(await run()) };
  } catch (err) {
    if (err instanceof BankError) return { ok: false as const, reason: err.code };
    throw err;
  }
}

export function directBankPorts(bank: BankService): BankPorts {
  return {
    lookupCard: async ({ pan }) => bank.lookupCard(pan),
    verifyCredentials: ({ username, password }) => bank.verifyCredentials(username, password),
    verifySecret: ({ customerId, kind, value }) => bank.verifySecret(customerId, kind, value),
    matchFingerprint: async ({ template, customerId }) => bank.matchFingerprint(template, customerId),
    async issueOtp({ customerId, length, alphabet, ttlSeconds }) {
      const { otpId, code, to } = await bank.issueOtp(customerId, { length, alphabet, ttlSeconds });
      return { otpId, to, text: otpMessage(code, ttlSeconds) };
    },
    verifyOtp: ({ otpId, code }) => bank.verifyOtp(otpId, code),
    async getBalance({ accountId }) {
      const r = await bank.balanceInquiry(accountId);
      return { balance: r.available, currency: r.currency };
    },
    reserveWithdrawal: ({ accountId, amount, key }) => refusable(() => bank.reserveWithdrawal(accountId, amount, key)),
    commitWithdrawal: ({ withdrawalId }) => bank.commitWithdrawal(withdrawalId),
    reverseWithdrawal: ({ withdrawalId }) => bank.reverseWithdrawal(withdrawalId),
    transfer: ({ accountId, to, amount, key }) => refusable(() => bank.transfer(accountId, to, amount, key)),
    changeSecret: ({ customerId, kind, current, next }) => bank.changeSecret(customerId, kind, current, next),
    miniStatement: async ({ accountId, limit }) => ({ entries: bank.history(accountId, limit, true) }),
  };
}
