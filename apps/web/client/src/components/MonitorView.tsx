import { mergePatchInPlace, type JsonObject } from '@qautlra/diff';
import { useEffect, useMemo, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientConfig } from '../../../src/client-config';
import { useI18n } from '../i18n';
import type { DiffSession } from '../lib/diff-session';
import { amount, integer, isRecord, num, percent, str } from '../lib/format';

interface Push {
  room: string;
  reset: boolean;
  data: JsonObject;
}

/** Day PnL kept per account for its sparkline (one point per push, the last 120). */
const SPARK_POINTS = 120;

/** The rooms' states as merged from the pushes, and each account's recent day PnL. */
interface Model {
  rooms: Record<string, JsonObject>;
  sparks: Record<string, number[]>;
}

/** The model after one push (a new model: the room's state is copied before the patch). */
function withPush(model: Model, push: Push): Model {
  const known = model.rooms[push.room];
  let state: JsonObject;
  if (push.reset || !known) state = push.data;
  else {
    state = structuredClone(known);
    mergePatchInPlace(state, push.data);
  }
  const rooms = { ...model.rooms, [push.room]: state };
  const dayPnl = num((state.accounts as JsonObject | undefined)?.day_pnl);
  if (!push.room.startsWith('ACCOUNT:') || dayPnl === undefined) return { ...model, rooms };
  const points = [...(model.sparks[push.room] ?? []), dayPnl].slice(-SPARK_POINTS);
  return { rooms, sparks: { ...model.sparks, [push.room]: points } };
}

