import { Outcome, OrderRequest, QifiAccount, QifiOrder, QifiTrade } from '@qautlra/qifi';
import type { MarketTick } from './strategy';

/** The top of the book of one instrument, from the gateway's QAMD snapshot. */
export interface BookTop {
  /** `EXCHANGE.code`. */
  instrument: string;
  bidPrice: number;
  bidVolume: number;
  askPrice: number;
  askVolume: number;
  lastPrice?: number;
  upperLimit?: number;
  lowerLimit?: number;
}

/**
 * A bar as the matcher sees it (backtests on bars): resting orders fill when the bar's range reaches
 * them, at the open when the open is already through their price, else at their limit price.
 * `volume` is what the bar lets orders take per side (the fill model's share of the bar's volume).
 */
export interface BarQuote {
  instrument: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  upperLimit?: number;
  lowerLimit?: number;
}

/** The top of the book a tick shows. */
export function bookTopOf(tick: MarketTick): BookTop {
  return {
    instrument: tick.instrument,
    bidPrice: tick.bidPrice,
    bidVolume: tick.bidVolume,
    askPrice: tick.askPrice,
    askVolume: tick.askVolume,
    lastPrice: tick.lastPrice,
    upperLimit: tick.upperLimit,
    lowerLimit: tick.lowerLimit,
  };
}

export interface SimMatcherOptions {
  /** Epoch ms now. */
  now: () => number;
  /** Whether `instrument` (`EXCHANGE.code`) is in a continuous trading session at `epochMs`. */
  isTrading: (instrument: string, epochMs: number) => boolean;
  /** Called after an account changed (order accepted/finished, fill, cancel, new mark price). */
  onChange: (accountCookie: string, change: AccountChange) => void;
  /**
   * Price a fill gives away (backtests' slippage): buys fill this much dearer, sells cheaper, never
   * past the order's limit price. None by default.
   */
  slippage?: (instrument: string) => number;
  /**
   * Whether a new mark price alone is reported through `onChange` (default true: the trade server
   * pushes position updates; a backtest reads positions when it needs them).
   */
  reportMarks?: boolean;
}

/** What one step changed in an account: orders, new trades, positions (`EXCHANGE.code`). */
export interface AccountChange {
  orders: string[];
  trades: QifiTrade[];
  positions: string[];
}

const unknownAccount = (accountCookie: string): Outcome<QifiOrder> => ({
  ok: false,
  rejection: { code: 'ORDER_NOT_FOUND', message: `account ${accountCookie} not found` },
});

interface Resting {
  account: QifiAccount;
  orderId: string;
}

/**
 * Paper matching on live quotes, one QIFI account engine per account. A limit order fills when
 * marketable against the latest top of book (buy at ≤ ask, sell at ≥ bid) at the opposite best —
 * the order's price or better — for at most the displayed opposite volume (shared by all orders
 * on that quote); the remainder rests until a later quote crosses it. MARKET/ANY orders take the
 * opposite best and never rest; IOC cancels what did not fill at once; FOK fills whole or not at
 * all; GFD and the rest rest until the day's settlement. No fills outside trading sessions.
 */
export class SimMatcher {
  private readonly accounts = new Map<string, QifiAccount>();
  private readonly books = new Map<string, BookTop>();
  /** Displayed volume still available on the current quote, per instrument. */
  private readonly displayed = new Map<string, { bid: number; ask: number }>();
  private readonly resting = new Map<string, Resting[]>();
  /** Instruments quoted by a bar (backtests) instead of a book. */
  private readonly bars = new Map<string, BarQuote>();

  constructor(private readonly options: SimMatcherOptions) {}

  addAccount(account: QifiAccount): void {
    this.accounts.set(account.accountCookie, account);
    // A restored account's live orders rest again.
    for (const order of Object.values(account.toQifi().orders))
      if (order.status === 'ALIVE') this.rest(account, order);
  }

  account(accountCookie: string): QifiAccount | undefined {
    return this.accounts.get(accountCookie);
  }

  book(instrument: string): BookTop | undefined {
    return this.books.get(instrument);
  }

  /** Accepts an order into the account engine (its own funds/position check) and matches it. */
  insert(accountCookie: string, request: OrderRequest): Outcome<QifiOrder> {
    const account = this.accounts.get(accountCookie);
    if (!account) return unknownAccount(accountCookie);
    const now = this.options.now();
    const outcome = account.insertOrder(request, now);
    const instrument = `${request.exchange_id}.${request.instrument_id}`;
    const orderId = outcome.ok ? outcome.value.order_id : request.order_id;
    const change: AccountChange = {
      orders: orderId !== undefined && account.order(orderId) ? [orderId] : [],
      trades: [],
      positions: [instrument],
    };
    if (!outcome.ok) {
      this.options.onChange(accountCookie, change);
      return outcome;
    }
    const order = outcome.value;
    const immediate = order.price_type !== 'LIMIT' || order.time_condition === 'IOC';
    const allOrNone = order.time_condition === 'FOK' || order.volume_condition === 'ALL';
    if (allOrNone && this.fillable(order, instrument, now) < order.volume_left) {
      account.cancelOrder(order.order_id);
    } else {
      change.trades.push(...this.match(account, order.order_id, instrument, now));
      const after = this.current(account, order.order_id);
      if (after.ok && after.value.status === 'ALIVE') {
        if (immediate) account.cancelOrder(order.order_id);
        else this.rest(account, after.value);
      }
    }
    this.options.onChange(accountCookie, change);
    return this.current(account, order.order_id);
  }

