import type { JsonObject } from '@qautlra/diff';
import {
  AccountBase,
  accountFromTotals,
  balanceFromTotals,
  defaultPresetFor,
  FuturesPreset,
  isStockExchange,
  PositionMarks,
  PositionState,
  QifiAccountFields,
  QifiPosition,
  restorePosition,
  roundMoney,
  toQifiPosition,
} from '@qautlra/qifi';
import { MarkTable } from './mark-table';

export type PresetLookup = (exchange: string, instrument: string) => FuturesPreset | undefined;

/** Fields of a position record that only follow the last price (the trade server's marks). */
const MARK_FIELDS = new Set([
  'last_price',
  'float_profit_long',
  'float_profit_short',
  'float_profit',
  'position_profit_long',
  'position_profit_short',
  'position_profit',
]);

/** An exchange-listed option: `m2705-C-3000`, `IO2612-P-4000`, `SR705C5000`, SSE/SZSE 8-digit codes. */
export function isOption(exchange: string, instrument: string): boolean {
  if (isStockExchange(exchange)) return /^[19]\d{7}$/.test(instrument);
  return /^[A-Za-z]{1,2}\d{3,4}-?[CP]-?\d+(\.\d+)?$/.test(instrument);
}

/** The account record of a room: QIFI's fields plus what a monitor adds. */
export interface MonitoredAccountFields extends QifiAccountFields {
  /** balance − static_balance: the trading day's profit so far, commission included. */
  day_pnl: number;
  /** The highest balance of the trading day (seen by this monitor since the day began or it started). */
  peak_balance: number;
  /** peak_balance − balance. */
  drawdown: number;
  /** drawdown / peak_balance. */
  drawdown_ratio: number;
  /** Value of held securities (stocks, options): last × net volume × multiplier. */
  market_value: number;
  /** balance plus the value of option positions (an option's premium is an asset outside margin). */
  value_balance: number;
}

export interface MonitoredPosition extends QifiPosition {
  /** last × (long − short) × multiplier. */
  market_value: number;
}

/**
 * A trading unit's day (DIFF: a dotted order id `AA.BB.0001` is accounted under the units `AA` and
 * `AA.BB`; the strategy runtime's `st.<instance>.<generation>.<n>` under `st`, `st.<instance>` and
 * `st.<instance>.<generation>`): its trades of the trading day, marked to the live prices.
 */
export interface UnitFigures {
  trades: number;
  commission: number;
  /** Net lots by instrument from the unit's trades of the day (long +, short −). */
  positions: Record<string, number>;
  /** Sells − buys (notional) − commission + net lots at the last price: the day's PnL of its trades. */
  pnl: number;
}

/** Units kept per account at most (the deepest beyond are not followed). */
export const MAX_UNITS = 200;

interface UnitBook {
  trades: number;
  commission: number;
  cash: number;
  /** instrument → [net lots, multiplier, last trade price]. */
  lots: Map<string, [number, number, number]>;
}

/** The units an order id is accounted under (none for an id without a dot). */
export function unitsOf(orderId: string): string[] {
  const parts = orderId.split('.');
  const units: string[] = [];
  for (let depth = 1; depth < parts.length; depth += 1) units.push(parts.slice(0, depth).join('.'));
  return units;
}

/**
 * One position as the book keeps it: its row in the mark table (live price, profit inputs) and its
 * engine state (for whole records). The object lives as long as the position is listed, so the
 * monitor's instrument index can point at it; a rebuilt position reloads its row in place.
 */
export interface HeldPosition {
  readonly key: string;
  readonly book: AccountBook;
  readonly row: number;
  position: PositionState;
  /** 0 futures, 1 stock, 2 option. */
  security: 0 | 1 | 2;
  /** Its whole record changed since the last patch (its marks are told by the table). */
  rebuilt: boolean;
}

/**
 * One account as the monitor keeps it: the trade server's booked amounts and positions (restored
 * with the account engine's own code), re-marked on live quotes with the engine's arithmetic
 * (`sideProfitAt`, `accountFromTotals`), so its figures are the engine's on the same prices.
 *
 * A quote writes a price into the mark table (the monitor does it, per tick); `settle` (every push
 * interval) takes the moved rows' profit, the balance and the day's peak — for every account — and
 * the full figures and patches are built only for the accounts someone watches.
 */
