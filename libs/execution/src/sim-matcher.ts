import { Outcome, OrderRequest, QifiAccount, QifiOrder, QifiTrade } from '@qautlra/qifi';

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

export interface SimMatcherOptions {
  /** Epoch ms now. */
  now: () => number;
  /** Whether `instrument` (`EXCHANGE.code`) is in a continuous trading session at `epochMs`. */
  isTrading: (instrument: string, epochMs: number) => boolean;
  /** Called after an account changed (order accepted/finished, fill, cancel, new mark price). */
  onChange: (accountCookie: string, change: AccountChange) => void;
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
    const trades: QifiTrade[] = [];
    const queue = this.resting.get(top.instrument) ?? [];
    const now = this.options.now();
    for (const entry of [...queue]) {
      const filled = this.match(entry.account, entry.orderId, top.instrument, now);
      if (filled.length > 0) {
        trades.push(...filled);
        const change = changeOf(entry.account.accountCookie);
        change.orders.push(entry.orderId);
        change.trades.push(...filled);
      }
      const state = this.current(entry.account, entry.orderId);
      if (!state.ok || state.value.status !== 'ALIVE')
        this.unrest(entry.account.accountCookie, entry.orderId);
    }
    for (const [cookie, change] of changed) this.options.onChange(cookie, change);
    return trades;
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

  private current(account: QifiAccount, orderId: string): Outcome<QifiOrder> {
    const order = account.order(orderId);
    return order
      ? { ok: true, value: order }
      : {
          ok: false,
          rejection: { code: 'ORDER_NOT_FOUND', message: `order ${orderId} not found` },
        };
  }

  /** Lots the book can give `order` now (0 outside sessions or when not marketable). */
  private fillable(order: QifiOrder, instrument: string, now: number): number {
    const top = this.books.get(instrument);
    const shown = this.displayed.get(instrument);
    if (!top || !shown || !this.options.isTrading(instrument, now)) return 0;
    const buy = order.direction === 'BUY';
    const price = buy ? top.askPrice : top.bidPrice;
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
      { price: buy ? top.askPrice : top.bidPrice, volume },
      now,
    );
    if (!outcome.ok) return [];
    if (buy) shown.ask -= volume;
    else shown.bid -= volume;
    if (top.lastPrice !== undefined && top.lastPrice > 0)
      account.updatePrice(instrument, top.lastPrice);
    return [outcome.value];
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
