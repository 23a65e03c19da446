export type TsdbErrorCode =
  | 'TSDB_INVALID_STREAM'
  | 'TSDB_STREAM_EXISTS'
  | 'TSDB_STREAM_NOT_FOUND'
  | 'TSDB_SCHEMA_CONFLICT'
  | 'TSDB_INVALID_EVENT'
  | 'TSDB_SQL_REFUSED'
  | 'TSDB_SQL_ERROR'
  | 'TSDB_INVALID_TIME';

/** A domain error of the time-series store; `field` names the offending field when there is one. */
export class TsdbError extends Error {
  constructor(
    readonly code: TsdbErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TsdbError';
  }
}
