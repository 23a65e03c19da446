import {
  CandlestickSeries,
  ColorType,
  createChart,
  HistogramSeries,
  LineSeries,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useContext, useEffect, useRef, useState } from 'react';
import { ThemeContext, useI18n } from '../i18n';
import { BarBuilder, fromTsdb, PERIODS, type Bar, type Period, type TsdbBar } from '../lib/bars';
import { decimalsOf, integer, num, percent, price } from '../lib/format';
import { useObservable } from '../lib/hooks';
import type { MarketFeed } from '../lib/market-feed';
import { changeOf } from './MarketWatch';

/** Chart colours from the theme's CSS variables. */
function palette() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    text: v('--muted'),
    grid: v('--line'),
    up: v('--up'),
    down: v('--down'),
    accent: v('--accent'),
  };
}

/** ISO text of an epoch-second time in Beijing time (UTC+8, no daylight saving). */
const beijing = (time: number) => new Date((time + 8 * 3600) * 1000).toISOString();

function baseChart(element: HTMLElement, decimals: number): IChartApi {
  const c = palette();
  return createChart(element, {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: 'transparent' },
      textColor: c.text,
      // Axis labels at a size that reads on a laptop screen (11 px was too small).
      fontSize: 12,
      attributionLogo: false,
    },
    grid: { vertLines: { color: c.grid }, horzLines: { color: c.grid } },
    rightPriceScale: { borderColor: c.grid },
    timeScale: {
      borderColor: c.grid,
      timeVisible: true,
      secondsVisible: false,
      // Tick marks in Beijing time too: dates for year/month/day marks, HH:MM(:SS) otherwise.
      tickMarkFormatter: (time: number, type: number) => {
        const iso = beijing(time);
        return type <= 2 ? iso.slice(5, 10) : type === 4 ? iso.slice(11, 19) : iso.slice(11, 16);
      },
    },
    localization: {
      priceFormatter: (p: number) => p.toFixed(decimals),
      // Beijing time on the axis whatever the browser's zone.
      timeFormatter: (time: number) => beijing(time).slice(5, 16).replace('T', ' '),
    },
  });
}

function OrderBook(props: {
  feed: MarketFeed;
  id: string;
  decimals: number;
  onPrice: (p: number) => void;
}) {
  const { t } = useI18n();
  useObservable(props.feed);
  const quote = props.feed.quotes[props.id];
  const levels = [5, 4, 3, 2, 1];
  const maxVolume = Math.max(
    1,
    ...[1, 2, 3, 4, 5].flatMap((l) => [
      num(quote?.[`bid_volume${l}`]) ?? 0,
      num(quote?.[`ask_volume${l}`]) ?? 0,
    ]),
  );
  // Prices read against the previous settlement (futures) or close (stocks): red above, green below.
  const base = num(quote?.pre_settlement) || num(quote?.pre_close);
  const toneOf = (p: number | undefined) =>
    p === undefined || !base ? '' : p > base ? 'up' : p < base ? 'down' : '';
  const row = (side: 'ask' | 'bid', level: number) => {
    const p = num(quote?.[`${side}_price${level}`]);
    const v = num(quote?.[`${side}_volume${level}`]);
    return (
      <tr
        key={`${side}${level}`}
        className={side}
        onClick={() => p !== undefined && props.onPrice(p)}
      >
        <td className="dim">
          {side === 'ask' ? t('ask') : t('bid')}
          {level}
        </td>
        <td className={`num ${toneOf(p)}`}>{price(p, props.decimals)}</td>
        <td className="num depth">
          <span className="bar" style={{ width: `${((v ?? 0) / maxVolume) * 100}%` }} />
          <span>{integer(v)}</span>
        </td>
      </tr>
    );
  };
  const change = changeOf(quote);
  return (
    <div className="book" aria-label={t('orderBook')}>
      <div className="book-head">
        <div
          className={`big ${change !== undefined && change < 0 ? 'down' : 'up'}`}
          data-testid="book-last"
        >
          {price(quote?.last_price, props.decimals)}
        </div>
        <div className="dim">
          {percent(change)} · {t('volume')} {integer(quote?.volume)} · {t('openInterest')}{' '}
          {integer(quote?.open_interest)}
        </div>
      </div>
      <table className="grid-table compact">
        <tbody>
          {levels.map((l) => row('ask', l))}
          {levels
            .slice()
            .reverse()
            .map((l) => row('bid', l))}
        </tbody>
      </table>
      <div className="limits dim">
        {t('upperLimit')} {price(quote?.upper_limit, props.decimals)} · {t('lowerLimit')}{' '}
        {price(quote?.lower_limit, props.decimals)}
      </div>
    </div>
  );
}

