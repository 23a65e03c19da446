import { AccountTradingState, RiskLimits } from './risk-limits';

export type OrderDirection = 'BUY' | 'SELL';
export type OrderOffset = 'OPEN' | 'CLOSE' | 'CLOSETODAY' | 'CLOSEYESTERDAY';

/** The order as the client sent it (DIFF `insert_order` fields). */
export interface RiskOrder {
  order_id: string;
  exchange_id: string;
  instrument_id: string;
  direction: OrderDirection;
  offset: OrderOffset;
  volume: number;
  price_type: 'LIMIT' | 'MARKET' | 'ANY';
  limit_price?: number;
}

/** What the broker knows about the instrument at the time of the order. */
export interface InstrumentFacts {
  /** The contract is listed (preset and quote known). */
  exists: boolean;
  /** Its session is open now. */
  trading: boolean;
  priceTick: number;
  volumeMultiple: number;
  upperLimit?: number;
  lowerLimit?: number;
  /** Price used for a MARKET order's notional and funds (the opposite best). */
  referencePrice?: number;
  /**
   * The board lot of a buy (A-shares: multiples of 100 shares; STAR market: at least 200, then
   * any number). Sells are not held to it: an odd remainder may be sold.
   */
  buyLot?: { minimum: number; step: number };
}

/** A resting order of the same account (for self-trade prevention and position limits). */
export interface RestingOrder {
  order_id: string;
  exchange_id: string;
  instrument_id: string;
  direction: OrderDirection;
  offset: OrderOffset;
  price_type: 'LIMIT' | 'MARKET' | 'ANY';
  limit_price: number;
  volume_left: number;
}

/** Open position volumes of one instrument, lots. */
export interface PositionVolumes {
  long: number;
  short: number;
}

/** The account as the account engine sees it. */
export interface AccountFacts {
  state: AccountTradingState;
  hasOrder(orderId: string): boolean;
  /** Open positions by `EXCHANGE.code`. */
  positions: ReadonlyMap<string, PositionVolumes>;
  openOrders: readonly RestingOrder[];
  /** Lots the order may close under its offset (today/yesterday rules of the exchange), net of frozen. */
  closable(order: RiskOrder): number;
  /** Money the order needs now (margin + commission, or the stock amount) and what is available. */
  funds(order: RiskOrder, price: number): { required: number; available: number };
}

export type RiskRule =
  | 'ACCOUNT_HALTED'
  | 'ACCOUNT_REDUCING'
  | 'DUPLICATE_ORDER_ID'
  | 'INVALID_ORDER'
  | 'INSTRUMENT_NOT_FOUND'
  | 'NOT_TRADING'
  | 'PRICE_TICK'
  | 'PRICE_LIMIT'
  | 'ORDER_VOLUME'
  | 'ORDER_NOTIONAL'
  | 'POSITION_LIMIT'
  | 'SELF_TRADE'
  | 'INSUFFICIENT_FUNDS'
  | 'INSUFFICIENT_POSITION'
  | 'ORDER_RATE'
  | 'CANCEL_RATE'
  | 'DAILY_ORDER_CAP'
  | 'DAILY_CANCEL_CAP';

/** Numeric codes: the prior art's where it has one (QAEX 1001–1008), 1009+ for the rest. */
export const RISK_RULE_CODES: Readonly<Record<RiskRule, number>> = {
  INSUFFICIENT_FUNDS: 1001,
  POSITION_LIMIT: 1002,
  ORDER_VOLUME: 1003,
  ORDER_NOTIONAL: 1003,
  SELF_TRADE: 1005,
  INSTRUMENT_NOT_FOUND: 1007,
  INVALID_ORDER: 1008,
  ACCOUNT_HALTED: 1009,
  ACCOUNT_REDUCING: 1010,
  DUPLICATE_ORDER_ID: 1011,
  NOT_TRADING: 1012,
  PRICE_TICK: 1013,
  PRICE_LIMIT: 1014,
  INSUFFICIENT_POSITION: 1015,
  ORDER_RATE: 1016,
  CANCEL_RATE: 1017,
  DAILY_ORDER_CAP: 1018,
  DAILY_CANCEL_CAP: 1019,
};

