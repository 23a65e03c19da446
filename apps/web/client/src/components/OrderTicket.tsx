import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n';
import type { DiffSession, Direction, Offset } from '../lib/diff-session';
import { decimalsOf, num, onGrid } from '../lib/format';
import { useObservable } from '../lib/hooks';
import type { MarketFeed } from '../lib/market-feed';
import type { TicketPreset } from './AccountPanel';

/** The ticket's instrument: any of the gateway's universe, typed (code or name) or picked. */
function InstrumentPicker(props: {
  feed: MarketFeed;
  id?: string;
  onSelect: (id: string) => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState<{ id?: string; value: string }>();
  const value = text && text.id === props.id ? text.value : (props.id ?? '');
  const pick = (typed: string) => {
    const wanted = typed.trim().toLowerCase();
    const found =
      props.feed.instruments.find((i) => i.id.toLowerCase() === wanted) ??
      props.feed.instruments.find(
        (i) => i.id.toLowerCase().endsWith(`.${wanted}`) || i.name.toLowerCase() === wanted,
      );
    if (found) props.onSelect(found.id);
    setText(undefined);
  };
  return (
    <>
      <input
        className="ticket-instrument"
        aria-label={t('instrument')}
        name="instrument"
        list="ticket-instruments"
        value={value}
        placeholder={t('selectInstrument')}
        onChange={(e) => setText({ id: props.id, value: e.target.value })}
        onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), pick(value))}
        onBlur={() => pick(value)}
      />
      <datalist id="ticket-instruments">
        {props.feed.instruments.map((i) => (
          <option key={i.id} value={i.id}>
            {i.name}
          </option>
        ))}
      </datalist>
    </>
  );
}

/**
 * The order ticket: side, offset, limit or market, a price stepped on the instrument's tick grid
 * (prefilled from the book: the ask to buy, the bid to sell), lots. Refusals come back as notices.
 */
