import type { Qifi, QifiAccountFields, QifiOrder, QifiPosition, QifiTrade } from '@qautlra/qifi';

/** Bar periods a strategy can ask for. */
export const BAR_FREQUENCIES = ['1m', '5m', '15m', '30m', '1h', '1d'] as const;
export type BarFrequency = (typeof BAR_FREQUENCIES)[number];

/** A finished bar of one instrument (`EXCHANGE.code`). Times are epoch ms. */
export interface MarketBar {
  instrument: string;
  frequency: BarFrequency;
  /** When the bar's period starts. */
  startMs: number;
  /** When the bar's period ends (its last tick is before this). */
  endMs: number;
  /** Trading day (`YYYYMMDD`; a night-session bar belongs to the next trading day). */
  tradingDay: string;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Lots (futures) or shares traded in the bar. */
  volume: number;
  amount?: number;
  openInterest?: number;
  upperLimit?: number;
  lowerLimit?: number;
}

/** A tick: the top of the book and the last trade of one instrument. */
export interface MarketTick {
  instrument: string;
  datetimeMs: number;
  tradingDay: string;
  lastPrice: number;
  bidPrice: number;
  bidVolume: number;
  askPrice: number;
  askVolume: number;
  /** The day's cumulative volume. */
  volume: number;
  upperLimit?: number;
  lowerLimit?: number;
}

/** A declared strategy parameter: its default, and for numbers the range a sweep may take. */
export interface ParameterSpec {
  default: number | string | boolean;
  min?: number;
  max?: number;
  step?: number;
  description?: string;
}

export type ParameterValues = Record<string, number | string | boolean>;

/** Options of an order: a limit price (none: a market order) and the account (several accounts). */
export interface OrderOptions {
  price?: number;
  account?: string;
  /** `GFD` (default) rests until filled or the day ends; `IOC` cancels what does not fill at once. */
  timeCondition?: 'GFD' | 'IOC';
}

/** A position as a strategy reads it: lots per side, split today / yesterday, and its net. */
export interface PositionView {
  instrument: string;
  long: number;
  short: number;
  longToday: number;
  longYesterday: number;
  shortToday: number;
  shortYesterday: number;
  /** long − short. */
  net: number;
  /** Last mark price (0 before any). */
  lastPrice: number;
}

/** An instrument's contract terms, as a strategy sizes orders with them. */
export interface ContractView {
  instrument: string;
  priceTick: number;
  /** Units per lot (futures' contract multiplier; 1 for shares). */
  volumeMultiple: number;
  /** A-shares: buys in board lots (`minimum`, then `step`); none for futures. */
  buyLot?: { minimum: number; step: number };
  /** Margin ratio of a long position (1 for shares: paid in full). */
  marginRatio: number;
}

/**
 * What a strategy can do and see — the same in a backtest, on paper and live, so a strategy never
 * touches the engine that runs it. Order methods return the order ids they sent (several when a
 * close is split into today / yesterday lots; none when there was nothing to send).
 * QUANTAXIS names: `buy` = BUY OPEN, `sell` = SELL CLOSE (split as the exchange needs), `buyOpen`,
 * `sellOpen`, `buyClose`, `sellClose`, `buyCloseToday`, `sellCloseToday`.
 */
export interface StrategyContext<P extends ParameterValues = ParameterValues> {
  readonly params: Readonly<P>;
  /** Accounts the strategy trades (the first is the default). */
  readonly accounts: readonly string[];
  /** Epoch ms now (the replayed clock in a backtest). */
  now(): number;
  tradingDay(): string;
  /** The account's money: balance, available, margin, … (QIFI `accounts`). */
  account(account?: string): QifiAccountFields;
  /** The whole QIFI document of the account. */
  qifi(account?: string): Qifi;
  position(instrument: string, account?: string): PositionView;
  /** Orders still alive. */
  orders(account?: string): QifiOrder[];
  buy(instrument: string, volume: number, options?: OrderOptions): string[];
  sell(instrument: string, volume: number, options?: OrderOptions): string[];
  buyOpen(instrument: string, volume: number, options?: OrderOptions): string[];
  sellOpen(instrument: string, volume: number, options?: OrderOptions): string[];
  buyClose(instrument: string, volume: number, options?: OrderOptions): string[];
  sellClose(instrument: string, volume: number, options?: OrderOptions): string[];
  buyCloseToday(instrument: string, volume: number, options?: OrderOptions): string[];
  sellCloseToday(instrument: string, volume: number, options?: OrderOptions): string[];
  /**
   * Trades toward a net position (long > 0, short < 0): cancels this instrument's live orders, then
   * closes the opposite side and opens the rest.
   */
  targetPosition(instrument: string, net: number, options?: OrderOptions): string[];
  cancel(orderId: string, account?: string): void;
  /** Cancels every live order (of one instrument when given). */
  cancelAll(instrument?: string, account?: string): void;
  /** Contract terms of an instrument (undefined when the presets do not know it). */
  contract(instrument: string): ContractView | undefined;
  /** The last `count` finished bars of an instrument (oldest first), as delivered so far. */
  bars(instrument: string, count?: number): readonly MarketBar[];
  log(message: string): void;
}

