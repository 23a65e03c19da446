import { useMemo, useState } from 'react';
import { useI18n } from '../i18n';
import { decimalsOf, integer, num, percent, price } from '../lib/format';
import { useObservable } from '../lib/hooks';
import type { MarketFeed, Quote } from '../lib/market-feed';

const FIELDS = [
  'last_price',
  'bid_price1',
  'ask_price1',
  'bid_volume1',
  'ask_volume1',
  'volume',
  'open_interest',
] as const;

/** The quote's change against the previous settlement (futures) or close (stocks). */
export function changeOf(quote: Quote | undefined): number | undefined {
  const last = num(quote?.last_price);
  const base = num(quote?.pre_settlement) || num(quote?.pre_close);
  return last !== undefined && base ? last / base - 1 : undefined;
}

/** One row; cells flash when their value changes. */
function Row(props: {
  id: string;
  quote: Quote | undefined;
  decimals: number;
  selected: boolean;
  onSelect: () => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  // The direction of each field's last change, worked out when a new quote arrives (React's
  // "adjust state while rendering" pattern); each value change re-mounts its cell (the key holds
  // the value), which replays the flash animation.
  const { quote } = props;
  const [seen, setSeen] = useState(quote);
  const [moves, setMoves] = useState<Record<string, 'up' | 'down'>>({});
  if (quote !== seen) {
    const next = { ...moves };
    for (const field of FIELDS) {
      const before = num(seen?.[field]);
      const now = num(quote?.[field]);
      if (before !== undefined && now !== undefined && now !== before)
        next[field] = now > before ? 'up' : 'down';
    }
    setSeen(quote);
    setMoves(next);
  }
  const change = changeOf(quote);
  const tone = change === undefined ? '' : change > 0 ? 'up' : change < 0 ? 'down' : '';
  const cell = (field: (typeof FIELDS)[number], text: string, extra = '') => {
    const moved = moves[field];
    return (
      <td
        key={`${field}:${text}`}
        className={`num ${extra} ${moved ? `flash-${moved}` : ''}`}
        data-field={field}
      >
        {text}
      </td>
    );
  };
  return (
    <tr
      className={props.selected ? 'selected' : ''}
      onClick={props.onSelect}
      data-instrument={props.id}
    >
      <td className="sym">{props.id}</td>
      {cell('last_price', price(quote?.last_price, props.decimals), tone)}
      <td className={`num ${tone}`}>{percent(change)}</td>
      {cell('bid_price1', price(quote?.bid_price1, props.decimals))}
      {cell('bid_volume1', integer(quote?.bid_volume1), 'dim')}
      {cell('ask_price1', price(quote?.ask_price1, props.decimals))}
      {cell('ask_volume1', integer(quote?.ask_volume1), 'dim')}
      {cell('volume', integer(quote?.volume), 'wide-only')}
      {cell('open_interest', integer(quote?.open_interest), 'wide-only')}
      <td className="num wide-only dim">{price(quote?.upper_limit, props.decimals)}</td>
      <td className="num wide-only dim">{price(quote?.lower_limit, props.decimals)}</td>
      <td>
        <button
          className="icon"
          title={t('remove')}
          aria-label={`${t('remove')} ${props.id}`}
          onClick={(event) => {
            event.stopPropagation();
            props.onRemove();
          }}
        >
          ×
        </button>
      </td>
    </tr>
  );
}

export function MarketWatch(props: {
  feed: MarketFeed;
  selected?: string;
  onSelect: (id: string) => void;
}) {
  const { t } = useI18n();
  const { feed } = props;
  useObservable(feed);
  const [query, setQuery] = useState('');
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    return feed.instruments
      .filter((i) => !feed.watchlist.includes(i.id))
      .filter(
        (i) =>
          i.id.toLowerCase().includes(q) ||
          i.name.toLowerCase().includes(q) ||
          i.product.toLowerCase() === q,
      )
      .slice(0, 8);
  }, [query, feed.instruments, feed.watchlist]);

  return (
    <section className="card watch" aria-label={t('watchlist')}>
      <header className="card-head">
        <h2>{t('watchlist')}</h2>
        <div className="search">
          <input
            aria-label={t('addInstrument')}
            placeholder={t('addInstrument')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && matches[0]) {
                void feed.add(matches[0].id);
                setQuery('');
              }
            }}
          />
          {matches.length > 0 && (
            <ul className="suggestions" role="listbox">
              {matches.map((m) => (
                <li key={m.id}>
                  <button
                    role="option"
                    aria-selected={false}
                    onClick={() => {
                      void feed.add(m.id);
                      setQuery('');
                    }}
                  >
                    <b>{m.id}</b> <span className="dim">{m.name}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      </header>
      <div className="table-scroll">
        <table className="grid-table">
          <thead>
            <tr>
              <th>{t('instrument')}</th>
              <th className="num">{t('last')}</th>
              <th className="num">{t('change')}</th>
              <th className="num">{t('bid')}</th>
              <th className="num">{t('bidVol')}</th>
              <th className="num">{t('ask')}</th>
              <th className="num">{t('askVol')}</th>
              <th className="num wide-only">{t('volume')}</th>
              <th className="num wide-only">{t('openInterest')}</th>
              <th className="num wide-only">{t('upperLimit')}</th>
              <th className="num wide-only">{t('lowerLimit')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {feed.watchlist.map((id) => (
              <Row
                key={id}
                id={id}
                quote={feed.quotes[id]}
                decimals={decimalsOf(feed.instrument(id)?.priceTick)}
                selected={props.selected === id}
                onSelect={() => props.onSelect(id)}
                onRemove={() => void feed.remove(id)}
              />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
