/** Error kinds of the original `QAMDError`, plus id normalisation. */
export type QamdErrorCode =
  | 'QAMD_SERIALIZATION'
  | 'QAMD_DATETIME_PARSE'
  | 'QAMD_INVALID_MARKET_DATA'
  | 'QAMD_UNKNOWN_INSTRUMENT'
  | 'QAMD_AMBIGUOUS_INSTRUMENT';

export class QamdError extends Error {
  constructor(
    readonly code: QamdErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'QamdError';
  }
}
