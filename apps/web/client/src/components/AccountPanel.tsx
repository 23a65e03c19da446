import { useEffect, useState } from 'react';
import { plainReason, useI18n } from '../i18n';
import type { DiffSession } from '../lib/diff-session';
import { closingOrder, floatProfit, type TicketPreset } from '../lib/positions';

export type { TicketPreset };
import {
  amount,
  clock,
  decimalsOf,
  integer,
  isRecord,
  num,
  percent,
  price,
  str,
} from '../lib/format';
import { useObservable } from '../lib/hooks';
import type { MarketFeed } from '../lib/market-feed';

const records = (value: unknown): Record<string, unknown>[] =>
  isRecord(value) ? Object.values(value).filter(isRecord) : [];

export function AccountSummary(props: { session: DiffSession; feed: MarketFeed }) {
  const { t } = useI18n();
  useObservable(props.session);
  useObservable(props.feed);
  const accounts = props.session.account.accounts;
  const account = isRecord(accounts)
    ? isRecord(accounts.CNY)
      ? accounts.CNY
      : records(accounts)[0]
    : undefined;
  const positions = records(props.session.account.positions);
  const live = positions.reduce((total, p) => {
    const id = `${str(p.exchange_id)}.${str(p.instrument_id)}`;
    const info = props.feed.instrument(id);
    return (
      total +
      (floatProfit(p, num(props.feed.quotes[id]?.last_price), info?.volumeMultiple ?? 1) ?? 0)
    );
  }, 0);
  const cells: [string, string, string?][] = [
    [t('balance'), amount(account?.balance)],
    [t('available'), amount(account?.available)],
    [t('margin'), amount(account?.margin)],
    [t('riskRatio'), percent(num(account?.risk_ratio))],
    [
      t('floatProfit'),
      amount(positions.length ? live : account?.float_profit),
      live > 0 ? 'up' : live < 0 ? 'down' : '',
    ],
    [t('closeProfit'), amount(account?.close_profit)],
  ];
  return (
    <section className="card summary" aria-label={t('account')} data-testid="account-summary">
      <header className="card-head">
        <h2>
          {t('account')} <span className="dim">{props.session.user}</span>
        </h2>
      </header>
      <dl>
        {cells.map(([label, value, tone]) => (
          <div key={label} data-testid={`account-${label}`}>
            <dt>{label}</dt>
            <dd className={`num ${tone ?? ''}`}>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function AccountTables(props: {
  session: DiffSession;
  feed: MarketFeed;
  onSelect: (id: string) => void;
  /** Puts a closing order of the position on the ticket. */
  onClose: (preset: Omit<TicketPreset, 'seq'>) => void;
}) {
  const { t, lang } = useI18n();
  useObservable(props.session);
  useObservable(props.feed);
  const [tab, setTab] = useState<'positions' | 'orders' | 'trades'>('positions');
  const section = props.session.account;
  const positions = records(section.positions).filter(
    (p) => (num(p.volume_long) ?? 0) + (num(p.volume_short) ?? 0) > 0,
  );
  const orders = records(section.orders).sort(
    (a, b) => (num(b.insert_date_time) ?? 0) - (num(a.insert_date_time) ?? 0),
  );
  const trades = records(section.trades).sort(
    (a, b) => (num(b.trade_date_time) ?? 0) - (num(a.trade_date_time) ?? 0),
  );
  const idOf = (row: Record<string, unknown>) =>
    `${str(row.exchange_id)}.${str(row.instrument_id)}`;
  const decimals = (id: string) => decimalsOf(props.feed.instrument(id)?.priceTick);
  const sideText = (d: unknown) => (d === 'BUY' ? t('buy') : t('sell'));
  const offsetText = (o: unknown) =>
    o === 'OPEN' ? t('open') : o === 'CLOSETODAY' ? t('closeToday') : t('close');
  const positionIds = positions.map(idOf).join(',');
  useEffect(() => {
    if (positionIds) void props.feed.pin(positionIds.split(','));
  }, [props.feed, positionIds]);

  return (
    <section className="card tables" aria-label={t('positions')}>
      <header className="card-head">
        <div className="tabs" role="tablist">
          {(['positions', 'orders', 'trades'] as const).map((name) => (
            <button
              key={name}
              role="tab"
              data-testid={`tab-${name}`}
              aria-selected={tab === name}
              className={tab === name ? 'active' : ''}
              onClick={() => setTab(name)}
            >
              {t(name)}{' '}
              <span className="count">
                {name === 'positions'
                  ? positions.length
                  : name === 'orders'
                    ? orders.length
                    : trades.length}
              </span>
            </button>
          ))}
        </div>
      </header>
      <div className="table-scroll">
        {tab === 'positions' && (
          <table className="grid-table" data-testid="positions">
            <thead>
              <tr>
                <th>{t('instrument')}</th>
                <th className="num">{t('long')}</th>
                <th className="num">
                  {t('long')} {t('today')}/{t('history')}
                </th>
                <th className="num">{t('short')}</th>
                <th className="num">
                  {t('short')} {t('today')}/{t('history')}
                </th>
                <th className="num">{t('avgPrice')}</th>
                <th className="num">{t('last')}</th>
                <th className="num">{t('floatProfit')}</th>
                <th className="num">{t('margin')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {positions.map((p) => {
                const id = idOf(p);
                const last = num(props.feed.quotes[id]?.last_price);
                const pnl = floatProfit(p, last, props.feed.instrument(id)?.volumeMultiple ?? 1);
                const long = num(p.volume_long) ?? 0;
                return (
                  <tr key={id} onClick={() => props.onSelect(id)} data-instrument={id}>
                    <td className="sym">{id}</td>
                    <td className="num up">{integer(p.volume_long)}</td>
                    <td className="num dim">
                      {integer(p.volume_long_today)}/{integer(p.volume_long_his)}
                    </td>
                    <td className="num down">{integer(p.volume_short)}</td>
                    <td className="num dim">
                      {integer(p.volume_short_today)}/{integer(p.volume_short_his)}
                    </td>
                    <td className="num">
                      {price(long > 0 ? p.open_price_long : p.open_price_short, decimals(id))}
                    </td>
                    <td className="num">{price(last ?? p.last_price, decimals(id))}</td>
                    <td
                      className={`num ${(pnl ?? 0) > 0 ? 'up' : (pnl ?? 0) < 0 ? 'down' : ''}`}
                      data-field="float_profit"
                    >
                      {amount(pnl)}
                    </td>
                    <td className="num">{amount(p.margin)}</td>
                    <td>
                      <button
                        className="small"
                        data-testid="close-position"
                        onClick={(event) => {
                          event.stopPropagation();
                          const order = closingOrder(p);
                          if (order) props.onClose({ id, ...order });
                        }}
                      >
                        {t('close')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {tab === 'orders' && (
          <table className="grid-table" data-testid="orders">
            <thead>
              <tr>
                <th>{t('time')}</th>
                <th>{t('instrument')}</th>
                <th>{t('direction')}</th>
                <th>{t('offset')}</th>
                <th className="num">{t('price')}</th>
                <th className="num">{t('filled')}</th>
                <th>{t('status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => {
                const id = idOf(o);
                const total = num(o.volume_orign) ?? 0;
                const left = num(o.volume_left) ?? 0;
                const alive = o.status === 'ALIVE';
                return (
                  <tr
                    key={str(o.order_id)}
                    data-order={str(o.order_id)}
                    data-status={str(o.status)}
                  >
                    <td className="dim">{clock(o.insert_date_time)}</td>
                    <td className="sym">{id}</td>
                    <td className={o.direction === 'BUY' ? 'up' : 'down'}>
                      {sideText(o.direction)}
                    </td>
                    <td>{offsetText(o.offset)}</td>
                    <td className="num">
                      {o.price_type === 'ANY'
                        ? t('marketOrder')
                        : price(o.limit_price, decimals(id))}
                    </td>
                    <td className="num">
                      {integer(total - left)}/{integer(total)}
                    </td>
                    <td title={str(o.last_msg)}>
                      {alive ? t('alive') : t('finished')}{' '}
                      <span className="dim small">{plainReason(str(o.last_msg), lang)}</span>
                    </td>
                    <td>
                      {alive && (
                        <button
                          className="small danger"
                          onClick={() => {
                            try {
                              props.session.cancelOrder(str(o.order_id));
                            } catch (error) {
                              props.session.report((error as Error).message);
                            }
                          }}
                        >
                          {t('cancel')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {tab === 'trades' && (
          <table className="grid-table" data-testid="trades">
            <thead>
              <tr>
                <th>{t('time')}</th>
                <th>{t('instrument')}</th>
                <th>{t('direction')}</th>
                <th>{t('offset')}</th>
                <th className="num">{t('price')}</th>
                <th className="num">{t('lots')}</th>
              </tr>
            </thead>
            <tbody>
              {trades.map((tr) => {
                const id = idOf(tr);
                return (
                  <tr key={str(tr.trade_id)} data-order={str(tr.order_id)}>
                    <td className="dim">{clock(tr.trade_date_time)}</td>
                    <td className="sym">{id}</td>
                    <td className={tr.direction === 'BUY' ? 'up' : 'down'}>
                      {sideText(tr.direction)}
                    </td>
                    <td>{offsetText(tr.offset)}</td>
                    <td className="num">{price(tr.price, decimals(id))}</td>
                    <td className="num">{integer(tr.volume)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {((tab === 'positions' && positions.length === 0) ||
          (tab === 'orders' && orders.length === 0) ||
          (tab === 'trades' && trades.length === 0)) && (
          <p className="dim empty-row">{t('none')}</p>
        )}
      </div>
    </section>
  );
}
