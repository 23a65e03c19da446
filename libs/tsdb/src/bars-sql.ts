import type { StreamField } from './schema';

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

export const BAR_PERIOD_MS = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
} as const;
export type BarPeriod = keyof typeof BAR_PERIOD_MS;

/**
 * The SQL of OHLCV bars (see `TsdbEngine.bars`) of one instrument from `source` (a table, view or
 * table function with the stream's `fields` and `p_date`) — exported so that a benchmark can run
 * exactly the engine's query on the Parquet files directly.
 */
export function barsSql(
  source: string,
  fields: readonly StreamField[],
  instrument: string,
  period: BarPeriod,
  range: { start?: Date; end?: Date } = {},
): string {
  const has = (name: string) => fields.some((field) => field.name === name);
  const ts =
    fields.find((field) => field.name === 'datetime')?.type === 'TIMESTAMP'
      ? 'epoch_ms("datetime")'
      : `epoch_ms(CAST("datetime" AS TIMESTAMPTZ))`;
  const filters = [
    `instrument_id = ${literal(instrument)}`,
    range.start ? `${ts} >= ${range.start.getTime()}` : undefined,
    range.end ? `${ts} < ${range.end.getTime()}` : undefined,
  ].filter(Boolean);
  const oi = has('open_interest') ? 'arg_max(open_interest, t)' : 'NULL';
  const bucket =
    period === '1d'
      ? '0'
      : `floor(t / ${BAR_PERIOD_MS[period]})::BIGINT * ${BAR_PERIOD_MS[period]}`;
  // Each tick's share of the day's cumulative totals: the rise since the tick before it; a drop
  // (the feed restarted its count: a new session) counts the new total from zero, so a bar's
  // volume is never negative.
  const rise = (field: string) =>
    `CASE WHEN lag(${field}) OVER day IS NULL OR ${field} < lag(${field}) OVER day ` +
    `THEN ${field} ELSE ${field} - lag(${field}) OVER day END`;
  const amountRise = has('amount') ? rise('amount') : 'NULL';
  return (
    `WITH ticks AS (SELECT *, ${ts} AS t FROM ${source} WHERE ${filters.join(' AND ')}), ` +
    `rises AS (SELECT *, ${rise('volume')} AS volume_rise, ${amountRise} AS amount_rise FROM ticks ` +
    `WINDOW day AS (PARTITION BY p_date ORDER BY t)), ` +
    `b AS (SELECT p_date, ${period === '1d' ? 'min(t)' : bucket} AS bar, arg_min(last_price, t) AS open, ` +
    `max(last_price) AS high, min(last_price) AS low, arg_max(last_price, t) AS close, ` +
    `sum(volume_rise) AS volume, ${has('amount') ? 'sum(amount_rise)' : 'NULL'} AS amount, ${oi} AS open_interest, count(*) AS ticks ` +
    `FROM rises GROUP BY p_date${period === '1d' ? '' : ', bar'}) ` +
    `SELECT strftime(make_timestamp(bar * 1000), '%Y-%m-%dT%H:%M:%S.%gZ') AS datetime, p_date AS trading_day, ` +
    `open, high, low, close, volume, amount, ` +
    `open_interest, ticks::INTEGER AS ticks FROM b ORDER BY bar`
  );
}