/** Live last price, one point per tick since the view opened (plus the current quote). */
function TickChart(props: { feed: MarketFeed; id: string; decimals: number }) {
  const element = useRef<HTMLDivElement>(null);
  const theme = useContext(ThemeContext);
  useEffect(() => {
    if (!element.current) return;
    const chart = baseChart(element.current, props.decimals);
    chart.applyOptions({ timeScale: { secondsVisible: true } });
    const series = chart.addSeries(LineSeries, {
      color: palette().accent,
      lineWidth: 2,
      priceLineVisible: true,
    });
    let last = 0;
    // One point per second: a later tick in the same second replaces it; an older one is dropped.
    const point = (timeMs: number, value: number) => {
      const time = Math.floor(timeMs / 1000);
      if (time < last) return;
      series.update({ time: time as UTCTimestamp, value });
      last = time;
    };
    const current = props.feed.quotes[props.id];
    const lastPrice = num(current?.last_price);
    if (lastPrice !== undefined)
      point(Date.parse(String(current?.datetime)) || Date.now(), lastPrice);
    const off = props.feed.onTick((tick) => {
      if (tick.id === props.id) point(tick.time, tick.price);
    });
    return () => {
      off();
      chart.remove();
    };
  }, [props.feed, props.id, props.decimals, theme]);
  return <div className="chart" ref={element} data-testid="tick-chart" />;
}

