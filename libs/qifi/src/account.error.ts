/** Why the account engine refused an order, a fill, a cancel or a transfer. */
export type AccountRejectionCode =
  | 'INVALID_ORDER'
  | 'DUPLICATE_ORDER_ID'
  | 'UNKNOWN_INSTRUMENT'
  | 'INSUFFICIENT_FUNDS'
  | 'INSUFFICIENT_POSITION'
  | 'T_PLUS_ONE'
  | 'ORDER_NOT_FOUND'
  | 'ORDER_NOT_ALIVE'
  | 'INVALID_FILL'
  | 'INVALID_TRANSFER';

export interface AccountRejection {
  readonly code: AccountRejectionCode;
  /** Human-readable reason, also written to the order's `last_msg`. */
  readonly message: string;
}

export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly rejection: AccountRejection };

export function reject<T>(code: AccountRejectionCode, message: string): Outcome<T> {
  return { ok: false, rejection: { code, message } };
}

export function accept<T>(value: T): Outcome<T> {
  return { ok: true, value };
}
