import {
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  LineSeries,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useContext, useEffect, useRef, useState } from 'react';
import { ThemeContext, useI18n, type Key } from '../i18n';
import { isRecord, percent } from '../lib/format';

interface ParameterSpec {
  default: number | string | boolean;
  min?: number;
  max?: number;
  step?: number;
  description?: string;
}
interface Strategy {
  name: string;
  description?: string;
  parameters: Record<string, ParameterSpec>;
}
interface Run {
  id: string;
  strategy: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  request: { instruments: string[]; from: string; to: string; frequency: string; source?: string };
  progress: { days: number; total: number } | null;
  summary: {
    params: Record<string, unknown>;
    instruments: string[];
    accounts: { init_cash: number; final_balance: number; total_return: number; trades: number }[];
  } | null;
  statistics: { metrics: Record<string, number | null> } | { error: string } | null;
  error: string | null;
}
interface Trade {
  exchange_id: string;
  instrument_id: string;
  direction: string;
  offset: string;
  volume: number;
  price: number;
  trade_date_time: number;
}

const FREQUENCIES = ['1m', '5m', '15m', '30m', '1h', '1d'] as const;
const COLOURS = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#1b7c83', '#e16f24'];

/** Statistics of the runs table and the comparison (quantstats names). */
const COLUMNS: { key: string; label: Key; format: 'pct' | 'ratio' }[] = [
  { key: 'comp', label: 'cumulative', format: 'pct' },
  { key: 'cagr', label: 'cagr', format: 'pct' },
  { key: 'sharpe', label: 'sharpe', format: 'ratio' },
  { key: 'max_drawdown', label: 'maxDrawdown', format: 'pct' },
];

const metricsOf = (run: Run) =>
  run.statistics && 'metrics' in run.statistics ? run.statistics.metrics : {};
const shown = (value: number | null | undefined, format: 'pct' | 'ratio') =>
  value === null || value === undefined
    ? '–'
    : format === 'pct'
      ? percent(value)
      : value.toFixed(2);
const isoDay = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const seconds = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = (await response.json().catch(() => undefined)) as unknown;
  if (!response.ok) {
    const message = isRecord(body) ? body.message : undefined;
    throw new Error(
      Array.isArray(message)
        ? message.join('; ')
        : typeof message === 'string'
          ? message
          : `HTTP ${response.status}`,
    );
  }
  return body as T;
}

function chartIn(element: HTMLElement): IChartApi {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string) => style.getPropertyValue(name).trim() || '#888';
  return createChart(element, {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: 'transparent' },
      textColor: v('--muted'),
      fontSize: 12,
      attributionLogo: false,
    },
    grid: { vertLines: { color: v('--line') }, horzLines: { color: v('--line') } },
    timeScale: { timeVisible: true, secondsVisible: false },
  });
}

/**
 * Backtests: pick a strategy and its parameters, run it on the backtest service, watch its
 * progress; a run's price chart with its trades, its equity curve, statistics and HTML report;
 * several runs' equity curves and statistics side by side.
 */