  cancel(accountCookie: string, orderId: string): Outcome<QifiOrder> {
    const account = this.accounts.get(accountCookie);
    if (!account) return unknownAccount(accountCookie);
    const outcome = account.cancelOrder(orderId);
    if (outcome.ok) {
      this.unrest(accountCookie, orderId);
      this.options.onChange(accountCookie, {
        orders: [orderId],
        trades: [],
        positions: [`${outcome.value.exchange_id}.${outcome.value.instrument_id}`],
      });
    }
    return outcome;
  }

  /** A new top of book: marks positions, then fills the resting orders it crosses, oldest first. */
  onQuote(top: BookTop): QifiTrade[] {
    const previous = this.books.get(top.instrument);
    this.bars.delete(top.instrument);
    this.books.set(top.instrument, top);
    this.displayed.set(top.instrument, { bid: top.bidVolume, ask: top.askVolume });
    const changed = new Map<string, AccountChange>();
    const changeOf = (cookie: string) => {
      let change = changed.get(cookie);
      if (!change)
        changed.set(cookie, (change = { orders: [], trades: [], positions: [top.instrument] }));
      return change;
    };
    // Positions are re-marked only when the last price moved.
    if (top.lastPrice !== undefined && top.lastPrice > 0 && top.lastPrice !== previous?.lastPrice)
      for (const account of this.accounts.values()) {
        if (account.hasPosition(top.instrument)) {
          account.updatePrice(top.instrument, top.lastPrice);
          changeOf(account.accountCookie);
        }
      }
    const trades = this.matchResting(top.instrument, changed);
    for (const [cookie, change] of changed) this.options.onChange(cookie, change);
    return trades;
  }

  /**
   * A new bar (backtests on bars): fills the resting orders its range reaches, oldest first, then
   * marks positions at its close. Until the next quote, new orders match against the same bar (and
   * what is left of its volume); `closeBar` narrows it to its close.
   */
  onBar(bar: BarQuote): QifiTrade[] {
    // The bar is kept as given (the caller hands a new one each time); the book and the volume
    // left are updated in place.
    this.bars.set(bar.instrument, bar);
    const book = this.books.get(bar.instrument);
    if (book) {
      book.bidPrice = bar.open;
      book.askPrice = bar.open;
      book.bidVolume = bar.volume;
      book.askVolume = bar.volume;
      book.lastPrice = bar.close;
      book.upperLimit = bar.upperLimit;
      book.lowerLimit = bar.lowerLimit;
    } else
      this.books.set(bar.instrument, {
        instrument: bar.instrument,
        bidPrice: bar.open,
        askPrice: bar.open,
        bidVolume: bar.volume,
        askVolume: bar.volume,
        lastPrice: bar.close,
        upperLimit: bar.upperLimit,
        lowerLimit: bar.lowerLimit,
      });
    const shown = this.displayed.get(bar.instrument);
    if (shown) {
      shown.bid = bar.volume;
      shown.ask = bar.volume;
    } else this.displayed.set(bar.instrument, { bid: bar.volume, ask: bar.volume });
    const changed = new Map<string, AccountChange>();
    const trades = this.resting.has(bar.instrument)
      ? this.matchResting(bar.instrument, changed)
      : [];
    const reportMarks = this.options.reportMarks ?? true;
    for (const account of this.accounts.values())
      if (account.hasPosition(bar.instrument)) {
        account.updatePrice(bar.instrument, bar.close);
        if (reportMarks && !changed.has(account.accountCookie))
          changed.set(account.accountCookie, {
            orders: [],
            trades: [],
            positions: [bar.instrument],
          });
      }
    for (const [cookie, change] of changed) this.options.onChange(cookie, change);
    return trades;
  }

  /** Narrows the current bar of `instrument` to its close (the bar-close fill model), volume kept. */
  closeBar(instrument: string): void {
    const bar = this.bars.get(instrument);
    const book = this.books.get(instrument);
    if (!bar || !book) return;
    this.bars.set(instrument, { ...bar, open: bar.close, high: bar.close, low: bar.close });
    this.books.set(instrument, { ...book, bidPrice: bar.close, askPrice: bar.close });
  }

  /** Forgets resting orders that are no longer alive (after a settlement expired them). */
  prune(): void {
    for (const [instrument, queue] of this.resting) {
      const alive = queue.filter((entry) => {
        const state = this.current(entry.account, entry.orderId);
        return state.ok && state.value.status === 'ALIVE';
      });
      if (alive.length === 0) this.resting.delete(instrument);
      else this.resting.set(instrument, alive);
    }
  }