function Sparkline(props: { values: number[]; testId?: string }) {
  const { values } = props;
  if (values.length < 2) return <svg className="mn-spark" viewBox="0 0 120 28" />;
  const low = Math.min(...values);
  const high = Math.max(...values);
  const y = (v: number) => 26 - ((v - low) / (high - low || 1)) * 24;
  const d = values
    .map(
      (v, i) =>
        `${i === 0 ? 'M' : 'L'}${((i / (values.length - 1)) * 118 + 1).toFixed(1)},${y(v).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg className="mn-spark" viewBox="0 0 120 28" data-testid={props.testId}>
      <path d={d} />
    </svg>
  );
}

/** Closes and an indicator's values of a factor room as two lines (the indicator on its own scale). */
function FactorChart(props: { state: JsonObject | undefined }) {
  const data = isRecord(props.state?.data) ? props.state.data : {};
  const bars = Object.keys(data)
    .map(Number)
    .sort((a, b) => a - b)
    .map((id) => data[String(id)])
    .filter(isRecord);
  if (bars.length < 2) return <svg className="mn-factor" viewBox="0 0 640 220" />;
  const width = 640;
  const height = 220;
  const x = (i: number) => 10 + (i / (bars.length - 1)) * (width - 20);
  const line = (values: (number | undefined)[], top: number, bottom: number) => {
    const known = values.filter((v): v is number => v !== undefined);
    if (known.length < 2) return '';
    const low = Math.min(...known);
    const high = Math.max(...known);
    return values
      .map((v, i) =>
        v === undefined
          ? ''
          : `${x(i).toFixed(1)},${(bottom - ((v - low) / (high - low || 1)) * (bottom - top)).toFixed(1)}`,
      )
      .filter(Boolean)
      .map((point, i) => `${i === 0 ? 'M' : 'L'}${point}`)
      .join(' ');
  };
  const closes = bars.map((bar) => num(bar.close));
  const values = bars.map((bar) =>
    typeof bar.value === 'number'
      ? bar.value
      : isRecord(bar.value)
        ? num(Object.values(bar.value)[0])
        : undefined,
  );
  return (
    <svg className="mn-factor" viewBox={`0 0 ${width} ${height}`} data-testid="mn-factor">
      <path d={line(closes, 10, 130)} className="mn-close" />
      <path d={line(values, 145, 210)} className="mn-value" />
    </svg>
  );
}

/**
 * Risk monitor: the signed-in user's accounts from the realtime monitor (Socket.IO `/realtime`
 * through the web server's `/rt`), each with its live balance, risk ratio, day PnL (and its
 * sparkline) and its alerts; a click shows its positions with live PnL; a factor chart of any
 * instrument and indicator. The realtime monitor checks the trade server's JWT itself.
 */
export function MonitorView(props: {
  realtime: ClientConfig['realtime'];
  tradeRest: string;
  session: DiffSession;
}) {
  const { realtime, tradeRest, session } = props;
  const { t } = useI18n();
  const [{ rooms, sparks }, setModel] = useState<Model>({ rooms: {}, sparks: {} });
  const [socket, setSocket] = useState<Socket>();
  const [down, setDown] = useState('');
  const [accounts, setAccounts] = useState<string[]>([]);
  const [selected, setSelected] = useState<string>();
  const [factor, setFactor] = useState({
    instrument: 'SHFE.rb888',
    frequency: '1m',
    indicator: 'MA(20)',
  });
  const [factorRoom, setFactorRoom] = useState<string>();

  useEffect(() => {
    let closed = false;
    let current: Socket | undefined;
    void (async () => {
      try {
        const token = await session.restToken(tradeRest);
        const response = await fetch(`${tradeRest}/accounts`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const list = (await response.json()) as { account_cookie: string }[];
        if (closed) return;
        const cookies = list.map((entry) => entry.account_cookie);
        setAccounts(cookies);
        setSelected((s) => s ?? cookies[0]);
        current = io(realtime.namespace, {
          path: realtime.socket_path,
          auth: { token },
          transports: ['websocket'],
          reconnectionDelay: 500,
        });
        current.on('connect', () => {
          setDown('');
          for (const room of [`PORTFOLIO:${session.user}`, ...cookies.map((c) => `ACCOUNT:${c}`)])
            void current!.emitWithAck('subscribe', { room });
        });
        current.on('connect_error', (error: Error) => setDown(error.message));
        current.on('realtime_pub', (push: Push) => setModel((model) => withPush(model, push)));
        setSocket(current);
      } catch (error) {
        if (!closed) setDown((error as Error).message);
      }
    })();
    return () => {
      closed = true;
      current?.close();
    };
  }, [realtime, tradeRest, session]);

  const showFactor = async () => {
    if (!socket) return;
    if (factorRoom) await socket.emitWithAck('unsubscribe', { room: factorRoom });
    const answer = (await socket.emitWithAck('subscribe', {
      room: `FACTOR:${factor.instrument}:${factor.frequency}:${factor.indicator}`,
    })) as { code: number; room?: string; message: string };
    if (answer.code === 200 && answer.room) {
      setFactorRoom(answer.room);
      setDown('');
    } else setDown(answer.message);
  };

  const portfolio = rooms[`PORTFOLIO:${session.user}`];
  const total = isRecord(portfolio?.total) ? portfolio.total : undefined;
  const detail = selected ? rooms[`ACCOUNT:${selected}`] : undefined;
  const positions = useMemo(
    () =>
      Object.entries(isRecord(detail?.positions) ? detail.positions : {}).filter(([, p]) =>
        isRecord(p),
      ),
    [detail],
  );

  return (
    <main className="monitor" data-testid="monitor">
      {down && (
        <p className="error">
          {t('mnDown')}: {down}
        </p>
      )}
      <section className="card">
        <h2>
          {t('mnAccounts')}
          {total && (
            <span className="dim mn-total" data-testid="mn-total">
              {' '}
              · {t('mnTotal')} {amount(total.balance)} · {t('mnDayPnl')} {amount(total.day_pnl)}
            </span>
          )}
        </h2>
        <div className="mn-cards">
          {accounts.map((cookie) => {
            const room = rooms[`ACCOUNT:${cookie}`];
            const figures = isRecord(room?.accounts) ? room.accounts : {};
            const alerts = Object.values(isRecord(room?.alerts) ? room.alerts : {}).filter(
              isRecord,
            );
            const risk = num(figures.risk_ratio);
            return (
              <button
                key={cookie}
                className={`mn-card${selected === cookie ? ' selected' : ''}${risk !== undefined && risk >= 0.8 ? ' danger' : ''}`}
                onClick={() => setSelected(cookie)}
                data-testid={`mn-card-${cookie}`}
              >
                <strong>{cookie}</strong>
                <span>
                  {t('mnBalance')} <b data-testid="mn-balance">{amount(figures.balance)}</b>
                </span>
                <span>
                  {t('mnRisk')} <b data-testid="mn-risk">{percent(risk)}</b>
                </span>
                <span>
                  {t('mnDayPnl')} <b>{amount(figures.day_pnl)}</b> · {t('mnDrawdown')}{' '}
                  {amount(figures.drawdown)}
                </span>
                <Sparkline
                  values={sparks[`ACCOUNT:${cookie}`] ?? []}
                  testId={`mn-spark-${cookie}`}
                />
                <span className="dim">
                  {t('mnAlerts')}: {alerts.length}
                </span>
              </button>
            );
          })}
        </div>
      </section>
      {detail && (
        <section className="card">
          <h2>
            {t('mnPositions')} · {selected}
          </h2>
          <table className="grid" data-testid="mn-positions">
            <thead>
              <tr>
                <th>{t('instrument')}</th>
                <th>long</th>
                <th>short</th>
                <th>last</th>
                <th>float PnL</th>
                <th>position PnL</th>
                <th>margin</th>
              </tr>
            </thead>
            <tbody>
              {positions.map(([key, p]) => {
                const position = p as JsonObject;
                return (
                  <tr key={key}>
                    <td>{key}</td>
                    <td>{integer(position.volume_long)}</td>
                    <td>{integer(position.volume_short)}</td>
                    <td data-testid="mn-last">{num(position.last_price) ?? ''}</td>
                    <td>{amount(position.float_profit)}</td>
                    <td>{amount(position.position_profit)}</td>
                    <td>{amount(position.margin)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h3>{t('mnAlerts')}</h3>
          <ul className="mn-alerts" data-testid="mn-alerts">
            {Object.values(isRecord(detail.alerts) ? detail.alerts : {})
              .filter(isRecord)
              .sort((a, b) => String(b.at).localeCompare(String(a.at)))
              .map((alert) => (
                <li key={String(alert.id)}>
                  <span className="dim">{String(alert.at).slice(11, 19)}</span>{' '}
                  {String(alert.message)}
                </li>
              ))}
            {!isRecord(detail.alerts) || Object.keys(detail.alerts).length === 0 ? (
              <li className="dim">{t('mnNoAlerts')}</li>
            ) : null}
          </ul>
        </section>
      )}
      <section className="card">
        <h2>{t('mnFactor')}</h2>
        <form
          className="mn-factor-form"
          onSubmit={(event) => {
            event.preventDefault();
            void showFactor();
          }}
        >
          <input
            value={factor.instrument}
            onChange={(e) => setFactor({ ...factor, instrument: e.target.value })}
            aria-label={t('instrument')}
          />
          <select
            value={factor.frequency}
            onChange={(e) => setFactor({ ...factor, frequency: e.target.value })}
            aria-label="frequency"
          >
            {['1m', '5m', '15m', '30m', '1h', '1d'].map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
          <input
            value={factor.indicator}
            onChange={(e) => setFactor({ ...factor, indicator: e.target.value })}
            aria-label={t('mnIndicator')}
          />
          <button type="submit" disabled={!socket}>
            {t('mnShow')}
          </button>
          {factorRoom && (
            <span className="dim" data-testid="mn-factor-room">
              {factorRoom} · {str(rooms[factorRoom]?.warmup) || '…'}
            </span>
          )}
        </form>
        <FactorChart state={factorRoom ? rooms[factorRoom] : undefined} />
      </section>
    </main>
  );
}
