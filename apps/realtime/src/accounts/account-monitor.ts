import { Logger } from '@nestjs/common';
import {
  MarketDataClient,
  MarketDataState,
  MonitoredAccount,
  TradeMonitorClient,
  TradeMonitorState,
} from '@qautlra/clients';
import type { JsonObject } from '@qautlra/diff';
import { roundMoney } from '@qautlra/qifi';
import type { RoomPublisher } from '../rooms/room-publisher';
import { AccountBook, MonitoredAccountFields } from './account-book';

export interface AccountMonitorOptions {
  /** The trade server's `/ws/monitor`. */
  monitorUrl: string;
  token?: string;
  apiKey?: string;
  /** The gateway's `/ws/market`. */
  marketUrl: string;
  pushIntervalMs: number;
}

/** Told about every account's figures after each push interval in which they changed. */
export type FiguresListener = (
  account: string,
  userName: string,
  figures: MonitoredAccountFields,
  book: AccountBook,
) => void;

/** The summary of one account in a portfolio room. */
const SUMMARY_FIELDS = [
  'balance',
  'available',
  'margin',
  'float_profit',
  'position_profit',
  'day_pnl',
  'risk_ratio',
  'drawdown',
  'market_value',
] as const;

const summaryOf = (figures: MonitoredAccountFields) =>
  Object.fromEntries(SUMMARY_FIELDS.map((field) => [field, figures[field]]));

/**
 * Every account of the trade server, re-marked on live quotes: the sections come from the trade
 * server's monitor socket (one connection for all accounts), the prices from the gateway. A quote
 * re-marks the positions on its instrument at once; what changed goes to the account's room (and
 * its owner's portfolio room) at most every `pushIntervalMs`, as one merge patch. A quote counts
 * only once the instrument has traded in its trading day (`volume > 0`): before the open, a
 * position stays at the price the trade server last marked (after a settlement: the settlement
 * price, so position PnL is 0), not at a pre-open quote.
 */
export class AccountMonitor {
  private readonly logger = new Logger('realtime-accounts');
  private readonly books = new Map<string, AccountBook>();
  /** Instrument → the books holding a position on it. */
  private readonly holders = new Map<string, Set<AccountBook>>();
  private readonly held = new Map<AccountBook, Set<string>>();
  private readonly dirty = new Set<AccountBook>();
  private readonly latest = new Map<string, MonitoredAccountFields>();
  private owners: ReadonlyMap<string, MonitoredAccount> = new Map();
  private readonly monitor: TradeMonitorClient;
  private readonly market: MarketDataClient;
  private timer?: NodeJS.Timeout;
  readonly states: { trade: TradeMonitorState; market: MarketDataState; detail: string } = {
    trade: 'disconnected',
    market: 'disconnected',
    detail: '',
  };
  /** Quotes taken, positions re-marked (counters for /metrics). */
  readonly counts = { quotes: 0, remarks: 0, pushes: 0 };

  constructor(
    private readonly options: AccountMonitorOptions,
    private readonly publisher: RoomPublisher,
    private readonly onFigures: FiguresListener = () => undefined,
  ) {
    this.monitor = new TradeMonitorClient(
      { url: options.monitorUrl, token: options.token, apiKey: options.apiKey },
      {
        onAccounts: (owners) => this.takeOwners(owners),
        onSection: (account, section, reset, patches) =>
          this.takeSection(account, section, reset, patches),
        onState: (state, detail) => {
          this.states.trade = state;
          if (state !== 'connected') this.logger.warn(`trade server monitor ${state}: ${detail}`);
        },
        onNotice: (text) => this.logger.warn(`trade server: ${text}`),
      },
    );
    this.market = new MarketDataClient(
      { url: options.marketUrl, idleTimeoutMs: 60_000 },
      {
        onQuote: (id, quote, patch) => this.takeQuote(id, quote, patch),
        onState: (state, detail) => {
          this.states.market = state;
          if (state !== 'connected') this.logger.warn(`gateway ${state}: ${detail}`);
        },
      },
    );
  }