export interface RiskRejection {
  rule: RiskRule;
  code: number;
  message: string;
}

export type RiskVerdict = { ok: true } | ({ ok: false } & RiskRejection);

const refuse = (rule: RiskRule, message: string): RiskVerdict => ({
  ok: false,
  rule,
  code: RISK_RULE_CODES[rule],
  message,
});

const MAX_ORDER_ID_BYTES = 128;
const utf8 = new TextEncoder();
/** Tolerance for "on the tick grid" (prices arrive as binary doubles). */
const GRID_EPSILON = 1e-6;

export const isClosing = (offset: OrderOffset) => offset !== 'OPEN';

/** True when a BUY at `buy` and a SELL at `sell` would trade (a MARKET side crosses anything). */
function crosses(buy: RestingOrder | RiskOrder, sell: RestingOrder | RiskOrder): boolean {
  if (buy.price_type !== 'LIMIT' || sell.price_type !== 'LIMIT') return true;
  return (buy.limit_price ?? 0) >= (sell.limit_price ?? Infinity);
}

/**
 * The pre-trade check of one new order, rules in order: account state, order id, parameters,
 * instrument, price grid and limits, volume, notional, position limits, self-trade, funds,
 * closable volume. Rate limits are checked separately (`OrderRateLimiter`), since they need a clock.
 * Pure: the same inputs give the same verdict.
 */