/**
 * A strategy: any of the callbacks, each given the context. `onBar` gets finished bars, `onTick`
 * ticks (tick runs), `onOrder` and `onTrade` the strategy's own orders and fills, `onDay` the
 * settlement of a trading day.
 */
export interface Strategy<P extends ParameterValues = ParameterValues> {
  onStart?(context: StrategyContext<P>): void;
  onBar?(bar: MarketBar, context: StrategyContext<P>): void;
  onTick?(tick: MarketTick, context: StrategyContext<P>): void;
  onOrder?(order: QifiOrder, context: StrategyContext<P>): void;
  onTrade?(trade: QifiTrade, context: StrategyContext<P>): void;
  onDay?(tradingDay: string, context: StrategyContext<P>): void;
  onEnd?(context: StrategyContext<P>): void;
}

/** A strategy as a file exports it (default export): its name, parameters and a factory. */
export interface StrategyDefinition<P extends ParameterValues = ParameterValues> {
  name: string;
  description?: string;
  parameters: Record<keyof P & string, ParameterSpec>;
  create(params: P): Strategy<P>;
}

/** Identity helper that types a strategy definition. */
export function defineStrategy<P extends ParameterValues>(
  definition: StrategyDefinition<P>,
): StrategyDefinition<P> {
  return definition;
}

/**
 * The parameters of a run: the definition's defaults overridden by `given`, each checked against
 * its declared type and range. Unknown names are refused.
 */
export function resolveParameters<P extends ParameterValues>(
  definition: StrategyDefinition<P>,
  given: Record<string, unknown> = {},
): P {
  const out: ParameterValues = {};
  for (const name of Object.keys(given))
    if (!Object.hasOwn(definition.parameters, name))
      throw new RangeError(`${definition.name} has no parameter ${name}`);
  for (const [name, spec] of Object.entries<ParameterSpec>(definition.parameters)) {
    const raw = Object.hasOwn(given, name) ? given[name] : spec.default;
    out[name] = parameterValue(name, spec, raw);
  }
  return out as P;
}

function parameterValue(
  name: string,
  spec: ParameterSpec,
  raw: unknown,
): number | string | boolean {
  if (typeof spec.default === 'number') {
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new RangeError(`parameter ${name} must be a number, got ${String(raw)}`);
    if (spec.min !== undefined && value < spec.min)
      throw new RangeError(`parameter ${name} must be ≥ ${spec.min}, got ${value}`);
    if (spec.max !== undefined && value > spec.max)
      throw new RangeError(`parameter ${name} must be ≤ ${spec.max}, got ${value}`);
    return value;
  }
  if (typeof spec.default === 'boolean') {
    if (raw === 'true' || raw === true) return true;
    if (raw === 'false' || raw === false) return false;
    throw new RangeError(`parameter ${name} must be true or false, got ${String(raw)}`);
  }
  if (typeof raw !== 'string') throw new RangeError(`parameter ${name} must be a string`);
  return raw;
}

/** A QIFI position as a strategy reads it (all zero when there is none). */
export function positionView(instrument: string, position: QifiPosition | undefined): PositionView {
  const longToday = position?.volume_long_today ?? 0;
  const longYesterday = position?.volume_long_his ?? 0;
  const shortToday = position?.volume_short_today ?? 0;
  const shortYesterday = position?.volume_short_his ?? 0;
  const long = longToday + longYesterday;
  const short = shortToday + shortYesterday;
  return {
    instrument,
    long,
    short,
    longToday,
    longYesterday,
    shortToday,
    shortYesterday,
    net: long - short,
    lastPrice: position?.last_price ?? 0,
  };
}
