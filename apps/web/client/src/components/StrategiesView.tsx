import { useCallback, useEffect, useState } from 'react';
import { useI18n, type Key } from '../i18n';
import type { DiffSession } from '../lib/diff-session';
import { isRecord, percent } from '../lib/format';

interface ParameterSpec {
  default: number | string | boolean;
  min?: number;
  max?: number;
  description?: string;
}
interface StrategyEntry {
  name: string;
  description?: string;
  parameters: Record<string, ParameterSpec>;
}
interface Instance {
  id: string;
  name: string;
  strategy: string;
  params: Record<string, number | string | boolean>;
  account: string;
  instruments: string[];
  frequency: string;
  status: 'created' | 'starting' | 'running' | 'paused' | 'stopped' | 'failed';
  holds: { reason: string; detail: string }[];
  error: string | null;
  generation: number;
  connections: { trade_server: boolean; gateway: boolean };
  positions: Record<string, { long: number; short: number; net: number; float_profit: number }>;
  account_summary: { balance: number; position_profit: number; close_profit: number } | null;
  orders: number;
  trades: number;
}
interface PnlPoint {
  at: number;
  balance: number;
}
interface LogEntry {
  at: string;
  level: string;
  message: string;
}
interface Order {
  order_id: string;
  instrument_id: string;
  direction: string;
  offset: string;
  volume_orign: number;
  volume_left: number;
  status: string;
  last_msg: string;
}

const FREQUENCIES = ['tick', '1m', '5m', '15m', '30m', '1h', '1d'] as const;

/** Returns since the first point, for the chart (x as a share of the span). */
function returnsOf(points: [number, number][]): [number, number][] {
  if (points.length < 2) return [];
  const [t0, v0] = points[0]!;
  const span = points[points.length - 1]![0] - t0 || 1;
  return points.map(([t, v]) => [(t - t0) / span, v0 ? v / v0 - 1 : 0]);
}

/** A small SVG chart of two return curves, each over its own span (live: bottom, backtest: top). */
function Curves(props: {
  live: [number, number][];
  backtest: [number, number][];
  labels: [string, string];
}) {
  const width = 640;
  const height = 200;
  const all = [...props.live, ...props.backtest].map(([, y]) => y);
  const low = Math.min(0, ...all);
  const high = Math.max(0, ...all);
  const y = (value: number) => height - 20 - ((value - low) / (high - low || 1)) * (height - 40);
  const path = (points: [number, number][]) =>
    points
      .map(
        ([x, v], i) =>
          `${i === 0 ? 'M' : 'L'}${(x * (width - 60) + 50).toFixed(1)},${y(v).toFixed(1)}`,
      )
      .join(' ');
  return (
    <svg
      className="st-curves"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      data-testid="st-curves"
    >
      <line x1={50} x2={width - 10} y1={y(0)} y2={y(0)} className="axis" />
      <text x={4} y={y(high) + 4}>
        {percent(high)}
      </text>
      <text x={4} y={y(low) + 4}>
        {percent(low)}
      </text>
      <text x={50} y={12} className="bt-label">
        {props.labels[1]}
      </text>
      <text x={50} y={height - 4} className="live-label">
        {props.labels[0]}
      </text>
      {props.backtest.length > 1 && <path d={path(props.backtest)} className="bt-line" />}
      {props.live.length > 1 && <path d={path(props.live)} className="live-line" />}
    </svg>
  );
}

/**
 * Live strategies: the user's instances (start from the catalogue, pause / resume / stop /
 * flatten / kill, hot parameters), each with its return curve beside the latest backtest of the
 * same strategy, its orders and its log. Requests go through the web server, which checks the
 * trade server's login and shows only the signed-in user's own instances.
 */
