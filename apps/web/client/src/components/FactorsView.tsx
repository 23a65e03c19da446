import { ColorType, createChart, type IChartApi, LineSeries } from 'lightweight-charts';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { isRecord, percent } from '../lib/format';

type Value = number | null;
interface Summary {
  mean: Value;
  ir: Value;
  t_stat: Value;
  count: number;
}
interface Report {
  factor: string;
  dates: string[];
  instruments: string[];
  quantiles: number;
  rows: { total: number; kept: number; loss_share: number; dropped: Record<string, number> };
  horizons: {
    period: number;
    ic_summary: Summary;
    rank_ic_summary: Summary;
    rank_ic: Value[];
    quantile_mean: Value[];
    spread_mean: Value;
    turnover_mean: Value[];
  }[];
  cumulative_quantile_returns?: Value[][];
}
interface Strategy {
  name: string;
  parameters: Record<string, { default: number | string | boolean }>;
}
interface SweepView {
  id: string;
  grid: Record<string, unknown[]>;
  progress: { done: number; failed: number; total: number };
  ranking: {
    rank: number | null;
    index: number;
    params: Record<string, unknown>;
    value: Value;
    in_sample?: Value;
    out_of_sample?: Value;
  }[];
}

const BUILTINS = ['momentum', 'reversal', 'volatility', 'volume_ratio', 'price_to_ma'];
const SHARES = [
  'SSE.600000',
  'SSE.600036',
  'SSE.601318',
  'SSE.600519',
  'SSE.601988',
  'SSE.600030',
  'SZSE.000001',
  'SZSE.000002',
  'SZSE.000858',
  'SZSE.300750',
].join(',');
const COLOURS = ['#cf222e', '#e16f24', '#8c959f', '#1a7f37', '#0969da', '#8250df', '#bf8700'];
const isoDay = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const ratio = (v: Value | undefined) => (v === null || v === undefined ? '–' : v.toFixed(3));
const pct = (v: Value | undefined) => (v === null || v === undefined ? '–' : percent(v));
const list = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

async function call<T>(url: string, body?: unknown, text = false): Promise<T> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const answer = (await response.json().catch(() => undefined)) as unknown;
    const message = isRecord(answer) ? answer.message : undefined;
    throw new Error(
      Array.isArray(message)
        ? message.join('; ')
        : typeof message === 'string'
          ? message
          : `HTTP ${response.status}`,
    );
  }
  return (text ? await response.text() : await response.json()) as T;
}

function lineChart(
  element: HTMLElement,
  lines: { values: Value[]; colour: string }[],
  dates: string[],
): IChartApi {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string) => style.getPropertyValue(name).trim() || '#888';
  const chart = createChart(element, {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: 'transparent' },
      textColor: v('--muted'),
      attributionLogo: false,
    },
    grid: { vertLines: { color: v('--line') }, horzLines: { color: v('--line') } },
  });
  for (const line of lines) {
    const series = chart.addSeries(LineSeries, {
      color: line.colour,
      lineWidth: 2,
      priceLineVisible: false,
    });
    series.setData(
      dates.flatMap((date, i) => {
        const value = line.values[i];
        return value === null || value === undefined ? [] : [{ time: date, value }];
      }),
    );
  }
  chart.timeScale().fitContent();
  return chart;
}

/** A line chart of dated series (lightweight-charts), redrawn when its data change. */
function Lines(props: {
  testId: string;
  dates: string[];
  lines: { values: Value[]; colour: string }[];
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const chart = lineChart(box.current, props.lines, props.dates);
    return () => chart.remove();
  }, [props.dates, props.lines]);
  return <div className="fc-chart" data-testid={props.testId} ref={box} />;
}

function rolling(values: Value[], n: number): Value[] {
  return values.map((_, i) => {
    const window = values
      .slice(Math.max(0, i - n + 1), i + 1)
      .filter((v): v is number => v !== null);
    return window.length >= Math.min(n, 5)
      ? window.reduce((a, b) => a + b, 0) / window.length
      : null;
  });
}

/** Colour of a heat-map cell: green above the middle of the range, red below. */
function heat(value: Value, low: number, high: number): string {
  if (value === null || !(high > low)) return 'transparent';
  const x = (value - low) / (high - low);
  return x >= 0.5
    ? `rgba(26, 127, 55, ${(x - 0.5) * 1.4})`
    : `rgba(207, 34, 46, ${(0.5 - x) * 1.4})`;
}

/**
 * Factors: describe a factor (an expression, a built-in or an indicator), analyse it on the backtest
 * service — IC by horizon, the rank IC series, quantile returns and cumulative lines, turnover, the HTML
 * tear sheet — and sweep a strategy's parameters, with progress, a ranking in and out of sample and a
 * heat map over two parameters.
 */
