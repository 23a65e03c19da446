export type DiffErrorCode = 'DIFF_INVALID_JSON' | 'DIFF_INVALID_MESSAGE' | 'DIFF_UNKNOWN_AID';

/** A client frame that cannot be accepted; `field` names the offending field when there is one. */
export class DiffProtocolError extends Error {
  constructor(
    readonly code: DiffErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DiffProtocolError';
  }
}