export class AccountBook {
  /** In the account's own order (the trade server's section order): totals are summed in it. */
  readonly held = new Map<string, HeldPosition>();
  /** Positions the trade server lists that have no contract preset: passed through, not re-marked. */
  private readonly unmarkable = new Map<string, QifiPosition>();
  private base: AccountBase = {
    pre_balance: 0,
    deposit: 0,
    withdraw: 0,
    close_profit: 0,
    commission: 0,
    frozen_margin: 0,
    frozen_commission: 0,
  };
  /** The trade server's own account record (used as it is while a position cannot be re-marked). */
  private serverAccount?: QifiAccountFields;
  tradingDay = '';
  userName = '';
  private peak = -Infinity;
  private peakDay = '';
  /** The rows, in order (rebuilt when positions come or go). */
  private rows = new Int32Array(0);
  private rowsStale = true;
  /** Keys removed since the last patch. */
  private readonly removed = new Set<string>();
  /** Trading units of the day's trades (by unit name). */
  private units = new Map<string, UnitBook>();
  /** Units gone since the last patch (a new trading day). */
  private unitsDropped: string[] = [];
  /** Whether anything changed since the last patch (a quote or the trade server). */
  changed = true;
  /** In the monitor's list of books to settle at its next flush. */
  queued = false;

  /** This book's id in the table. */
  readonly id: number;

  constructor(
    readonly account: string,
    /** Shared by the monitor's books; a book alone (tests) has its own. */
    readonly table: MarkTable = new MarkTable(),
    private readonly presetFor: PresetLookup = defaultPresetFor,
  ) {
    this.id = table.register(this);
  }

  /** The positions, in order (the engine's state of each, at its live price). */
  *positions(): Iterable<PositionState> {
    for (const held of this.held.values()) yield this.priced(held);
  }

  /**
   * Takes the trade server's `trade.<account>` section: whole (`patch` undefined) or after a merge
   * patch — then only the positions the patch names are rebuilt, and not for mark-only changes.
   */
  load(section: JsonObject, patch?: JsonObject): void {
    const cny = ((section.accounts as JsonObject | undefined)?.CNY ?? {}) as Record<
      string,
      unknown
    >;
    this.serverAccount = cny as unknown as QifiAccountFields;
    const amount = (key: keyof AccountBase) =>
      typeof cny[key] === 'number' && Number.isFinite(cny[key]) ? cny[key] : 0;
    this.base = {
      pre_balance: amount('pre_balance'),
      deposit: amount('deposit'),
      withdraw: amount('withdraw'),
      close_profit: amount('close_profit'),
      commission: amount('commission'),
      frozen_margin: amount('frozen_margin'),
      frozen_commission: amount('frozen_commission'),
    };
    const session = section.session as JsonObject | undefined;
    const day = session?.trading_day ?? section.trading_day;
    if (typeof day === 'string') this.tradingDay = day;
    this.changed = true;
    if (!patch || patch.trades !== undefined) this.countUnits(section);
    const records = (section.positions ?? {}) as Record<string, QifiPosition>;
    if (!patch) {
      for (const key of [...this.held.keys(), ...this.unmarkable.keys()])
        if (!(key in records)) this.remove(key);
      for (const [key, record] of Object.entries(records)) this.restore(key, record);
      return;
    }
    const touched = patch.positions as Record<string, JsonObject | null> | undefined;
    if (!touched || typeof touched !== 'object') return;
    for (const [key, change] of Object.entries(touched)) {
      const record = records[key];
      if (change === null || !record) {
        this.remove(key);
        continue;
      }
      const marksOnly =
        this.held.has(key) && Object.keys(change).every((field) => MARK_FIELDS.has(field));
      if (!marksOnly) this.restore(key, record);
    }
  }

  /** Marks the position `key` at `price` (tests and one-off marks; the monitor writes the table). */
  markKey(key: string, price: number): boolean {
    const held = this.held.get(key);
    if (!held || !(price > 0) || !Number.isFinite(price)) return false;
    const table = this.table;
    table.live[held.row] = 1;
    if (table.price[held.row] === price) return false;
    table.price[held.row] = price;
    table.profit[held.row] = table.positionProfit(held.row);
    this.changed = true;
    return true;
  }

