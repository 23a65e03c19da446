export type QifiErrorCode = 'QIFI_INVALID_DOCUMENT' | 'QIFI_INVALID_JSON' | 'QIFI_INVALID_BSON';

/** A QIFI document that cannot be read; `path` names the field (`positions["SHFE.au2512"].margin`). */
export class QifiError extends Error {
  constructor(
    readonly code: QifiErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'QifiError';
  }
}
