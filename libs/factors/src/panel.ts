/**
 * A dated cross-section: `dates × instruments` values in one `Float64Array`, date-major (a date's
 * cross-section is contiguous: `values[d * instruments.length + i]`). NaN is "no value" (missing, warm-up,
 * not computable). Panels are immutable by convention: every operation returns a new one.
 */
export class Panel {
  readonly rows: number;
  readonly columns: number;

  constructor(
    readonly dates: readonly string[],
    readonly instruments: readonly string[],
    readonly values: Float64Array,
  ) {
    this.rows = dates.length;
    this.columns = instruments.length;
    if (values.length !== this.rows * this.columns)
      throw new FactorError(
        'panel_shape',
        `a panel of ${this.rows} dates × ${this.columns} instruments holds ${this.rows * this.columns} values, not ${values.length}`,
      );
  }

  /** A panel of one value (NaN by default) on the given axes. */
  static filled(
    dates: readonly string[],
    instruments: readonly string[],
    value = Number.NaN,
  ): Panel {
    return new Panel(
      dates,
      instruments,
      new Float64Array(dates.length * instruments.length).fill(value),
    );
  }

  /**
   * From long rows (`{date, instrument, value}`): axes sorted (dates ascending, instruments as first seen
   * unless given), absent pairs NaN, a repeated pair's last value kept.
   */
  static fromRows(
    rows: Iterable<{ date: string; instrument: string; value: number }>,
    axes: { dates?: readonly string[]; instruments?: readonly string[] } = {},
  ): Panel {
    const list = [...rows];
    const dates = axes.dates ?? [...new Set(list.map((r) => r.date))].sort();
    const instruments = axes.instruments ?? [...new Set(list.map((r) => r.instrument))];
    const dateAt = new Map(dates.map((d, i) => [d, i]));
    const instrumentAt = new Map(instruments.map((s, i) => [s, i]));
    const panel = Panel.filled(dates, instruments);
    for (const row of list) {
      const d = dateAt.get(row.date);
      const i = instrumentAt.get(row.instrument);
      if (d === undefined || i === undefined) continue;
      panel.values[d * instruments.length + i] = row.value;
    }
    return panel;
  }

  /** The same axes with other values. */
  like(values: Float64Array): Panel {
    return new Panel(this.dates, this.instruments, values);
  }

  at(date: number, instrument: number): number {
    return this.values[date * this.columns + instrument]!;
  }

  /** One date's cross-section (a view, not a copy). */
  row(date: number): Float64Array {
    return this.values.subarray(date * this.columns, (date + 1) * this.columns);
  }

  /** One instrument's series (a copy). */
  column(instrument: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let d = 0; d < this.rows; d += 1) out[d] = this.values[d * this.columns + instrument]!;
    return out;
  }

  /** Long rows of the values that are not NaN. */
  *entries(): Generator<{ date: string; instrument: string; value: number }> {
    for (let d = 0; d < this.rows; d += 1)
      for (let i = 0; i < this.columns; i += 1) {
        const value = this.values[d * this.columns + i]!;
        if (!Number.isNaN(value))
          yield { date: this.dates[d]!, instrument: this.instruments[i]!, value };
      }
  }

  /** Values that are not NaN. */
  count(): number {
    let n = 0;
    for (const v of this.values) if (!Number.isNaN(v)) n += 1;
    return n;
  }
}

/** What the factor library refuses, with a stable code (the HTTP layer maps it to 400). */
export class FactorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'FactorError';
  }
}

/** Both panels on the same axes (same dates, same instruments, same order), or a FactorError. */
export function assertSameAxes(a: Panel, b: Panel, what = 'panels'): void {
  if (a.rows !== b.rows || a.columns !== b.columns)
    throw new FactorError(
      'panel_axes',
      `${what} differ in shape: ${a.rows}×${a.columns} and ${b.rows}×${b.columns}`,
    );
  if (a.dates !== b.dates && a.dates.some((d, i) => d !== b.dates[i]))
    throw new FactorError('panel_axes', `${what} have different dates`);
  if (a.instruments !== b.instruments && a.instruments.some((s, i) => s !== b.instruments[i]))
    throw new FactorError('panel_axes', `${what} have different instruments`);
}