export function OrderTicket(props: {
  feed: MarketFeed;
  session: DiffSession;
  id?: string;
  /** A one-click action's order (closing a position), applied once per `seq`. */
  preset?: TicketPreset;
  /** Another instrument typed into the ticket. */
  onSelect: (id: string) => void;
  /** A price clicked in the book (of instrument `id`). */
  price?: { id: string; value: number; seq: number };
}) {
  const { t } = useI18n();
  useObservable(props.feed);
  const { id } = props;
  const info = id ? props.feed.instrument(id) : undefined;
  const tick = info?.priceTick ?? 0.01;
  const decimals = decimalsOf(tick);
  const [direction, setDirection] = useState<Direction>('BUY');
  const [offset, setOffset] = useState<Offset>('OPEN');
  const [priceType, setPriceType] = useState<'LIMIT' | 'ANY'>('LIMIT');
  const [edited, setEdited] = useState<{ key: string; text: string }>();
  const [volume, setVolume] = useState(1);
  // A new preset sets the ticket once (React's "adjust state while rendering" pattern).
  const [appliedPreset, setAppliedPreset] = useState(0);
  if (props.preset && props.preset.seq !== appliedPreset && props.preset.id === id) {
    setAppliedPreset(props.preset.seq);
    setDirection(props.preset.direction);
    setOffset(props.preset.offset);
    setVolume(props.preset.volume);
  }
  const [sent, setSent] = useState<{ id: string; text: string }>();
  const quote = id ? props.feed.quotes[id] : undefined;

  // Until the trader types a price, the ticket shows the price clicked in the book, else the one
  // that would trade now (the ask to buy, the bid to sell); a new instrument, side or click
  // starts over.
  const clicked = props.price && props.price.id === id ? props.price : undefined;
  const priceKey = `${id}|${direction}|${clicked?.seq ?? 0}`;
  const suggested =
    clicked?.value ??
    num(direction === 'BUY' ? quote?.ask_price1 : quote?.bid_price1) ??
    num(quote?.last_price);
  const priceText =
    edited?.key === priceKey
      ? edited.text
      : suggested !== undefined
        ? suggested.toFixed(decimals)
        : '';
  const setPriceText = (text: string) => setEdited({ key: priceKey, text });

  const step = (ticks: number) => {
    const base = num(priceText) ?? num(quote?.last_price) ?? 0;
    setPriceText(onGrid(base + ticks * tick, tick).toFixed(decimals));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!id) return;
    const [exchange_id, instrument_id] = id.split('.') as [string, string];
    try {
      const orderId = props.session.insertOrder({
        exchange_id,
        instrument_id,
        direction,
        offset,
        volume,
        price_type: priceType,
        ...(priceType === 'LIMIT' ? { limit_price: onGrid(Number(priceText), tick) } : {}),
      });
      setSent({ id, text: `${t('orderSent')}: ${orderId}` });
    } catch (error) {
      setSent({ id, text: `✗ ${(error as Error).message}` });
    }
  };

  return (
    <form className="card ticket" onSubmit={submit} aria-label={t('place')}>
      <header className="card-head">
        <InstrumentPicker feed={props.feed} id={id} onSelect={props.onSelect} />
      </header>
      <div className="segmented two">
        <button
          type="button"
          data-testid="ticket-buy"
          className={direction === 'BUY' ? 'active buy' : ''}
          onClick={() => setDirection('BUY')}
        >
          {t('buy')}
        </button>
        <button
          type="button"
          data-testid="ticket-sell"
          className={direction === 'SELL' ? 'active sell' : ''}
          onClick={() => setDirection('SELL')}
        >
          {t('sell')}
        </button>
      </div>
      <div className="segmented three">
        {(['OPEN', 'CLOSE', 'CLOSETODAY'] as Offset[]).map((o) => (
          <button
            type="button"
            key={o}
            data-testid={`ticket-${o.toLowerCase()}`}
            className={offset === o ? 'active' : ''}
            onClick={() => setOffset(o)}
          >
            {o === 'OPEN' ? t('open') : o === 'CLOSE' ? t('close') : t('closeToday')}
          </button>
        ))}
      </div>
      <div className="segmented two">
        <button
          type="button"
          className={priceType === 'LIMIT' ? 'active' : ''}
          onClick={() => setPriceType('LIMIT')}
        >
          {t('limit')}
        </button>
        <button
          type="button"
          className={priceType === 'ANY' ? 'active' : ''}
          onClick={() => setPriceType('ANY')}
        >
          {t('marketOrder')}
        </button>
      </div>
      <label className="field">
        <span>{t('price')}</span>
        <div className="stepper">
          <button
            type="button"
            aria-label="−1 tick"
            onClick={() => step(-1)}
            disabled={priceType === 'ANY'}
          >
            −
          </button>
          <input
            name="price"
            inputMode="decimal"
            value={priceType === 'ANY' ? t('marketOrder') : priceText}
            disabled={priceType === 'ANY'}
            onChange={(e) => setPriceText(e.target.value)}
            onBlur={() =>
              num(priceText) !== undefined &&
              setPriceText(onGrid(Number(priceText), tick).toFixed(decimals))
            }
          />
          <button
            type="button"
            aria-label="+1 tick"
            onClick={() => step(1)}
            disabled={priceType === 'ANY'}
          >
            +
          </button>
        </div>
      </label>
      <label className="field">
        <span>{t('lots')}</span>
        <div className="stepper">
          <button
            type="button"
            aria-label="−1"
            onClick={() => setVolume((v) => Math.max(1, v - 1))}
          >
            −
          </button>
          <input
            name="volume"
            inputMode="numeric"
            value={volume}
            onChange={(e) => setVolume(Math.max(1, Math.floor(Number(e.target.value) || 1)))}
          />
          <button type="button" aria-label="+1" onClick={() => setVolume((v) => v + 1)}>
            +
          </button>
        </div>
      </label>
      <button
        className={`primary wide ${direction === 'BUY' ? 'buy' : 'sell'}`}
        data-testid="ticket-submit"
        type="submit"
        disabled={!id || props.session.state !== 'ready'}
      >
        {direction === 'BUY' ? t('buy') : t('sell')}{' '}
        {offset === 'OPEN' ? t('open') : offset === 'CLOSE' ? t('close') : t('closeToday')} {volume}{' '}
        @ {priceType === 'ANY' ? t('marketOrder') : priceText}
      </button>
      {sent && sent.id === id && (
        <p className="dim small" data-testid="order-sent">
          {sent.text}
        </p>
      )}
    </form>
  );
}