export function BacktestsView(props: { rest: string }) {
  const { rest } = props;
  const { t, lang } = useI18n();
  const theme = useContext(ThemeContext);
  const [strategies, setStrategies] = useState<Strategy[]>();
  const [failure, setFailure] = useState<string>();
  const [strategy, setStrategy] = useState('');
  const [params, setParams] = useState<Record<string, string>>({});
  const [instruments, setInstruments] = useState('SHFE.rb888');
  const [from, setFrom] = useState(isoDay(-120));
  const [to, setTo] = useState(isoDay(-1));
  const [frequency, setFrequency] = useState<string>('15m');
  const [source, setSource] = useState<'sim' | 'tsdb'>('sim');
  const [runs, setRuns] = useState<Run[]>([]);
  const [selected, setSelected] = useState<string>();
  const [compared, setCompared] = useState<string[]>([]);
  const [progress, setProgress] = useState<{ id: string; days: number; total: number }>();
  const [submitError, setSubmitError] = useState<string>();

  const choose = (entry: Strategy) => {
    setStrategy(entry.name);
    setParams(
      Object.fromEntries(Object.entries(entry.parameters).map(([k, p]) => [k, String(p.default)])),
    );
  };

  const loadRuns = () =>
    json<Run[]>(`${rest}/runs?limit=30`)
      .then(setRuns)
      .catch(() => undefined);

  useEffect(() => {
    json<Strategy[]>(`${rest}/strategies`)
      .then((list) => {
        setStrategies(list);
        const first = list[0];
        if (first) choose(first);
      })
      .catch((error: Error) => setFailure(error.message));
    void loadRuns();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rest]);

  const current = strategies?.find((s) => s.name === strategy);

  const submit = async () => {
    setSubmitError(undefined);
    try {
      const typed = Object.fromEntries(
        Object.entries(params).map(([name, text]) => {
          const spec = current?.parameters[name];
          const value =
            typeof spec?.default === 'number'
              ? Number(text)
              : typeof spec?.default === 'boolean'
                ? text === 'true'
                : text;
          return [name, value];
        }),
      );
      const run = await json<Run>(`${rest}/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          strategy,
          instruments: instruments
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean),
          from,
          to,
          frequency,
          source,
          params: typed,
        }),
      });
      setProgress({ id: run.id, days: 0, total: 0 });
      setSelected(run.id);
      const events = new EventSource(`${rest}/runs/${run.id}/events`);
      events.addEventListener('progress', (event) => {
        const data = JSON.parse((event as MessageEvent<string>).data) as {
          progress: { days: number; total: number };
        };
        setProgress({ id: run.id, ...data.progress });
      });
      const end = () => {
        events.close();
        setProgress(undefined);
        void loadRuns();
      };
      events.addEventListener('done', end);
      events.addEventListener('failed', end);
      events.onerror = end;
      void loadRuns();
    } catch (error) {
      setSubmitError((error as Error).message);
    }
  };

  if (failure)
    return (
      <main className="backtests">
        <section className="card">
          <p className="empty-note">
            {t('btDown')} ({failure})
          </p>
        </section>
      </main>
    );

  const picked =
    runs.find((run) => run.id === selected) ?? runs.find((run) => run.status === 'done');
  return (
    <main className="backtests">
      <section className="card bt-form" data-testid="bt-form">
        <div className="card-head">
          <h2>{t('btNewRun')}</h2>
        </div>
        <div className="bt-fields">
          <label>
            {t('btStrategy')}
            <select
              data-testid="bt-strategy"
              value={strategy}
              onChange={(event) => {
                const entry = strategies?.find((s) => s.name === event.target.value);
                if (entry) choose(entry);
              }}
            >
              {strategies?.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          {current?.description && <p className="dim bt-description">{current.description}</p>}
          {Object.entries(current?.parameters ?? {}).map(([name, spec]) => (
            <label key={name} title={spec.description}>
              {name}
              <input
                data-testid={`bt-param-${name}`}
                type={typeof spec.default === 'number' ? 'number' : 'text'}
                min={spec.min}
                max={spec.max}
                step={spec.step ?? 'any'}
                value={params[name] ?? ''}
                onChange={(event) => setParams({ ...params, [name]: event.target.value })}
              />
            </label>
          ))}
          <label>
            {t('btInstruments')}
            <input
              data-testid="bt-instruments"
              value={instruments}
              onChange={(event) => setInstruments(event.target.value)}
            />
          </label>
          <label>
            {t('btFrom')}
            <input
              data-testid="bt-from"
              type="date"
              value={from}
              onChange={(event) => setFrom(event.target.value)}
            />
          </label>
          <label>
            {t('btTo')}
            <input
              data-testid="bt-to"
              type="date"
              value={to}
              onChange={(event) => setTo(event.target.value)}
            />
          </label>
          <label>
            {t('btFrequency')}
            <select
              data-testid="bt-frequency"
              value={frequency}
              onChange={(event) => setFrequency(event.target.value)}
            >
              {FREQUENCIES.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </label>
          <label>
            {t('btSource')}
            <select
              value={source}
              onChange={(event) => setSource(event.target.value as 'sim' | 'tsdb')}
            >
              <option value="sim">{t('btSim')}</option>
              <option value="tsdb">{t('btTsdb')}</option>
            </select>
          </label>
        </div>
        <div className="bt-actions">
          <button
            className="primary"
            data-testid="bt-run"
            disabled={!strategy || progress !== undefined}
            onClick={() => void submit()}
          >
            {progress ? t('btRunning') : t('btRun')}
          </button>
          {progress && (
            <progress
              data-testid="bt-progress"
              max={Math.max(1, progress.total)}
              value={progress.days}
            >
              {progress.days}/{progress.total}
            </progress>
          )}
          {submitError && (
            <p className="bt-error" data-testid="bt-error">
              {submitError}
            </p>
          )}
        </div>
      </section>
      <section className="card bt-runs">
        <div className="card-head">
          <h2>{t('btRuns')}</h2>
        </div>
        <div className="scroll">
          <table className="grid-table" data-testid="bt-runs">
            <thead>
              <tr>
                <th>{t('compare')}</th>
                <th>{t('btStrategy')}</th>
                <th>{t('btInstruments')}</th>
                <th>{t('btStatus')}</th>
                {COLUMNS.map((column) => (
                  <th key={column.key}>{t(column.label)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr
                  key={run.id}
                  data-run={run.id}
                  data-status={run.status}
                  className={picked?.id === run.id ? 'selected' : ''}
                  onClick={() => setSelected(run.id)}
                >
                  <td>
                    <input
                      type="checkbox"
                      disabled={run.status !== 'done'}
                      checked={compared.includes(run.id)}
                      onClick={(event) => event.stopPropagation()}
                      onChange={(event) =>
                        setCompared(
                          event.target.checked
                            ? [...compared, run.id]
                            : compared.filter((id) => id !== run.id),
                        )
                      }
                    />
                  </td>
                  <td className="left">
                    {run.strategy}{' '}
                    <span className="dim">{JSON.stringify(run.summary?.params ?? {})}</span>
                  </td>
                  <td className="left">{run.request.instruments.join(', ')}</td>
                  <td title={run.error ?? ''}>{t(`bt_${run.status}` as Key)}</td>
                  {COLUMNS.map((column) => (
                    <td key={column.key} data-metric={column.key}>
                      {shown(metricsOf(run)[column.key], column.format)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {compared.length > 1 ? (
        <Comparison
          rest={rest}
          runs={runs.filter((run) => compared.includes(run.id))}
          theme={theme}
        />
      ) : picked && picked.status === 'done' ? (
        <RunDetail key={`${picked.id}-${theme}`} rest={rest} run={picked} lang={lang} />
      ) : (
        <section className="card bt-detail">
          <p className="empty-note">{t('btPick')}</p>
        </section>
      )}
    </main>
  );
}

/** One run: price chart with its trades, equity curve, statistics, the report. */
function RunDetail(props: { rest: string; run: Run; lang: string }) {
  const { rest, run } = props;
  const { t } = useI18n();
  const priceRef = useRef<HTMLDivElement>(null);
  const equityRef = useRef<HTMLDivElement>(null);
  const instrument = run.request.instruments[0] ?? '';
  const [error, setError] = useState<string>();
  useEffect(() => {
    const charts: IChartApi[] = [];
    let gone = false;
    void (async () => {
      try {
        const barsAt = (frequency?: string) =>
          json<number[][]>(
            `${rest}/runs/${run.id}/bars?instrument=${encodeURIComponent(instrument)}${frequency ? `&frequency=${frequency}` : ''}`,
          );
        const [bars, equity, trades] = await Promise.all([
          barsAt().catch(() => barsAt('1d')),
          json<[number, number][]>(`${rest}/runs/${run.id}/equity`),
          json<Trade[]>(`${rest}/runs/${run.id}/trades`),
        ]);
        if (gone || !priceRef.current || !equityRef.current) return;
        const price = chartIn(priceRef.current);
        charts.push(price);
        const candles = price.addSeries(CandlestickSeries, {
          upColor: '#cf222e',
          downColor: '#1a7f37',
          wickUpColor: '#cf222e',
          wickDownColor: '#1a7f37',
          borderVisible: false,
        });
        candles.setData(
          bars.map(([time, open, high, low, close]) => ({
            time: seconds(time!),
            open: open!,
            high: high!,
            low: low!,
            close: close!,
          })),
        );
        // Each trade on the bar it happened in.
        const times = bars.map((bar) => bar[0]!);
        const barOf = (ms: number) => {
          let low = 0;
          let high = times.length - 1;
          while (low < high) {
            const mid = (low + high + 1) >> 1;
            if (times[mid]! <= ms) low = mid;
            else high = mid - 1;
          }
          return times[low] ?? ms;
        };
        const own = trades.filter(
          (trade) => `${trade.exchange_id}.${trade.instrument_id}` === instrument,
        );
        // Labels while they can be read; arrows alone on a busy chart.
        const labelled = own.length <= 40;
        const markers: SeriesMarker<Time>[] = own
          .map((trade) => {
            const buy = trade.direction === 'BUY';
            return {
              time: seconds(barOf(trade.trade_date_time / 1e6)),
              position: buy ? ('belowBar' as const) : ('aboveBar' as const),
              color: buy ? '#cf222e' : '#1a7f37',
              shape: buy ? ('arrowUp' as const) : ('arrowDown' as const),
              ...(labelled
                ? {
                    text: `${buy ? 'B' : 'S'}${trade.offset === 'OPEN' ? '' : 'C'} ${trade.volume}@${trade.price}`,
                  }
                : {}),
            };
          })
          .sort((a, b) => a.time - b.time);
        createSeriesMarkers(candles, markers);
        price.timeScale().fitContent();
        const curve = chartIn(equityRef.current);
        charts.push(curve);
        const line = curve.addSeries(LineSeries, { color: '#0969da', lineWidth: 2 });
        const points = new Map<number, number>();
        for (const [ms, balance] of equity) points.set(seconds(ms), balance);
        line.setData([...points].map(([time, value]) => ({ time: time as UTCTimestamp, value })));
        curve.timeScale().fitContent();
      } catch (failure) {
        setError((failure as Error).message);
      }
    })();
    return () => {
      gone = true;
      for (const chart of charts) chart.remove();
    };
  }, [rest, run.id, instrument]);
  const account = run.summary?.accounts[0];
  const metrics = metricsOf(run);
  return (
    <section className="card bt-detail" data-testid="bt-detail" data-run={run.id}>
      <div className="card-head">
        <h2>
          {run.strategy} · {instrument} · {run.request.from} – {run.request.to}
        </h2>
        <a
          href={`${rest}/runs/${run.id}/report?lang=${props.lang}`}
          target="_blank"
          rel="noreferrer"
          data-testid="bt-report"
        >
          {t('tearSheet')} ↗
        </a>
      </div>
      <div className="bt-kpis" data-testid="bt-kpis">
        <span>
          {t('btReturn')}{' '}
          <b data-metric="total_return">{account ? percent(account.total_return) : '–'}</b>
        </span>
        {COLUMNS.slice(1).map((column) => (
          <span key={column.key}>
            {t(column.label)}{' '}
            <b data-metric={column.key}>{shown(metrics[column.key], column.format)}</b>
          </span>
        ))}
        <span>
          {t('btTrades')} <b data-metric="trades">{account?.trades ?? 0}</b>
        </span>
      </div>
      {error && <p className="bt-error">{error}</p>}
      <div className="bt-chart" ref={priceRef} data-testid="bt-price" />
      <div className="bt-chart small" ref={equityRef} data-testid="bt-equity" />
    </section>
  );
}

/** Several runs: their equity curves as growth of 1 and their statistics side by side. */
function Comparison(props: { rest: string; runs: Run[]; theme: string }) {
  const { rest, runs } = props;
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let chart: IChartApi | undefined;
    let gone = false;
    void Promise.all(
      runs.map((run) => json<[number, number][]>(`${rest}/runs/${run.id}/equity`)),
    ).then((curves) => {
      if (gone || !ref.current) return;
      chart = chartIn(ref.current);
      curves.forEach((curve, index) => {
        const start = runs[index]!.summary?.accounts[0]?.init_cash ?? curve[0]?.[1] ?? 1;
        const line = chart!.addSeries(LineSeries, {
          color: COLOURS[index % COLOURS.length],
          lineWidth: 2,
        });
        const points = new Map<number, number>();
        for (const [ms, balance] of curve) points.set(seconds(ms), balance / start);
        line.setData([...points].map(([time, value]) => ({ time: time as UTCTimestamp, value })));
      });
      chart.timeScale().fitContent();
    });
    return () => {
      gone = true;
      chart?.remove();
    };
  }, [rest, runs, props.theme]);
  return (
    <section className="card bt-detail" data-testid="bt-compare">
      <div className="card-head">
        <h2>{t('comparisonSheet')}</h2>
      </div>
      <div className="bt-chart" ref={ref} />
      <table className="grid-table">
        <thead>
          <tr>
            <th />
            {runs.map((run, index) => (
              <th key={run.id} style={{ color: COLOURS[index % COLOURS.length] }}>
                {run.strategy} {JSON.stringify(run.summary?.params ?? {})}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {COLUMNS.map((column) => (
            <tr key={column.key}>
              <td className="left">{t(column.label)}</td>
              {runs.map((run) => (
                <td key={run.id}>{shown(metricsOf(run)[column.key], column.format)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