  /** The instruments (`EXCHANGE.code`) this account holds or held today. */
  instruments(): string[] {
    return [...this.held.keys()];
  }

  /**
   * The balance from the rows' position profit (the monitor brought moved rows up to date) and the
   * day's peak; returns the balance (every changed account, every push interval: cheap).
   */
  settle(): number {
    const table = this.table;
    let balance: number;
    if (this.unmarkable.size > 0 && this.serverAccount) balance = this.serverAccount.balance;
    else {
      let positionProfit = 0;
      for (const row of this.orderedRows()) positionProfit += table.profit[row]!;
      balance = balanceFromTotals(this.base, positionProfit);
    }
    if (this.peakDay !== this.tradingDay) {
      this.peakDay = this.tradingDay;
      this.peak = -Infinity;
    }
    this.peak = Math.max(this.peak, balance);
    return balance;
  }

  /** The account record at the current marks, with the monitor's figures. */
  figures(): MonitoredAccountFields {
    this.settle();
    const table = this.table;
    let margin = 0;
    let positionProfit = 0;
    let floatProfit = 0;
    let securities = 0;
    let options = 0;
    for (const held of this.held.values()) {
      const row = held.row;
      margin += table.margin[row]!;
      // A row a quote moved since the monitor's last flush is priced now.
      positionProfit += table.dirty[row] ? table.positionProfit(row) : table.profit[row]!;
      floatProfit += table.floatProfit(row);
      if (held.security === 0) continue;
      const value = table.marketValue(held.row);
      securities += value;
      if (held.security === 2) options += value;
    }
    const fields =
      this.unmarkable.size > 0 && this.serverAccount
        ? { ...this.serverAccount }
        : accountFromTotals(this.account, this.base, { margin, positionProfit, floatProfit });
    const drawdown = roundMoney(this.peak - fields.balance);
    return {
      ...fields,
      day_pnl: roundMoney(fields.balance - fields.static_balance),
      peak_balance: this.peak,
      drawdown,
      drawdown_ratio: this.peak > 0 ? drawdown / this.peak : 0,
      market_value: roundMoney(securities),
      value_balance: roundMoney(fields.balance + options),
    };
  }

  /** Every position record at the current marks. */
  positionRecords(): Record<string, MonitoredPosition> {
    const out: Record<string, MonitoredPosition> = {};
    for (const [key, held] of this.held) out[key] = this.record(held);
    for (const [key, record] of this.unmarkable) out[key] = { ...record, market_value: 0 };
    return out;
  }

  /** The room's whole state (what changed stays reported by the next patch too). */
  state(): JsonObject {
    return {
      account_cookie: this.account,
      user_name: this.userName,
      trading_day: this.tradingDay,
      accounts: this.figures(),
      positions: this.positionRecords(),
      units: this.unitFigures(),
    };
  }

  /** The trading units' figures at the live prices. */
  unitFigures(): Record<string, UnitFigures> {
    const prices = new Map<string, number>();
    for (const held of this.held.values()) prices.set(held.key, this.table.price[held.row]!);
    const out: Record<string, UnitFigures> = {};
    for (const [name, unit] of this.units) {
      let value = 0;
      const positions: Record<string, number> = {};
      for (const [instrument, [net, multiplier, lastTrade]] of unit.lots) {
        positions[instrument] = net;
        if (net !== 0) value += net * (prices.get(instrument) ?? lastTrade) * multiplier;
      }
      out[name] = {
        trades: unit.trades,
        commission: roundMoney(unit.commission),
        positions,
        pnl: roundMoney(unit.cash - unit.commission + value),
      };
    }
    return out;
  }

  /** What changed since the last patch or state (a merge patch of the room), or undefined. */
  takePatch(): JsonObject | undefined {
    if (!this.changed) return undefined;
    const accounts = this.figures();
    const positions: Record<
      string,
      MonitoredPosition | (PositionMarks & { market_value: number }) | null
    > = {};
    for (const key of this.removed) positions[key] = null;
    this.removed.clear();
    const table = this.table;
    for (const [key, held] of this.held) {
      const price = table.price[held.row]!;
      if (held.rebuilt) positions[key] = this.record(held);
      else if (table.reported[held.row] !== price) positions[key] = table.marks(held.row);
      else continue;
      held.rebuilt = false;
      table.reported[held.row] = price;
    }
    for (const [key, record] of this.unmarkable) positions[key] ??= { ...record, market_value: 0 };
    this.changed = false;
    const patch: JsonObject = {
      trading_day: this.tradingDay,
      accounts: accounts,
    };
    if (Object.keys(positions).length > 0) patch.positions = positions;
    if (this.units.size > 0 || this.unitsDropped.length > 0) {
      const units: JsonObject = { ...this.unitFigures() };
      for (const name of this.unitsDropped) units[name] = null;
      this.unitsDropped = [];
      patch.units = units;
    }
    return patch;
  }