  start(): void {
    this.monitor.start();
    this.market.start();
    this.timer = setInterval(() => this.flush(), this.options.pushIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.monitor.stop();
    this.market.stop();
  }

  /** The accounts known, with their owners. */
  accounts(): { account_cookie: string; user_name: string }[] {
    return [...this.books.values()].map((book) => ({
      account_cookie: book.account,
      user_name: book.userName,
    }));
  }

  book(account: string): AccountBook | undefined {
    return this.books.get(account);
  }

  /** The whole state of an `ACCOUNT:` or `PORTFOLIO:` room (undefined before its data came). */
  stateOf(kind: 'ACCOUNT' | 'PORTFOLIO', key: string): JsonObject | undefined {
    if (kind === 'ACCOUNT') return this.books.get(key)?.state();
    const accounts: JsonObject = {};
    for (const book of this.books.values()) {
      if (book.userName !== key) continue;
      const figures = this.latest.get(book.account) ?? book.figures();
      this.latest.set(book.account, figures);
      accounts[book.account] = summaryOf(figures);
    }
    return { user_name: key, accounts, total: this.totalOf(key) };
  }

  /** Pushes what changed since the last interval, and tells the listener. */
  flush(): void {
    const users = new Set<string>();
    for (const book of this.dirty) {
      const patch = book.takePatch();
      if (!patch) continue;
      const figures = patch.accounts as MonitoredAccountFields;
      this.latest.set(book.account, figures);
      users.add(book.userName);
      try {
        this.onFigures(book.account, book.userName, figures, book);
      } catch (error) {
        this.logger.error(`alert check of ${book.account} failed: ${(error as Error).message}`);
      }
      const room = `ACCOUNT:${book.account}`;
      if (this.publisher.isWanted(room)) {
        this.publisher.patch(room, patch);
        this.counts.pushes += 1;
      }
    }
    this.dirty.clear();
    for (const user of users) {
      const room = `PORTFOLIO:${user}`;
      if (!this.publisher.isWanted(room)) continue;
      const accounts: JsonObject = {};
      for (const book of this.books.values())
        if (book.userName === user && this.latest.has(book.account))
          accounts[book.account] = summaryOf(this.latest.get(book.account)!);
      this.publisher.patch(room, { accounts, total: this.totalOf(user) });
    }
  }

  private totalOf(user: string): JsonObject {
    let balance = 0;
    let available = 0;
    let margin = 0;
    let floatProfit = 0;
    let positionProfit = 0;
    let dayPnl = 0;
    let marketValue = 0;
    for (const book of this.books.values()) {
      if (book.userName !== user) continue;
      const figures = this.latest.get(book.account);
      if (!figures) continue;
      balance += figures.balance;
      available += figures.available;
      margin += figures.margin;
      floatProfit += figures.float_profit;
      positionProfit += figures.position_profit;
      dayPnl += figures.day_pnl;
      marketValue += figures.market_value;
    }
    return {
      balance: roundMoney(balance),
      available: roundMoney(available),
      margin: roundMoney(margin),
      float_profit: roundMoney(floatProfit),
      position_profit: roundMoney(positionProfit),
      day_pnl: roundMoney(dayPnl),
      market_value: roundMoney(marketValue),
      risk_ratio: balance === 0 ? 0 : 1 - available / balance,
    };
  }

  private takeOwners(owners: ReadonlyMap<string, MonitoredAccount>): void {
    this.owners = owners;
    for (const [account, book] of this.books) {
      const owner = owners.get(account);
      if (owner) book.userName = owner.user_name;
      else this.drop(account, book);
    }
  }

  private takeSection(
    account: string,
    section: JsonObject,
    reset: boolean,
    patches: JsonObject[],
  ): void {
    let book = this.books.get(account);
    const created = !book;
    if (!book) this.books.set(account, (book = new AccountBook(account)));
    book.userName = this.owners.get(account)?.user_name ?? book.userName;
    if (reset || created) book.load(section);
    else for (const patch of patches) book.load(section, patch);
    this.index(book);
    this.dirty.add(book);
    const room = `ACCOUNT:${account}`;
    // A first or new whole section: the room starts over from it.
    if (reset && this.publisher.isWanted(room)) this.publisher.reset(room, book.state());
  }

  private takeQuote(
    id: string,
    quote: Readonly<Record<string, unknown>>,
    patch: Record<string, unknown>,
  ): void {
    if (patch.last_price === undefined && patch.volume === undefined) return;
    this.counts.quotes += 1;
    const books = this.holders.get(id);
    if (!books) return;
    const price = quote.last_price;
    const volume = quote.volume;
    if (typeof price !== 'number' || typeof volume !== 'number' || !(volume > 0)) return;
    for (const book of books)
      if (book.mark(id, price)) {
        this.counts.remarks += 1;
        this.dirty.add(book);
      }
  }

  /** Keeps the instrument → books index and the gateway subscriptions in step with a book. */
  private index(book: AccountBook): void {
    const now = new Set(book.instruments());
    const before = this.held.get(book) ?? new Set<string>();
    const added: string[] = [];
    for (const id of now) {
      if (before.has(id)) continue;
      let set = this.holders.get(id);
      if (!set) {
        this.holders.set(id, (set = new Set()));
        added.push(id);
      }
      set.add(book);
      const quote = this.market.quote(id);
      if (
        quote &&
        typeof quote.last_price === 'number' &&
        typeof quote.volume === 'number' &&
        quote.volume > 0
      )
        book.mark(id, quote.last_price);
    }
    const removed: string[] = [];
    for (const id of before) {
      if (now.has(id)) continue;
      const set = this.holders.get(id);
      set?.delete(book);
      if (set?.size === 0) {
        this.holders.delete(id);
        removed.push(id);
      }
    }
    this.held.set(book, now);
    if (added.length > 0) this.market.subscribe(added);
    if (removed.length > 0) this.market.unsubscribe(removed);
  }

  private drop(account: string, book: AccountBook): void {
    this.books.delete(account);
    this.latest.delete(account);
    this.dirty.delete(book);
    for (const id of this.held.get(book) ?? []) {
      const set = this.holders.get(id);
      set?.delete(book);
      if (set?.size === 0) {
        this.holders.delete(id);
        this.market.unsubscribe([id]);
      }
    }
    this.held.delete(book);
  }
}
