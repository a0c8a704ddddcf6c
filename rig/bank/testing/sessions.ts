import type { BankService } from '../service.ts';

/** As an ATM's session would leave it: the customer identified there (card or finger) and a secret of hers checked. */
export function holdCustomer(bank: BankService, customerId: string, atmId: string): void {
  if (!bank.openSessions.claim(customerId, atmId) || !bank.openSessions.confirm(customerId, atmId))
    throw new Error(`${customerId} is held by another ATM`);
}