export function StrategiesView(props: {
  rest: string;
  tradeRest: string;
  backtestRest: string;
  session: DiffSession;
}) {
  const { rest, tradeRest, backtestRest, session } = props;
  const { t } = useI18n();
  const [strategies, setStrategies] = useState<StrategyEntry[]>([]);
  const [instances, setInstances] = useState<Instance[]>([]);
  const [selected, setSelected] = useState<string>();
  const [error, setError] = useState('');
  /** Why the runtime cannot be reached (empty while it can). */
  const [down, setDown] = useState('');
  const [form, setForm] = useState({
    strategy: '',
    instruments: 'SHFE.rb888',
    frequency: '1m',
    warmup: 200,
    maxPosition: 10,
  });
  /** Parameter inputs per strategy (a strategy's defaults until changed). */
  const [edited, setEdited] = useState<Record<string, Record<string, string>>>({});
  const [loaded, setDetail] = useState<{
    id: string;
    pnl: PnlPoint[];
    logs: LogEntry[];
    orders: Order[];
    backtest: [number, number][];
    backtestLabel: string;
  }>();
  const signedIn = session.state === 'ready' || session.user !== '';

  const call = useCallback(
    async <T,>(method: string, path: string, body?: unknown): Promise<T> => {
      const token = await session.restToken(tradeRest);
      const response = await fetch(`${rest}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      const parsed = (text ? JSON.parse(text) : undefined) as unknown;
      if (!response.ok)
        throw new Error(isRecord(parsed) ? String(parsed.message) : `${response.status}`);
      return parsed as T;
    },
    [rest, tradeRest, session],
  );

  useEffect(() => {
    if (!signedIn) return;
    let alive = true;
    call<StrategyEntry[]>('GET', '/strategies')
      .then((list) => {
        if (!alive) return;
        setStrategies(list);
        setForm((f) => ({ ...f, strategy: f.strategy || list[0]?.name || '' }));
      })
      .catch((e: Error) => alive && setDown(e.message));
    const poll = () =>
      call<Instance[]>('GET', '/instances')
        .then((list) => {
          if (!alive) return;
          setInstances(list);
          setDown('');
        })
        .catch((e: Error) => alive && setDown(e.message));
    void poll();
    const timer = setInterval(() => void poll(), 2_000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [call, signedIn]);

  const strategy = strategies.find((s) => s.name === form.strategy);
  const params: Record<string, string> = Object.fromEntries(
    Object.entries(strategy?.parameters ?? {}).map(([k, v]) => [
      k,
      edited[form.strategy]?.[k] ?? String(v.default),
    ]),
  );
  const setParams = (next: Record<string, string>) =>
    setEdited({ ...edited, [form.strategy]: next });

  const current = instances.find((i) => i.id === selected) ?? instances[0];
  const detail = loaded && loaded.id === current?.id ? loaded : undefined;
  useEffect(() => {
    if (!current) return;
    let alive = true;
    let backtest: [number, number][] = [];
    let backtestLabel = '';
    // The latest finished backtest of the same strategy, for the chart.
    fetch(`${backtestRest}/runs?limit=50`)
      .then(
        (r) =>
          r.json() as Promise<
            {
              id: string;
              strategy: string;
              status: string;
              request: { from: string; to: string };
            }[]
          >,
      )
      .then(async (runs) => {
        const run = runs.find((r) => r.strategy === current.strategy && r.status === 'done');
        if (!run) return;
        const equity = (await (await fetch(`${backtestRest}/runs/${run.id}/equity`)).json()) as [
          number,
          number,
        ][];
        backtest = returnsOf(equity);
        backtestLabel = `${run.request.from} → ${run.request.to}`;
      })
      .catch(() => undefined);
    const load = async () => {
      const [pnl, logs, orders] = await Promise.all([
        call<PnlPoint[]>('GET', `/instances/${current.id}/pnl`),
        call<LogEntry[]>('GET', `/instances/${current.id}/logs?limit=100`),
        call<Order[]>('GET', `/instances/${current.id}/orders`),
      ]);
      if (alive) setDetail({ id: current.id, pnl, logs, orders, backtest, backtestLabel });
    };
    void load().catch(() => undefined);
    const timer = setInterval(() => void load().catch(() => undefined), 2_000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [current?.id, current?.strategy, call, backtestRest]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!signedIn)
    return (
      <main className="strategies">
        <p className="card st-hint">{t('stSignIn')}</p>
      </main>
    );

  const act = (id: string, action: string, body?: unknown) =>
    call<Instance>(
      action === 'params' ? 'PUT' : action === 'remove' ? 'DELETE' : 'POST',
      action === 'remove' ? `/instances/${id}` : `/instances/${id}/${action}`,
      body,
    )
      .then(() => setError(''))
      .catch((e: Error) => setError(e.message));

  const create = () => {
    const { account, password } = session.credentials();
    const given = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [
        k,
        typeof strategy?.parameters[k]?.default === 'number' ? Number(v) : v,
      ]),
    );
    call<Instance>('POST', '/instances', {
      strategy: form.strategy,
      params: given,
      account,
      password,
      instruments: form.instruments.split(/[\s,]+/).filter(Boolean),
      frequency: form.frequency,
      warmup_bars: form.warmup,
      limits: { max_position: form.maxPosition },
    })
      .then((made) => {
        setSelected(made.id);
        setError('');
      })
      .catch((e: Error) => setError(e.message));
  };

  const live = detail ? returnsOf(detail.pnl.map((p) => [p.at, p.balance])) : [];
  return (
    <main className="strategies" data-testid="strategies">
      <section className="card st-form">
        <h3>{t('stNew')}</h3>
        <div className="bt-fields">
          <label>
            {t('btStrategy')}
            <select
              value={form.strategy}
              onChange={(e) => setForm({ ...form, strategy: e.target.value })}
              data-testid="st-strategy"
            >
              {strategies.map((s) => (
                <option key={s.name}>{s.name}</option>
              ))}
            </select>
          </label>
          {strategy?.description && <p className="bt-description dim">{strategy.description}</p>}
          <label>
            {t('btInstruments')}
            <input
              value={form.instruments}
              onChange={(e) => setForm({ ...form, instruments: e.target.value })}
            />
          </label>
          <label>
            {t('btFrequency')}
            <select
              value={form.frequency}
              onChange={(e) => setForm({ ...form, frequency: e.target.value })}
            >
              {FREQUENCIES.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </label>
          <label>
            {t('stWarmup')}
            <input
              type="number"
              value={form.warmup}
              onChange={(e) => setForm({ ...form, warmup: Number(e.target.value) })}
            />
          </label>
          <label>
            {t('stMaxPosition')}
            <input
              type="number"
              value={form.maxPosition}
              onChange={(e) => setForm({ ...form, maxPosition: Number(e.target.value) })}
            />
          </label>
          {Object.entries(strategy?.parameters ?? {}).map(([name, spec]) => (
            <label key={name} title={spec.description}>
              {name}
              <input
                value={params[name] ?? ''}
                onChange={(e) => setParams({ ...params, [name]: e.target.value })}
              />
            </label>
          ))}
        </div>
        <div className="bt-actions">
          <button
            className="primary"
            onClick={create}
            disabled={!form.strategy}
            data-testid="st-create"
          >
            {t('stCreate')}
          </button>
          {error && <p className="bt-error">{error}</p>}
          {down && (
            <p className="bt-error">
              {t('stDown')}: {down}
            </p>
          )}
        </div>
      </section>
      <section className="card st-list">
        <h3>{t('stInstances')}</h3>
        {instances.length === 0 ? (
          <p className="dim st-hint">{t('stNone')}</p>
        ) : (
          <table className="grid-table" data-testid="st-instances">
            <tbody>
              {instances.map((i) => (
                <tr
                  key={i.id}
                  className={i.id === current?.id ? 'selected' : ''}
                  onClick={() => setSelected(i.id)}
                >
                  <td>{i.name}</td>
                  <td className={`st-status ${i.status}`}>{t(`st_${i.status}` as Key)}</td>
                  <td className="dim">{i.holds.map((h) => h.detail).join('; ')}</td>
                  <td className="num">
                    {i.account_summary ? i.account_summary.balance.toFixed(2) : '–'}
                  </td>
                  <td className="num">{i.trades}</td>
                  <td className="st-buttons">
                    {i.status === 'running' && (
                      <button onClick={() => void act(i.id, 'pause')}>{t('stPause')}</button>
                    )}
                    {i.status === 'paused' && (
                      <button onClick={() => void act(i.id, 'resume')}>{t('stResume')}</button>
                    )}
                    {(i.status === 'running' || i.status === 'paused') && (
                      <>
                        <button onClick={() => void act(i.id, 'stop', { flatten: false })}>
                          {t('stStop')}
                        </button>
                        <button onClick={() => void act(i.id, 'stop', { flatten: true })}>
                          {t('stFlatten')}
                        </button>
                        <button className="danger" onClick={() => void act(i.id, 'kill')}>
                          {t('stKill')}
                        </button>
                      </>
                    )}
                    {(i.status === 'stopped' ||
                      i.status === 'failed' ||
                      i.status === 'created') && (
                      <>
                        <button onClick={() => void act(i.id, 'start')}>▶</button>
                        <button onClick={() => void act(i.id, 'remove')}>{t('stRemove')}</button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {current && (
        <section className="card st-detail" data-testid="st-detail">
          <h3>
            {current.name}{' '}
            <span className="dim">
              ({current.strategy}, {current.frequency}, gen {current.generation})
            </span>
          </h3>
          <div className="bt-kpis">
            {Object.entries(current.positions).map(([id, p]) => (
              <span key={id}>
                {id} <b>{p.net}</b>
              </span>
            ))}
            {current.account_summary && (
              <span>
                {t('btReturn')} <b>{live.length > 0 ? percent(live[live.length - 1]![1]) : '–'}</b>
              </span>
            )}
          </div>
          <ParamsEditor
            key={`${current.id}-${current.generation}`}
            instance={current}
            onApply={(p) => void act(current.id, 'params', { params: p })}
            label={t('stApply')}
          />
          <p className="dim st-caption">{t('stCurve')}</p>
          <Curves
            live={live}
            backtest={detail?.backtest ?? []}
            labels={[
              `live ${current.name}`,
              detail?.backtestLabel ? `${t('backtests')} ${detail.backtestLabel}` : '',
            ]}
          />
          <div className="st-tables">
            <div>
              <h4>{t('stOrders')}</h4>
              <table className="grid-table">
                <tbody>
                  {(detail?.orders ?? [])
                    .slice(-50)
                    .reverse()
                    .map((o) => (
                      <tr key={o.order_id}>
                        <td>{o.instrument_id}</td>
                        <td>
                          {o.direction} {o.offset}
                        </td>
                        <td className="num">
                          {o.volume_orign - o.volume_left}/{o.volume_orign}
                        </td>
                        <td className="dim">{o.last_msg}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
            <div>
              <h4>{t('stLogs')}</h4>
              <ul className="st-logs" data-testid="st-logs">
                {(detail?.logs ?? [])
                  .slice(-100)
                  .reverse()
                  .map((entry, index) => (
                    <li key={index} className={entry.level}>
                      <span className="dim">{entry.at.slice(11, 19)}</span> {entry.message}
                    </li>
                  ))}
              </ul>
            </div>
          </div>
        </section>
      )}
    </main>
  );
}

function ParamsEditor(props: {
  instance: Instance;
  onApply(params: Record<string, unknown>): void;
  label: string;
}) {
  const { instance } = props;
  // Keyed by the instance and its generation: a reload starts the inputs again from its values.
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(Object.entries(instance.params).map(([k, v]) => [k, String(v)])),
  );
  return (
    <div className="st-params">
      {Object.entries(values).map(([name, value]) => (
        <label key={name}>
          {name}
          <input value={value} onChange={(e) => setValues({ ...values, [name]: e.target.value })} />
        </label>
      ))}
      <button
        onClick={() =>
          props.onApply(
            Object.fromEntries(
              Object.entries(values).map(([k, v]) => [
                k,
                typeof instance.params[k] === 'number' ? Number(v) : v,
              ]),
            ),
          )
        }
      >
        {props.label}
      </button>
    </div>
  );
}