export function FactorsView(props: { rest: string }) {
  const { rest } = props;
  const { t } = useI18n();
  const [kind, setKind] = useState<'expression' | 'builtin' | 'indicator'>('expression');
  const [expression, setExpression] = useState('rank(ts_mean(close, 10) / close)');
  const [builtin, setBuiltin] = useState('momentum');
  const [windowText, setWindowText] = useState('10');
  const [indicator, setIndicator] = useState('RSI(14)');
  const [instruments, setInstruments] = useState(SHARES);
  const [from, setFrom] = useState(isoDay(-400));
  const [to, setTo] = useState(isoDay(-1));
  const [periods, setPeriods] = useState('1,5,10');
  const [quantiles, setQuantiles] = useState('5');
  const [backtest, setBacktest] = useState(false);
  const [report, setReport] = useState<Report>();
  const [sheet, setSheet] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const study = () => ({
    instruments: list(instruments),
    from,
    to,
    periods: list(periods).map(Number),
    quantiles: Number(quantiles),
    ...(kind === 'expression'
      ? { expression }
      : kind === 'builtin'
        ? { builtin, window: Number(windowText) }
        : { indicator }),
    ...(backtest ? { backtest: { every: 5 } } : {}),
  });

  const analyse = async () => {
    setBusy(true);
    setError(undefined);
    setSheet(undefined);
    try {
      setReport(await call<Report>(`${rest}/factors/analysis`, study()));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const openSheet = async () => {
    try {
      setSheet(await call<string>(`${rest}/factors/report`, study(), true));
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  const first = report?.horizons[0];
  const quantileMeans = first?.quantile_mean ?? [];
  const scale = Math.max(1e-9, ...quantileMeans.map((v) => Math.abs(v ?? 0)));
  return (
    <main className="factors">
      <section className="card fc-form">
        <h2>{t('fcStudy')}</h2>
        <label>
          {t('fcKind')}
          <select
            data-testid="fc-kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as typeof kind)}
          >
            <option value="expression">{t('fcExpression')}</option>
            <option value="builtin">{t('fcBuiltin')}</option>
            <option value="indicator">{t('fcIndicator')}</option>
          </select>
        </label>
        {kind === 'expression' ? (
          <textarea
            data-testid="fc-expression"
            value={expression}
            onChange={(e) => setExpression(e.target.value)}
            rows={2}
          />
        ) : kind === 'builtin' ? (
          <div className="row">
            <select
              data-testid="fc-builtin"
              value={builtin}
              onChange={(e) => setBuiltin(e.target.value)}
            >
              {BUILTINS.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
            <label>
              {t('fcWindow')}
              <input
                data-testid="fc-window"
                value={windowText}
                onChange={(e) => setWindowText(e.target.value)}
                size={4}
              />
            </label>
          </div>
        ) : (
          <input
            data-testid="fc-indicator"
            value={indicator}
            onChange={(e) => setIndicator(e.target.value)}
          />
        )}
        <label>
          {t('btInstruments')}
          <textarea
            data-testid="fc-instruments"
            value={instruments}
            onChange={(e) => setInstruments(e.target.value)}
            rows={3}
          />
        </label>
        <div className="row">
          <label>
            {t('btFrom')}
            <input
              data-testid="fc-from"
              type="date"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
            />
          </label>
          <label>
            {t('btTo')}
            <input
              data-testid="fc-to"
              type="date"
              value={to}
              onChange={(e) => setTo(e.target.value)}
            />
          </label>
        </div>
        <div className="row">
          <label>
            {t('fcPeriods')}
            <input
              data-testid="fc-periods"
              value={periods}
              onChange={(e) => setPeriods(e.target.value)}
              size={8}
            />
          </label>
          <label>
            {t('fcQuantiles')}
            <input
              data-testid="fc-quantiles"
              value={quantiles}
              onChange={(e) => setQuantiles(e.target.value)}
              size={3}
            />
          </label>
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={backtest}
            onChange={(e) => setBacktest(e.target.checked)}
          />{' '}
          {t('fcBacktest')}
        </label>
        <button
          data-testid="fc-run"
          className="primary"
          disabled={busy}
          onClick={() => void analyse()}
        >
          {busy ? t('fcRunning') : t('fcRun')}
        </button>
        {error && (
          <p className="bt-error" data-testid="fc-error">
            {error}
          </p>
        )}
      </section>
      <section className="card fc-results">
        {!report ? (
          <p className="dim">{t('fcPick')}</p>
        ) : (
          <div data-testid="fc-report" data-factor={report.factor}>
            <p>
              <b>{report.factor}</b> · {t('fcRows')} {report.rows.kept.toLocaleString()} /{' '}
              {report.rows.total.toLocaleString()} ({t('fcDropped')}{' '}
              {Object.entries(report.rows.dropped)
                .filter(([, n]) => n > 0)
                .map(([reason, n]) => `${reason} ${n}`)
                .join(', ') || '0'}
              )
            </p>
            <table className="grid-table" data-testid="fc-summary">
              <thead>
                <tr>
                  <th>{t('fcHorizon')}</th>
                  <th>{t('fcIcMean')}</th>
                  <th>{t('fcRankIc')}</th>
                  <th>{t('fcIr')}</th>
                  <th>{t('fcTStat')}</th>
                  <th>{t('fcSpread')}</th>
                  <th>{t('fcTurnover')}</th>
                </tr>
              </thead>
              <tbody>
                {report.horizons.map((h) => (
                  <tr key={h.period} data-period={h.period}>
                    <td>{h.period}D</td>
                    <td>{ratio(h.ic_summary.mean)}</td>
                    <td data-metric="rank-ic">{ratio(h.rank_ic_summary.mean)}</td>
                    <td>{ratio(h.rank_ic_summary.ir)}</td>
                    <td>{ratio(h.rank_ic_summary.t_stat)}</td>
                    <td>{pct(h.spread_mean)}</td>
                    <td>{pct(h.turnover_mean[report.quantiles - 1])}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {first && (
              <>
                <h3>{t('fcIcSeries')}</h3>
                <Lines
                  testId="fc-ic"
                  dates={report.dates}
                  lines={[
                    { values: first.rank_ic, colour: '#8c959f' },
                    { values: rolling(first.rank_ic, 20), colour: '#0969da' },
                  ]}
                />
                <h3>{t('fcQuantileReturns')}</h3>
                <div className="fc-bars" data-testid="fc-quantiles">
                  {quantileMeans.map((value, k) => (
                    <div key={k} className="fc-bar" data-quantile={k + 1} title={pct(value)}>
                      <span>Q{k + 1}</span>
                      <i
                        style={{
                          width: `${(Math.abs(value ?? 0) / scale) * 100}%`,
                          background: (value ?? 0) >= 0 ? 'var(--up)' : 'var(--down)',
                        }}
                      />
                      <em>{pct(value)}</em>
                    </div>
                  ))}
                </div>
              </>
            )}
            {report.cumulative_quantile_returns && (
              <>
                <h3>{t('fcCumulative')}</h3>
                <Lines
                  testId="fc-cumulative"
                  dates={report.dates}
                  lines={Array.from({ length: report.quantiles }, (_, k) => ({
                    values: report.cumulative_quantile_returns!.map((row) =>
                      row[k] === null ? null : row[k]! - 1,
                    ),
                    colour: COLOURS[k % COLOURS.length]!,
                  }))}
                />
              </>
            )}
            <p>
              <button data-testid="fc-sheet-open" onClick={() => void openSheet()}>
                {t('fcSheet')}
              </button>
            </p>
            {sheet && (
              <iframe
                className="fc-sheet"
                data-testid="fc-sheet"
                srcDoc={sheet}
                title={t('fcSheet')}
                sandbox=""
              />
            )}
          </div>
        )}
      </section>
      <SweepPanel rest={rest} defaultInstruments="SHFE.rb888" />
    </main>
  );
}

/** One swept parameter: its name (of the strategy's) and its values, comma-separated. */
function ParameterValues(props: {
  label: string;
  testId: 'a' | 'b';
  names: string[];
  name: string;
  values: string;
  onName: (name: string) => void;
  onValues: (values: string) => void;
}) {
  const { t } = useI18n();
  return (
    <label>
      {props.label}
      <select
        data-testid={`sw-param-${props.testId}`}
        value={props.name}
        onChange={(e) => props.onName(e.target.value)}
      >
        {props.names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <input
        data-testid={`sw-values-${props.testId}`}
        value={props.values}
        onChange={(e) => props.onValues(e.target.value)}
        title={t('swValues')}
        size={10}
      />
    </label>
  );
}

/** A strategy's parameters over two value lists, run as a sweep: progress, ranking and heat map. */
function SweepPanel(props: { rest: string; defaultInstruments: string }) {
  const { rest } = props;
  const { t } = useI18n();
  const [strategies, setStrategies] = useState<Strategy[]>([]);
  const [strategy, setStrategy] = useState('ma-cross');
  const [paramA, setParamA] = useState('fast');
  const [valuesA, setValuesA] = useState('3,5,8');
  const [paramB, setParamB] = useState('slow');
  const [valuesB, setValuesB] = useState('20,30,40');
  const [instruments, setInstruments] = useState(props.defaultInstruments);
  const [from, setFrom] = useState(isoDay(-60));
  const [to, setTo] = useState(isoDay(-1));
  const [rankBy, setRankBy] = useState('sharpe');
  const [split, setSplit] = useState('');
  const [view, setView] = useState<SweepView>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    call<Strategy[]>(`${rest}/strategies`)
      .then(setStrategies)
      .catch(() => undefined);
  }, [rest]);

  const run = async () => {
    setError(undefined);
    setView(undefined);
    try {
      const created = await call<{ id: string }>(`${rest}/sweeps`, {
        strategy,
        instruments: list(instruments),
        from,
        to,
        frequency: '15m',
        grid: { [paramA]: list(valuesA).map(Number), [paramB]: list(valuesB).map(Number) },
        rank_by: rankBy,
        ...(split ? { split } : {}),
      });
      for (;;) {
        const current = await call<SweepView>(`${rest}/sweeps/${created.id}`);
        setView(current);
        if (current.progress.done >= current.progress.total) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  const a = list(valuesA).map(Number);
  const b = list(valuesB).map(Number);
  const valueAt = (x: number, y: number): Value => {
    const row = view?.ranking.find((r) => r.params[paramA] === x && r.params[paramB] === y);
    return row ? ((split ? row.in_sample : row.value) ?? null) : null;
  };
  const values = view
    ? a.flatMap((x) => b.map((y) => valueAt(x, y))).filter((v): v is number => v !== null)
    : [];
  const low = Math.min(...values);
  const high = Math.max(...values);
  const parameters = Object.keys(strategies.find((s) => s.name === strategy)?.parameters ?? {});
  return (
    <section className="card fc-sweep">
      <h2>{t('swTitle')}</h2>
      <div className="row">
        <select
          data-testid="sw-strategy"
          value={strategy}
          onChange={(e) => setStrategy(e.target.value)}
        >
          {strategies.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
        </select>
        <input
          data-testid="sw-instruments"
          value={instruments}
          onChange={(e) => setInstruments(e.target.value)}
          size={14}
        />
        <input
          data-testid="sw-from"
          type="date"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
        <input data-testid="sw-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      <div className="row">
        <ParameterValues
          label={t('swParamA')}
          testId="a"
          names={parameters}
          name={paramA}
          values={valuesA}
          onName={setParamA}
          onValues={setValuesA}
        />
        <ParameterValues
          label={t('swParamB')}
          testId="b"
          names={parameters}
          name={paramB}
          values={valuesB}
          onName={setParamB}
          onValues={setValuesB}
        />
        <label>
          {t('swRankBy')}
          <select
            data-testid="sw-rank-by"
            value={rankBy}
            onChange={(e) => setRankBy(e.target.value)}
          >
            {['sharpe', 'sortino', 'cagr', 'comp', 'calmar'].map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('swSplit')}
          <input
            data-testid="sw-split"
            type="date"
            value={split}
            onChange={(e) => setSplit(e.target.value)}
          />
        </label>
        <button data-testid="sw-run" className="primary" onClick={() => void run()}>
          {t('swRun')}
        </button>
      </div>
      {error && (
        <p className="bt-error" data-testid="sw-error">
          {error}
        </p>
      )}
      {view && (
        <div data-testid="sw-view" data-sweep={view.id}>
          <p
            data-testid="sw-progress"
            data-done={view.progress.done}
            data-total={view.progress.total}
          >
            <progress max={view.progress.total} value={view.progress.done} /> {view.progress.done} /{' '}
            {view.progress.total} {t('swProgress')}
          </p>
          <div className="row top">
            <table data-testid="sw-heat" className="grid-table fc-heat">
              <thead>
                <tr>
                  <th>
                    {paramA} \ {paramB}
                  </th>
                  {b.map((y) => (
                    <th key={y}>{y}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {a.map((x) => (
                  <tr key={x}>
                    <th>{x}</th>
                    {b.map((y) => {
                      const value = valueAt(x, y);
                      return (
                        <td
                          key={y}
                          data-a={x}
                          data-b={y}
                          style={{ background: heat(value, low, high) }}
                        >
                          {ratio(value)}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
            <table className="grid-table" data-testid="sw-ranking">
              <thead>
                <tr>
                  <th>#</th>
                  <th>{paramA}</th>
                  <th>{paramB}</th>
                  <th>{rankBy}</th>
                  {split && <th>{t('swInSample')}</th>}
                  {split && <th>{t('swOutOfSample')}</th>}
                </tr>
              </thead>
              <tbody>
                {view.ranking.slice(0, 12).map((row) => (
                  <tr key={row.index} data-index={row.index}>
                    <td>{row.rank ?? '–'}</td>
                    <td>{String(row.params[paramA])}</td>
                    <td>{String(row.params[paramB])}</td>
                    <td>{ratio(row.value)}</td>
                    {split && <td>{ratio(row.in_sample)}</td>}
                    {split && <td>{ratio(row.out_of_sample)}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
