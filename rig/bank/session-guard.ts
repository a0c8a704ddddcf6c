/**
 * An ATM acts on an account, or changes a customer's secret, only for the customer its session holds and has checked
 * a secret of (open-sessions.ts: her PIN or password at this ATM; not an OTP, whose code passes through it). Without
 * it one ATM's key, stolen from a host, would read and move the money of every account in the bank. Staff (Bearer tokens) are not bound: they serve
 * every customer. The answer is the same 403 whether the account exists or not, so the key does not tell which do.
 *
 * Settling a withdrawal (commit, reverse) is bound to the ATM that reserved it, as the hold records (on disk, so an
 * ATM whose notes left while the bank restarted, which forgets every session, still settles its own).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { atmOf } from './client-auth.ts';
import type { BankService } from './service.ts';

export const NO_SESSION = {
  error: 'no-session',
  message: 'an ATM acts only on the accounts of the customer its session identified and whose PIN or password it checked',
};

export function atmSessionHolds(bank: BankService, what: 'account' | 'customer') {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const atmId = atmOf(req.bankClient);
    if (atmId === undefined) return;
    const params = req.params as { number?: string; id?: string };
    const customerId = what === 'customer' ? params.id : params.number && bank.records.account(params.number)?.customerId;
    if (customerId !== undefined && bank.openSessions.confirmedHolder(customerId) === atmId) return;
    return reply.code(403).send(NO_SESSION);
  };
}

/** A withdrawal is settled by the ATM that reserved it (or staff): the same 403 for another ATM's and for none. */
export function atmReservedIt(bank: BankService) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const atmId = atmOf(req.bankClient);
    if (atmId === undefined) return;
    if (bank.records.hold((req.params as { id: string }).id)?.atm === atmId) return;
    return reply.code(403).send(NO_SESSION);
  };
}