/** Candles and volume: the tsdb's bars, then live ticks folded in on the same grid. */
function CandleChart(props: {
  feed: MarketFeed;
  id: string;
  decimals: number;
  tsdb: { rest: string; stream: string };
}) {
  const { t } = useI18n();
  const element = useRef<HTMLDivElement>(null);
  const theme = useContext(ThemeContext);
  const [period, setPeriod] = useState<Period>('1m');
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!element.current) return;
    const c = palette();
    const chart = baseChart(element.current, props.decimals);
    const candles: ISeriesApi<'Candlestick'> = chart.addSeries(CandlestickSeries, {
      upColor: c.up,
      downColor: c.down,
      borderUpColor: c.up,
      borderDownColor: c.down,
      wickUpColor: c.up,
      wickDownColor: c.down,
    });
    const volume = chart.addSeries(HistogramSeries, {
      priceScaleId: 'volume',
      priceFormat: { type: 'volume' },
      // The volume scale is hidden: its last value on the price axis read like a price.
      lastValueVisible: false,
      priceLineVisible: false,
    });
    chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    candles.priceScale().applyOptions({ scaleMargins: { top: 0.05, bottom: 0.25 } });
    let builder: BarBuilder | undefined;
    const pending: { time: number; price: number; volume: number }[] = [];
    const draw = (bar: Bar) => {
      candles.update({ ...bar, time: bar.time as UTCTimestamp });
      volume.update({
        time: bar.time as UTCTimestamp,
        value: bar.volume,
        color: bar.close >= bar.open ? c.up : c.down,
      });
    };
    const off = props.feed.onTick((tick) => {
      if (tick.id !== props.id) return;
      if (!builder) pending.push(tick);
      else {
        const bar = builder.add(tick.time, tick.price, tick.volume);
        if (bar) draw(bar);
        setCount(builder.bars.length);
      }
    });
    let cancelled = false;
    const query = new URLSearchParams({ stream: props.tsdb.stream, instrument: props.id, period });
    void fetch(`${props.tsdb.rest}/bars?${query.toString()}`)
      .then((response) =>
        response.ok ? (response.json() as Promise<TsdbBar[] | { records?: TsdbBar[] }>) : [],
      )
      .catch(() => [] as TsdbBar[])
      .then((body) => {
        if (cancelled) return;
        const rows = Array.isArray(body) ? body : (body.records ?? []);
        builder = new BarBuilder(period, fromTsdb(rows));
        candles.setData(builder.bars.map((b) => ({ ...b, time: b.time as UTCTimestamp })));
        volume.setData(
          builder.bars.map((b) => ({
            time: b.time as UTCTimestamp,
            value: b.volume,
            color: b.close >= b.open ? c.up : c.down,
          })),
        );
        for (const tick of pending.splice(0)) {
          const bar = builder.add(tick.time, tick.price, tick.volume);
          if (bar) draw(bar);
        }
        setCount(builder.bars.length);
        // A short history is shown from its start, at the usual bar spacing, instead of squeezed
        // against the right edge; a long one ends at the present.
        const shown = builder.bars.length;
        if (shown > 0 && shown < 40) chart.timeScale().setVisibleLogicalRange({ from: -3, to: 40 });
        else chart.timeScale().scrollToRealTime();
      });
    return () => {
      cancelled = true;
      off();
      chart.remove();
    };
  }, [props.feed, props.id, props.decimals, props.tsdb, period, theme]);
  return (
    <div className="candles">
      <div className="periods" role="tablist">
        {(Object.keys(PERIODS) as Period[]).map((p) => (
          <button
            key={p}
            role="tab"
            aria-selected={p === period}
            className={p === period ? 'active' : ''}
            onClick={() => setPeriod(p)}
          >
            {p}
          </button>
        ))}
        <span className="dim" data-testid="bar-count" data-count={count ?? ''}>
          {count === 0 ? t('noHistory') : ''}
        </span>
      </div>
      <div className="chart tall" ref={element} data-testid="candle-chart" />
    </div>
  );
}

export function InstrumentView(props: {
  feed: MarketFeed;
  id?: string;
  tsdb: { rest: string; stream: string };
  onPrice: (p: number) => void;
}) {
  const { t } = useI18n();
  const [tab, setTab] = useState<'candles' | 'ticks'>('candles');
  useObservable(props.feed);
  const { id } = props;
  useEffect(() => {
    if (id) void props.feed.pin([id]);
  }, [props.feed, id]);
  if (!id)
    return (
      <section className="card view empty">
        <p className="dim">{t('selectInstrument')}</p>
      </section>
    );
  const info = props.feed.instrument(id);
  const decimals = decimalsOf(info?.priceTick);
  return (
    <section className="card view" aria-label={id}>
      <header className="card-head">
        <h2>
          {id} <span className="dim">{info?.name !== id.split('.')[1] ? info?.name : ''}</span>
        </h2>
        <div className="tabs" role="tablist">
          <button
            role="tab"
            aria-selected={tab === 'candles'}
            className={tab === 'candles' ? 'active' : ''}
            onClick={() => setTab('candles')}
          >
            {t('candles')}
          </button>
          <button
            role="tab"
            aria-selected={tab === 'ticks'}
            className={tab === 'ticks' ? 'active' : ''}
            onClick={() => setTab('ticks')}
          >
            {t('ticks')}
          </button>
        </div>
      </header>
      <div className="view-body">
        <div className="view-chart">
          {tab === 'candles' ? (
            <CandleChart feed={props.feed} id={id} decimals={decimals} tsdb={props.tsdb} />
          ) : (
            <TickChart feed={props.feed} id={id} decimals={decimals} />
          )}
        </div>
        <OrderBook feed={props.feed} id={id} decimals={decimals} onPrice={props.onPrice} />
      </div>
    </section>
  );
}