  /** Fills the resting orders of `instrument` the quote now crosses, oldest first. */
  private matchResting(instrument: string, changed: Map<string, AccountChange>): QifiTrade[] {
    const trades: QifiTrade[] = [];
    const queue = this.resting.get(instrument) ?? [];
    const now = this.options.now();
    for (const entry of [...queue]) {
      const filled = this.match(entry.account, entry.orderId, instrument, now);
      if (filled.length > 0) {
        trades.push(...filled);
        let change = changed.get(entry.account.accountCookie);
        if (!change)
          changed.set(
            entry.account.accountCookie,
            (change = { orders: [], trades: [], positions: [instrument] }),
          );
        change.orders.push(entry.orderId);
        change.trades.push(...filled);
      }
      const state = this.current(entry.account, entry.orderId);
      if (!state.ok || state.value.status !== 'ALIVE')
        this.unrest(entry.account.accountCookie, entry.orderId);
    }
    return trades;
  }

  private current(account: QifiAccount, orderId: string): Outcome<QifiOrder> {
    const order = account.order(orderId);
    return order
      ? { ok: true, value: order }
      : {
          ok: false,
          rejection: { code: 'ORDER_NOT_FOUND', message: `order ${orderId} not found` },
        };
  }

  /**
   * The price `order` fills at now: the opposite best of the book, or on a bar the open when the
   * open is through the order's price, else its limit when the bar's range reaches it. A bar spent
   * wholly at the limit-up (low ≥ upper limit) has no sellers, at the limit-down no buyers.
   */
  private fillPrice(order: QifiOrder, instrument: string): number | undefined {
    const buy = order.direction === 'BUY';
    const bar = this.bars.get(instrument);
    if (!bar) {
      const top = this.books.get(instrument);
      return top ? (buy ? top.askPrice : top.bidPrice) : undefined;
    }
    if (buy && bar.upperLimit && bar.upperLimit > 0 && bar.low >= bar.upperLimit) return undefined;
    if (!buy && bar.lowerLimit && bar.lowerLimit > 0 && bar.high <= bar.lowerLimit)
      return undefined;
    if (order.price_type !== 'LIMIT') return bar.open;
    const limit = order.limit_price;
    if (buy) return limit >= bar.open ? bar.open : limit >= bar.low ? limit : undefined;
    return limit <= bar.open ? bar.open : limit <= bar.high ? limit : undefined;
  }

  /** Lots the book can give `order` now (0 outside sessions or when not marketable). */
  private fillable(order: QifiOrder, instrument: string, now: number): number {
    const top = this.books.get(instrument);
    const shown = this.displayed.get(instrument);
    if (!top || !shown || !this.options.isTrading(instrument, now)) return 0;
    const buy = order.direction === 'BUY';
    const price = this.fillPrice(order, instrument);
    if (price === undefined) return 0;
    const volume = buy ? shown.ask : shown.bid;
    if (!(price > 0) || volume <= 0) return 0;
    if (
      order.price_type === 'LIMIT' &&
      (buy ? price > order.limit_price : price < order.limit_price)
    )
      return 0;
    return Math.min(volume, order.volume_left);
  }

  private match(
    account: QifiAccount,
    orderId: string,
    instrument: string,
    now: number,
  ): QifiTrade[] {
    const order = account.order(orderId);
    if (!order || order.status !== 'ALIVE') return [];
    const volume = this.fillable(order, instrument, now);
    if (volume <= 0) return [];
    const top = this.books.get(instrument) as BookTop;
    const shown = this.displayed.get(instrument) as { bid: number; ask: number };
    const buy = order.direction === 'BUY';
    const outcome = account.receiveDeal(
      orderId,
      {
        price: this.slipped(order, this.fillPrice(order, instrument) as number, instrument),
        volume,
      },
      now,
    );
    if (!outcome.ok) return [];
    if (buy) shown.ask -= volume;
    else shown.bid -= volume;
    if (top.lastPrice !== undefined && top.lastPrice > 0)
      account.updatePrice(instrument, top.lastPrice);
    return [outcome.value];
  }

  private slipped(order: QifiOrder, price: number, instrument: string): number {
    const slip = this.options.slippage?.(instrument) ?? 0;
    if (!(slip > 0)) return price;
    const limited = order.price_type === 'LIMIT';
    if (order.direction === 'BUY')
      return limited ? Math.min(price + slip, order.limit_price) : price + slip;
    const lower = price - slip;
    return limited ? Math.max(lower, order.limit_price) : Math.max(lower, Number.MIN_VALUE);
  }

  private rest(account: QifiAccount, order: QifiOrder): void {
    const instrument = `${order.exchange_id}.${order.instrument_id}`;
    const queue = this.resting.get(instrument) ?? [];
    if (!queue.some((entry) => entry.account === account && entry.orderId === order.order_id))
      queue.push({ account, orderId: order.order_id });
    this.resting.set(instrument, queue);
  }

  private unrest(accountCookie: string, orderId: string): void {
    for (const [instrument, queue] of this.resting) {
      const kept = queue.filter(
        (entry) => !(entry.account.accountCookie === accountCookie && entry.orderId === orderId),
      );
      if (kept.length === 0) this.resting.delete(instrument);
      else if (kept.length !== queue.length) this.resting.set(instrument, kept);
    }
  }
}
