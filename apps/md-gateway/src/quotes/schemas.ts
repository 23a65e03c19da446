import { SchemaObject } from '@nestjs/swagger';
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
} from '@qautlra/platform';
import { isDepthField, WIRE_SNAPSHOT_FIELDS } from '@qautlra/qamd';

const nullable = (type: 'number' | 'integer'): SchemaObject => ({ type, nullable: true });

/** QAMD's `OptionalF64`: a number, `"-"` (no value, as the original writes it) or null. */
const OPTIONAL_F64: SchemaObject = {
  oneOf: [nullable('number'), { type: 'string', enum: ['-'] }],
  description: 'a number, or "-" / null when the source has none',
};

/** A quote as the gateway's REST and WebSocket answer it: QAMD wire fields, depth levels 1–5. */
const QUOTE: SchemaObject = objectOf(
  Object.fromEntries(
    WIRE_SNAPSHOT_FIELDS.map(([name, kind]) => [
      name,
      kind === 'string'
        ? STRING
        : kind === 'optional-f64'
          ? OPTIONAL_F64
          : isDepthField(name)
            ? nullable(kind === 'int' ? 'integer' : 'number')
            : kind === 'int'
              ? INTEGER
              : NUMBER,
    ]),
  ),
  { description: 'A QAMD snapshot (wire fields; levels 2–5 null where the source has one level)' },
);

const INSTRUMENT_NUMBERS = {
  price_tick: NUMBER,
  volume_multiple: NUMBER,
  upper_limit: { ...NUMBER, description: 'limit-up price of the day (0 when unknown)' },
  lower_limit: { ...NUMBER, description: 'limit-down price of the day (0 when unknown)' },
};

const SOURCE_STATUS: SchemaObject = objectOf(
  {
    name: STRING,
    state: { type: 'string', enum: ['connecting', 'connected', 'disconnected'] },
    detail: STRING,
    since: { type: 'string', format: 'date-time' },
    quality: objectOf(
      { lines_refused: INTEGER, fields_dropped: INTEGER, last_refusal: STRING },
      { optional: ['last_refusal'] },
    ),
  },
  { optional: ['detail', 'quality'] },
);

export const MD_GATEWAY_SCHEMAS: Schemas = {
  Quote: QUOTE,
  Quotes: mapOf(ref('Quote'), 'quotes by instrument id'),
  Instrument: objectOf(
    {
      id: { type: 'string', example: 'SHFE.rb888' },
      exchange: STRING,
      product: STRING,
      name: STRING,
      ...INSTRUMENT_NUMBERS,
      priceTick: { ...NUMBER, deprecated: true, description: 'use price_tick' },
      volumeMultiple: { ...NUMBER, deprecated: true, description: 'use volume_multiple' },
      upperLimit: { ...NUMBER, deprecated: true, description: 'use upper_limit' },
      lowerLimit: { ...NUMBER, deprecated: true, description: 'use lower_limit' },
    },
    { description: 'An instrument a source serves (camelCase names deprecated)' },
  ),
  ReplayState: objectOf(
    { playing: BOOLEAN, played: INTEGER },
    { description: 'whether playback has begun, and the ticks played so far' },
  ),
  InstrumentList: objectOf(
    { instruments: arrayOf(STRING) },
    { description: 'instrument ids, e.g. `{"instruments":["SHFE.rb888"]}`' },
  ),
  SourceStatus: SOURCE_STATUS,
  GatewayStatus: objectOf({
    status: { type: 'string', enum: ['connected', 'degraded'] },
    uptime: { ...INTEGER, description: 'seconds' },
    connected_clients: INTEGER,
    clients: objectOf({ websocket: INTEGER, socket_io: INTEGER }),
    slow_clients: INTEGER,
    max_client_buffered_bytes: INTEGER,
    active_subscriptions: INTEGER,
    sources: arrayOf(ref('SourceStatus')),
    ticks_in: INTEGER,
    frames_out: INTEGER,
    updates_out: INTEGER,
    ticks_in_per_second: NUMBER,
    frames_out_per_second: NUMBER,
    last_tick_age_ms: { type: 'number', nullable: true },
  }),
};