  /** Rows to free when the book is dropped. */
  close(): void {
    for (const held of this.held.values()) this.table.release(held.row);
    this.held.clear();
    this.table.unregister(this.id);
  }

  /** The units of the section's trades (the trading day's), counted again from them. */
  private countUnits(section: JsonObject): void {
    const trades = (section.trades ?? {}) as Record<string, Record<string, unknown>>;
    const units = new Map<string, UnitBook>();
    for (const trade of Object.values(trades)) {
      const orderId = trade.order_id;
      const volume = trade.volume;
      const price = trade.price;
      if (typeof orderId !== 'string' || typeof volume !== 'number' || typeof price !== 'number')
        continue;
      const names = unitsOf(orderId);
      if (names.length === 0) continue;
      const exchange = String(trade.exchange_id);
      const code = String(trade.instrument_id);
      const multiplier = this.presetFor(exchange, code)?.unit_table ?? 1;
      const buy = trade.direction === 'BUY';
      const commission = typeof trade.commission === 'number' ? trade.commission : 0;
      const instrument = `${exchange}.${code}`;
      for (const name of names) {
        let unit = units.get(name);
        if (!unit) {
          if (units.size >= MAX_UNITS) continue;
          units.set(name, (unit = { trades: 0, commission: 0, cash: 0, lots: new Map() }));
        }
        unit.trades += 1;
        unit.commission += commission;
        unit.cash += (buy ? -1 : 1) * price * volume * multiplier;
        const lots = unit.lots.get(instrument) ?? [0, multiplier, price];
        lots[0] += buy ? volume : -volume;
        lots[2] = price;
        unit.lots.set(instrument, lots);
      }
    }
    for (const name of this.units.keys()) if (!units.has(name)) this.unitsDropped.push(name);
    this.units = units;
  }

  private orderedRows(): Int32Array {
    if (this.rowsStale) {
      this.rows = Int32Array.from(this.held.values(), (held) => held.row);
      this.rowsStale = false;
    }
    return this.rows;
  }

  /** The engine state of a position at its live price (records are built from it). */
  private priced(held: HeldPosition): PositionState {
    held.position.lastPrice = this.table.price[held.row]!;
    return held.position;
  }

  private record(held: HeldPosition): MonitoredPosition {
    return {
      ...toQifiPosition(this.priced(held), this.account),
      market_value: this.table.marketValue(held.row),
    };
  }

  private remove(key: string): void {
    const held = this.held.get(key);
    if (held) {
      this.held.delete(key);
      this.table.release(held.row);
      this.rowsStale = true;
    }
    this.unmarkable.delete(key);
    this.removed.add(key);
  }

  private restore(key: string, record: QifiPosition): void {
    const preset = this.presetFor(record.exchange_id, record.instrument_id);
    this.removed.delete(key);
    if (!preset) {
      this.remove(key);
      this.removed.delete(key);
      this.unmarkable.set(key, record);
      return;
    }
    const position = restorePosition(record, preset);
    const known = this.held.get(key);
    // A live price beats the trade server's mark of it.
    if (known && this.table.live[known.row]) position.lastPrice = this.table.price[known.row]!;
    const option = isOption(position.exchangeId, position.instrumentId);
    const security = option ? 2 : position.isStock ? 1 : 0;
    if (known) {
      known.position = position;
      known.security = security;
      known.rebuilt = true;
      const live = this.table.live[known.row]!;
      this.table.load(known.row, position);
      this.table.live[known.row] = live;
      return;
    }
    const row = this.table.allocate(this.id);
    this.table.load(row, position);
    this.held.set(key, {
      key,
      book: this,
      row,
      position,
      security,
      rebuilt: true,
    });
    this.rowsStale = true;
  }
}
