import type { JsonObject } from '@qautlra/diff';
import {
  AccountBase,
  accountFields,
  defaultPresetFor,
  FuturesPreset,
  isStockExchange,
  marketValue,
  PositionMarks,
  positionMarks,
  PositionState,
  QifiAccountFields,
  QifiPosition,
  restorePosition,
  roundMoney,
  toQifiPosition,
} from '@qautlra/qifi';

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

/** A room patch of price-driven fields. */
type PositionMarkPatch = PositionMarks & { market_value: number };

const positionValue = (position: PositionState): number => {
  const net =
    position.long.today.volume +
    position.long.his.volume -
    position.short.today.volume -
    position.short.his.volume;
  return net === 0 ? 0 : roundMoney(marketValue(position.preset, position.lastPrice, net));
};

/**
 * One account as the monitor keeps it: the trade server's booked amounts and positions (restored
 * with the account engine's own code), re-marked on live quotes with the engine's arithmetic
 * (`accountFields`, `positionMarks`), so its figures are the engine's on the same prices.
 */
export class AccountBook {
  readonly positions = new Map<string, PositionState>();
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
  /** Live prices by position key (a quote beats the section's stale mark). */
  private readonly live = new Map<string, number>();
  /** Keys whose whole record changed (null: removed) / whose marks changed, since `takePatch`. */
  private readonly changedRecords = new Set<string>();
  private readonly changedMarks = new Set<string>();
  private accountChanged = true;

  constructor(
    readonly account: string,
    private readonly presetFor: PresetLookup = defaultPresetFor,
  ) {}

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
    this.accountChanged = true;
    const records = (section.positions ?? {}) as Record<string, QifiPosition>;
    if (!patch) {
      for (const key of [...this.positions.keys(), ...this.unmarkable.keys()])
        if (!(key in records)) this.changedRecords.add(key);
      this.positions.clear();
      this.unmarkable.clear();
      for (const [key, record] of Object.entries(records)) this.restore(key, record);
      return;
    }
    const touched = patch.positions as Record<string, JsonObject | null> | undefined;
    if (!touched || typeof touched !== 'object') return;
    for (const [key, change] of Object.entries(touched)) {
      const record = records[key];
      if (change === null || !record) {
        this.positions.delete(key);
        this.unmarkable.delete(key);
        this.changedRecords.add(key);
        continue;
      }
      const marksOnly =
        this.positions.has(key) && Object.keys(change).every((field) => MARK_FIELDS.has(field));
      if (!marksOnly) this.restore(key, record);
    }
  }

  /** A live last price of `key` (`EXCHANGE.code`); true when it holds that position. */
  mark(key: string, price: number): boolean {
    const position = this.positions.get(key);
    if (!position || !(price > 0) || !Number.isFinite(price)) return false;
    this.live.set(key, price);
    if (position.lastPrice === price) return true;
    position.lastPrice = price;
    this.changedMarks.add(key);
    this.accountChanged = true;
    return true;
  }

  /** The instruments (`EXCHANGE.code`) this account holds or held today. */
  instruments(): string[] {
    return [...this.positions.keys()];
  }

  /** The account record at the current marks, with the monitor's figures. */
  figures(): MonitoredAccountFields {
    const fields =
      this.unmarkable.size > 0 && this.serverAccount
        ? { ...this.serverAccount }
        : accountFields(this.account, this.base, this.positions.values());
    if (this.peakDay !== this.tradingDay) {
      this.peakDay = this.tradingDay;
      this.peak = -Infinity;
    }
    this.peak = Math.max(this.peak, fields.balance);
    const drawdown = roundMoney(this.peak - fields.balance);
    let securities = 0;
    let options = 0;
    for (const position of this.positions.values()) {
      if (!position.isStock && !isOption(position.exchangeId, position.instrumentId)) continue;
      const value = positionValue(position);
      securities += value;
      if (isOption(position.exchangeId, position.instrumentId)) options += value;
    }
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
    for (const [key, position] of this.positions) out[key] = this.record(position);
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
    };
  }

  /** What changed since the last patch or state (a merge patch of the room), or undefined. */
  takePatch(): JsonObject | undefined {
    if (!this.accountChanged && this.changedRecords.size === 0 && this.changedMarks.size === 0)
      return undefined;
    const positions: Record<string, MonitoredPosition | PositionMarkPatch | null> = {};
    for (const key of this.changedRecords) {
      const position = this.positions.get(key);
      const passed = this.unmarkable.get(key);
      positions[key] = position
        ? this.record(position)
        : passed
          ? { ...passed, market_value: 0 }
          : null;
    }
    for (const key of this.changedMarks) {
      if (key in positions) continue;
      const position = this.positions.get(key);
      if (position)
        positions[key] = { ...positionMarks(position), market_value: positionValue(position) };
    }
    this.changedRecords.clear();
    this.changedMarks.clear();
    this.accountChanged = false;
    const patch: JsonObject = {
      trading_day: this.tradingDay,
      accounts: this.figures(),
    };
    if (Object.keys(positions).length > 0) patch.positions = positions;
    return patch;
  }

  private record(position: PositionState): MonitoredPosition {
    return {
      ...toQifiPosition(position, this.account),
      market_value: positionValue(position),
    };
  }

  private restore(key: string, record: QifiPosition): void {
    this.changedRecords.add(key);
    const preset = this.presetFor(record.exchange_id, record.instrument_id);
    if (!preset) {
      this.positions.delete(key);
      this.unmarkable.set(key, record);
      return;
    }
    const position = restorePosition(record, preset);
    const live = this.live.get(key);
    if (live !== undefined) position.lastPrice = live;
    // A rebuilt position keeps its place (the account's order: totals are summed in it).
    this.positions.set(key, position);
  }
}