export function checkOrder(
  order: RiskOrder,
  instrument: InstrumentFacts,
  account: AccountFacts,
  limits: RiskLimits,
): RiskVerdict {
  const key = `${order.exchange_id}.${order.instrument_id}`;
  if (account.state === 'HALTED')
    return refuse('ACCOUNT_HALTED', 'the account is halted: no new orders (kill switch)');
  if (account.state === 'REDUCING' && !isClosing(order.offset))
    return refuse(
      'ACCOUNT_REDUCING',
      'the account may only reduce positions: opening orders are refused',
    );
  if (!order.order_id || utf8.encode(order.order_id).length > MAX_ORDER_ID_BYTES)
    return refuse('INVALID_ORDER', `order_id must be 1–${MAX_ORDER_ID_BYTES} bytes`);
  if (account.hasOrder(order.order_id))
    return refuse('DUPLICATE_ORDER_ID', `order_id ${order.order_id} was already used`);
  if (!Number.isInteger(order.volume) || order.volume <= 0)
    return refuse('INVALID_ORDER', `volume ${order.volume} must be a positive integer`);
  const limitPrice = order.limit_price;
  if (
    order.price_type === 'LIMIT' &&
    !(typeof limitPrice === 'number' && limitPrice > 0 && Number.isFinite(limitPrice))
  )
    return refuse('INVALID_ORDER', `limit_price ${String(limitPrice)} must be a positive number`);
  if (!instrument.exists) return refuse('INSTRUMENT_NOT_FOUND', `instrument ${key} is not listed`);
  if (!instrument.trading) return refuse('NOT_TRADING', `${key} is not in a trading session`);
  if (order.price_type === 'LIMIT' && limitPrice !== undefined) {
    const steps = limitPrice / instrument.priceTick;
    if (Math.abs(steps - Math.round(steps)) > GRID_EPSILON)
      return refuse(
        'PRICE_TICK',
        `limit_price ${limitPrice} is not a multiple of the tick ${instrument.priceTick}`,
      );
    if (instrument.upperLimit !== undefined && limitPrice > instrument.upperLimit + GRID_EPSILON)
      return refuse(
        'PRICE_LIMIT',
        `limit_price ${limitPrice} is above the limit-up ${instrument.upperLimit}`,
      );
    if (instrument.lowerLimit !== undefined && limitPrice < instrument.lowerLimit - GRID_EPSILON)
      return refuse(
        'PRICE_LIMIT',
        `limit_price ${limitPrice} is below the limit-down ${instrument.lowerLimit}`,
      );
  }
  if (order.volume < limits.minOrderVolume || order.volume > limits.maxOrderVolume)
    return refuse(
      'ORDER_VOLUME',
      `volume ${order.volume} is outside ${limits.minOrderVolume}–${limits.maxOrderVolume}`,
    );
  const lot = instrument.buyLot;
  if (
    lot &&
    order.direction === 'BUY' &&
    (order.volume < lot.minimum || (order.volume - lot.minimum) % lot.step !== 0)
  )
    return refuse(
      'ORDER_VOLUME',
      lot.step === lot.minimum
        ? `a buy of ${key} must be a multiple of ${lot.step} shares (board lot), not ${order.volume}`
        : `a buy of ${key} must be at least ${lot.minimum} shares, not ${order.volume}`,
    );
  const price = order.price_type === 'LIMIT' ? (limitPrice as number) : instrument.referencePrice;
  if (price === undefined || !(price > 0))
    return refuse('INVALID_ORDER', `no price for a ${order.price_type} order on ${key} (no quote)`);
  const notional = price * order.volume * instrument.volumeMultiple;
  if (notional > limits.maxNotional)
    return refuse(
      'ORDER_NOTIONAL',
      `notional ${notional.toFixed(2)} exceeds ${limits.maxNotional}`,
    );

  const sideOf = (direction: OrderDirection): keyof PositionVolumes =>
    direction === 'BUY' ? 'long' : 'short';
  if (!isClosing(order.offset)) {
    const side = sideOf(order.direction);
    const pendingOpen = (filter: (resting: RestingOrder) => boolean) =>
      account.openOrders
        .filter((resting) => resting.offset === 'OPEN' && filter(resting))
        .reduce((sum, resting) => sum + resting.volume_left, 0);
    const held = account.positions.get(key)?.[side] ?? 0;
    const instrumentTotal =
      held +
      pendingOpen(
        (r) => `${r.exchange_id}.${r.instrument_id}` === key && sideOf(r.direction) === side,
      ) +
      order.volume;
    if (instrumentTotal > limits.maxPositionPerInstrument)
      return refuse(
        'POSITION_LIMIT',
        `${side} position in ${key} would reach ${instrumentTotal} lots (limit ${limits.maxPositionPerInstrument})`,
      );
    let accountTotal = pendingOpen(() => true) + order.volume;
    for (const volumes of account.positions.values()) accountTotal += volumes.long + volumes.short;
    if (accountTotal > limits.maxPositionPerAccount)
      return refuse(
        'POSITION_LIMIT',
        `open positions would reach ${accountTotal} lots (account limit ${limits.maxPositionPerAccount})`,
      );
  }
  if (limits.selfTradePrevention) {
    const own = account.openOrders.find(
      (resting) =>
        resting.exchange_id === order.exchange_id &&
        resting.instrument_id === order.instrument_id &&
        resting.direction !== order.direction &&
        resting.volume_left > 0 &&
        (order.direction === 'BUY' ? crosses(order, resting) : crosses(resting, order)),
    );
    if (own)
      return refuse(
        'SELF_TRADE',
        `the order would trade against the account's own order ${own.order_id}`,
      );
  }
  if (isClosing(order.offset)) {
    const closable = account.closable(order);
    if (order.volume > closable) {
      const shares = ['SSE', 'SZSE', 'BSE'].includes(order.exchange_id.toUpperCase());
      return refuse(
        'INSUFFICIENT_POSITION',
        shares
          ? `${order.volume} shares of ${key} to sell but only ${closable} can be sold (T+1: shares bought today can be sold from the next trading day)`
          : `${order.offset} ${order.volume} lots of ${key} but only ${closable} can be closed`,
      );
    }
  }
  const funds = account.funds(order, price);
  if (funds.required > funds.available + 1e-9)
    return refuse(
      'INSUFFICIENT_FUNDS',
      `the order needs ${funds.required.toFixed(2)} but ${funds.available.toFixed(2)} is available`,
    );
  return { ok: true };
}
