import type { SchemaObject } from '@nestjs/swagger';
import {
  arrayOf,
  BOOLEAN,
  INTEGER,
  NUMBER,
  objectOf,
  ref,
  Schemas,
  STRING,
  mapOf,
  textEnum,
} from '@qautlra/platform';

/** A queue consumer's state (`amqp`, `nats` in `/api/v1/status`). */
const consumerStatus = (name: string): SchemaObject =>
  objectOf(
    {
      [name]: STRING,
      state: textEnum(['connecting', 'consuming', 'disconnected']),
      detail: STRING,
      messages: INTEGER,
      rows: INTEGER,
      rejected: INTEGER,
    },
    { optional: ['detail'] },
  );

export const TSDB_SCHEMAS: Schemas = {
  /** One value of a result row: SQL scalars as JSON (timestamps as ISO text). */
  Row: mapOf(
    {
      oneOf: [{ type: 'string', nullable: true }, NUMBER, BOOLEAN],
      description: 'a column value: text (timestamps in ISO 8601), number, boolean or null',
    },
    'a result row: column name → value',
  ),
  Rows: arrayOf(ref('Row')),
  Event: mapOf(ref('JsonValue'), 'an event: field name → value (nested objects as JSON)'),
  StreamName: objectOf({ name: STRING }),
  StreamCreated: objectOf({ name: STRING, partition_by: { type: 'string', nullable: true } }),
  StreamDeleted: objectOf({ deleted: STRING }),
  StreamSchema: objectOf({
    fields: arrayOf(
      objectOf({
        name: STRING,
        data_type: { type: 'string', example: 'Float64' },
        nullable: BOOLEAN,
      }),
    ),
    partition_by: { type: 'string', nullable: true },
  }),
  Ingested: objectOf({ ingested: { ...INTEGER, description: 'events written' } }),
  Counts: objectOf({
    fields: arrayOf(STRING),
    records: arrayOf(
      objectOf({
        start_time: { type: 'string', format: 'date-time' },
        end_time: { type: 'string', format: 'date-time' },
        count: INTEGER,
      }),
    ),
  }),
  Bar: objectOf(
    {
      datetime: { type: 'string', format: 'date-time', description: 'the bar’s start' },
      trading_day: { type: 'string', format: 'date' },
      open: NUMBER,
      high: NUMBER,
      low: NUMBER,
      close: NUMBER,
      volume: NUMBER,
      amount: NUMBER,
      open_interest: { type: 'number', nullable: true },
      ticks: INTEGER,
    },
    { optional: ['trading_day', 'amount', 'open_interest', 'ticks'] },
  ),
  TsdbStatus: objectOf({
    mode: textEnum(['all', 'ingest', 'query']),
    streams: arrayOf(STRING),
    failed_streams: arrayOf(objectOf({ name: STRING, error: STRING })),
    recorder: {
      ...objectOf(
        {
          url: STRING,
          stream: STRING,
          state: textEnum(['connecting', 'connected', 'disconnected']),
          detail: STRING,
          instruments: INTEGER,
          updates_received: INTEGER,
          rows_written: INTEGER,
        },
        { optional: ['detail'] },
      ),
      nullable: true,
      description: 'the gateway recorder (QADB_WS_CLIENT_*), null when off',
    },
    amqp: { ...consumerStatus('queue'), nullable: true },
    nats: { ...consumerStatus('jet_stream'), nullable: true },
  }),
  Flushed: objectOf({ flushed: { ...INTEGER, description: 'rows moved to Parquet' } }),
};
