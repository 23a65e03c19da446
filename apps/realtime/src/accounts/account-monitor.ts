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
import { AccountBook, HeldPosition, MonitoredAccountFields } from './account-book';
import { MarkTable } from './mark-table';

export interface AccountMonitorOptions {
  /** The trade server's `/ws/monitor`. */
  monitorUrl: string;
  token?: string;
  apiKey?: string;
  /** The gateway's `/ws/market`. */
  marketUrl: string;
  pushIntervalMs: number;
  /** Whether an account's figures are wanted even when nobody watches its rooms (alert rules). */
  watched?: (account: string) => boolean;
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
  /** Every position's live price and profit inputs, one row each (shared by the books). */
  private readonly table = new MarkTable();
  /** Instrument → the rows of the positions on it, in every book (a quote walks this array). */
  private readonly holders = new Map<string, number[]>();
  private readonly heldByRow: (HeldPosition | undefined)[] = [];
  private readonly held = new Map<AccountBook, Set<HeldPosition>>();
  /** How many rows quotes moved since the last flush (their `dirty` flags are set). */
  private moved = 0;
  /** Books marked or changed since the last flush (each once: `queued`). */
  private readonly dirty: AccountBook[] = [];
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
      const figures = book.figures();
      this.latest.set(book.account, figures);
      accounts[book.account] = summaryOf(figures);
    }
    return { user_name: key, accounts, total: this.totalOf(key) };
  }

  /**
   * Every push interval: each changed account's balance and the day's peak (all of them); for
   * those someone watches — their room, their owner's portfolio, an alert rule — the figures, the
   * listener's check and the room's patch.
   */
  flush(): void {
    const { table } = this;
    // Rows in order (not in the order quotes moved them): the columns are read front to back.
    const dirtyRows = table.dirty;
    for (let row = 0; this.moved > 0 && row < table.size; row += 1) {
      if (dirtyRows[row] === 0) continue;
      dirtyRows[row] = 0;
      this.moved -= 1;
      const book = table.books[table.owner[row]!];
      if (!book) continue;
      table.profit[row] = table.positionProfit(row);
      book.changed = true;
      if (!book.queued) {
        book.queued = true;
        this.dirty.push(book as AccountBook);
      }
    }
    this.moved = 0;
    const users = new Set<string>();
    for (const book of this.dirty) {
      book.queued = false;
      book.settle();
      const room = `ACCOUNT:${book.account}`;
      const wanted = this.publisher.isWanted(room);
      if (
        !wanted &&
        !this.publisher.isWanted(`PORTFOLIO:${book.userName}`) &&
        !(this.options.watched?.(book.account) ?? false)
      )
        continue;
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
      if (wanted) {
        this.publisher.patch(room, patch);
        this.counts.pushes += 1;
      }
    }
    this.dirty.length = 0;
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

  private queue(book: AccountBook): void {
    if (book.queued) return;
    book.queued = true;
    this.dirty.push(book);
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

  /** The monitor's inputs — its clients call them; the bench hands them in directly. */
  takeOwners(owners: ReadonlyMap<string, MonitoredAccount>): void {
    this.owners = owners;
    for (const [account, book] of this.books) {
      const owner = owners.get(account);
      if (owner) book.userName = owner.user_name;
      else this.drop(account, book);
    }
  }

  takeSection(account: string, section: JsonObject, reset: boolean, patches: JsonObject[]): void {
    let book = this.books.get(account);
    const created = !book;
    if (!book) this.books.set(account, (book = new AccountBook(account, this.table)));
    book.userName = this.owners.get(account)?.user_name ?? book.userName;
    if (reset || created) book.load(section);
    else for (const patch of patches) book.load(section, patch);
    this.index(book);
    this.queue(book);
    const room = `ACCOUNT:${account}`;
    // A first or new whole section: the room starts over from it.
    if (reset && this.publisher.isWanted(room)) this.publisher.reset(room, book.state());
  }

  takeQuote(
    id: string,
    quote: Readonly<Record<string, unknown>>,
    patch: Record<string, unknown>,
  ): void {
    if (patch.last_price === undefined && patch.volume === undefined) return;
    this.counts.quotes += 1;
    const rows = this.holders.get(id);
    if (!rows) return;
    const price = quote.last_price;
    const volume = quote.volume;
    if (typeof price !== 'number' || typeof volume !== 'number' || !(volume > 0)) return;
    if (!(price > 0) || !Number.isFinite(price)) return;
    const { table } = this;
    const prices = table.price;
    const dirty = table.dirty;
    const live = table.live;
    let remarks = 0;
    for (let i = 0; i < rows.length; i += 1) {
      const row = rows[i]!;
      if (prices[row] === price) continue;
      prices[row] = price;
      live[row] = 1;
      remarks += 1;
      if (dirty[row] === 0) {
        dirty[row] = 1;
        this.moved += 1;
      }
    }
    this.counts.remarks += remarks;
  }

  /** Keeps the instrument → positions index and the gateway subscriptions in step with a book. */
  private index(book: AccountBook): void {
    const now = new Set(book.held.values());
    const before = this.held.get(book) ?? new Set<HeldPosition>();
    // Removals first: a row freed by one position may be taken by the next.
    const removed: string[] = [];
    for (const held of before) if (!now.has(held)) this.unindex(held, removed);
    const added: string[] = [];
    for (const held of now) {
      if (before.has(held)) continue;
      this.heldByRow[held.row] = held;
      let list = this.holders.get(held.key);
      if (!list) {
        this.holders.set(held.key, (list = []));
        added.push(held.key);
      }
      list.push(held.row);
      const quote = this.market.quote(held.key);
      if (
        quote &&
        typeof quote.last_price === 'number' &&
        typeof quote.volume === 'number' &&
        quote.volume > 0
      )
        book.markKey(held.key, quote.last_price);
    }
    this.held.set(book, now);
    if (added.length > 0) this.market.subscribe(added);
    if (removed.length > 0) this.market.unsubscribe(removed);
  }

  private unindex(held: HeldPosition, removed: string[]): void {
    if (this.heldByRow[held.row] === held) this.heldByRow[held.row] = undefined;
    const list = this.holders.get(held.key);
    if (!list) return;
    const at = list.indexOf(held.row);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) {
      this.holders.delete(held.key);
      removed.push(held.key);
    }
  }

  private drop(account: string, book: AccountBook): void {
    this.books.delete(account);
    this.latest.delete(account);
    book.queued = false;
    const at = this.dirty.indexOf(book);
    if (at >= 0) this.dirty.splice(at, 1);
    const removed: string[] = [];
    for (const held of this.held.get(book) ?? []) this.unindex(held, removed);
    this.held.delete(book);
    book.close();
    if (removed.length > 0) this.market.unsubscribe(removed);
  }
}
