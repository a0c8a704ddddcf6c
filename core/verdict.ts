/**
 * The bank's answers to an authentication or a money request, as the bank gives them and the session reads them:
 * `ok` with what was found, or a reason. A wrong PIN is an answer, not an error.
 */
export type Verdict<T = object> = ({ ok: true } & T) | { ok: false; reason: string };

/** Who a customer is, once a tier has identified them. */
export interface Identity {
  customerId: string;
  accountId: string;
  name: string;
}
