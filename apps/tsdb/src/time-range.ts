import { TsdbError } from '@qautlra/tsdb';

const UNITS: Readonly<Record<string, number>> = {
  s: 1_000,
  sec: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/** RFC 3339 or humantime (`now`, `10m-ago`, `1h-ago`, `2d ago`) → Date; `field` names the input. */
export function parseTime(value: unknown, field: string, now = Date.now()): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw new TsdbError('TSDB_INVALID_TIME', `${field} must be a string`, field);
  const text = value.trim();
  if (text === 'now') return new Date(now);
  const ago = /^(\d+)\s*([a-z]+)[\s-]+ago$/i.exec(text);
  if (ago) {
    const unit = UNITS[(ago[2] ?? '').toLowerCase()];
    if (unit) return new Date(now - Number(ago[1]) * unit);
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) {
    const parsed = Date.parse(text);
    if (Number.isFinite(parsed)) return new Date(parsed);
  }
  throw new TsdbError(
    'TSDB_INVALID_TIME',
    `${field}: expected RFC 3339 or a time like "1h-ago" / "now", got ${JSON.stringify(value)}`,
    field,
  );
}
