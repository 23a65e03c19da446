/**
 * Per-account pre-trade limits. Defaults follow the prior art (QAEX `pre_trade_check.rs`: order volume
 * 1–10,000, 10,000,000 notional per order, self-trade prevention on) and exchange practice for rates
 * (CFFEX and the commodity exchanges watch order and cancel counts per day).
 */
export interface RiskLimits {
  /** Smallest order, lots (shares for stocks). */
  minOrderVolume: number;
  /** Largest order, lots. */
  maxOrderVolume: number;
  /** Largest open position per instrument and side after the order, lots (pending opens count). */
  maxPositionPerInstrument: number;
  /** Largest total open position across instruments and sides, lots (pending opens count). */
  maxPositionPerAccount: number;
  /** Largest order notional, `price × volume × volume multiple`, CNY. */
  maxNotional: number;
  /** Refuse an order that would cross one of the account's own resting opposite orders. */
  selfTradePrevention: boolean;
  /** New orders per rolling second. */
  maxOrdersPerSecond: number;
  /** Cancels per rolling second. */
  maxCancelsPerSecond: number;
  /** New orders per trading day. */
  maxOrdersPerDay: number;
  /** Cancels per trading day. */
  maxCancelsPerDay: number;
}

export const DEFAULT_RISK_LIMITS: Readonly<RiskLimits> = Object.freeze({
  minOrderVolume: 1,
  maxOrderVolume: 10_000,
  maxPositionPerInstrument: 10_000,
  maxPositionPerAccount: 50_000,
  maxNotional: 10_000_000,
  selfTradePrevention: true,
  maxOrdersPerSecond: 50,
  maxCancelsPerSecond: 50,
  maxOrdersPerDay: 20_000,
  maxCancelsPerDay: 5_000,
});

/** ACTIVE trades normally; REDUCING accepts only orders that reduce a position; HALTED accepts none (kill switch). */
export type AccountTradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';
export const ACCOUNT_TRADING_STATES: readonly AccountTradingState[] = [
  'ACTIVE',
  'REDUCING',
  'HALTED',
];

/** Limits with overrides, every override checked (a bad value names its key). */
export function riskLimits(overrides: Partial<Record<keyof RiskLimits, unknown>> = {}): RiskLimits {
  const limits: RiskLimits = { ...DEFAULT_RISK_LIMITS };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_RISK_LIMITS)) throw new Error(`unknown risk limit ${key}`);
    const name = key as keyof RiskLimits;
    if (name === 'selfTradePrevention') {
      if (typeof value !== 'boolean') throw new Error(`risk limit ${key} must be true or false`);
      limits.selfTradePrevention = value;
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        throw new Error(`risk limit ${key} must be a non-negative number`);
      limits[name] = value;
    }
  }
  return limits;
}
