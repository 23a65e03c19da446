import { CancelOrder, InsertOrder, NotifyEntry } from '@qautlra/diff';
import { buyLotOf, FuturesPreset, OrderRequest, QifiOrder } from '@qautlra/qifi';
import {
  AccountTradingState,
  checkOrder,
  InstrumentFacts,
  OrderRateLimiter,
  RiskLimits,
  RISK_RULE_CODES,
  RiskOrder,
} from '@qautlra/risk';
import { SimMatcher } from './sim-matcher';
import { accountFacts } from './account-facts';

export interface OrderDeskOptions {
  matcher: SimMatcher;
  now: () => number;
  isTrading: (instrument: string, epochMs: number) => boolean;
  presetFor: (exchange: string, instrument: string) => FuturesPreset | undefined;
  limitsFor: (accountCookie: string) => RiskLimits;
  stateOf: (accountCookie: string) => AccountTradingState;
}

export interface DeskResult {
  order?: QifiOrder;
  notify?: NotifyEntry;
}

/** Notify codes of the account engine's own refusals (the risk rules' numbering). */
const ENGINE_CODES: Readonly<Record<string, number>> = {
  INSUFFICIENT_FUNDS: RISK_RULE_CODES.INSUFFICIENT_FUNDS,
  INSUFFICIENT_POSITION: RISK_RULE_CODES.INSUFFICIENT_POSITION,
  T_PLUS_ONE: RISK_RULE_CODES.INSUFFICIENT_POSITION,
  UNKNOWN_INSTRUMENT: RISK_RULE_CODES.INSTRUMENT_NOT_FOUND,
  DUPLICATE_ORDER_ID: RISK_RULE_CODES.DUPLICATE_ORDER_ID,
};

const warning = (code: number, content: string): NotifyEntry => ({
  type: 'MESSAGE',
  level: 'WARNING',
  code,
  content,
});

/**
 * Where an order enters: pre-trade risk (the rules of `libs/risk` on the account engine's facts,
 * then the order/cancel rate limits), then the broker. A refused order is recorded `FINISHED` with
 * the rule and reason in `last_msg` and answered with a notify; nothing reaches the broker.
 */
export class OrderDesk {
  private readonly limiters = new Map<string, OrderRateLimiter>();

  constructor(private readonly options: OrderDeskOptions) {}

  insert(accountCookie: string, message: InsertOrder): DeskResult {
    const context = this.context(accountCookie);
    if (!context)
      return { notify: warning(1006, `下单失败: account ${accountCookie} is not yours`) };
    const { account, at, limits, tradingDay, limiter } = context;
    const instrument = this.instrumentFacts(
      message.exchange_id,
      message.instrument_id,
      message.direction,
      at,
    );
    const order: RiskOrder = {
      order_id: message.order_id ?? '',
      exchange_id: message.exchange_id,
      instrument_id: message.instrument_id,
      direction: message.direction,
      offset: message.offset,
      volume: message.volume,
      price_type: message.price_type,
      limit_price: message.limit_price,
    };
    let verdict = checkOrder(
      order,
      instrument,
      accountFacts(account, this.options.stateOf(accountCookie)),
      limits,
    );
    if (verdict.ok) verdict = limiter.check('order', at, tradingDay, limits);
    const request: OrderRequest = {
      order_id: message.order_id,
      exchange_id: message.exchange_id,
      instrument_id: message.instrument_id,
      direction: message.direction,
      offset: message.offset,
      volume: message.volume,
      limit_price:
        message.price_type === 'LIMIT'
          ? (message.limit_price ?? 0)
          : (instrument.referencePrice ?? 0),
      price_type: message.price_type,
      time_condition: message.time_condition,
      volume_condition: message.volume_condition,
    };
    if (!verdict.ok) {
      const reason = `${verdict.rule}: ${verdict.message}`;
      const recorded =
        verdict.rule === 'DUPLICATE_ORDER_ID' || verdict.rule === 'INVALID_ORDER'
          ? undefined
          : account.recordRefusedOrder(request, reason, at);
      return { order: recorded, notify: warning(verdict.code, `下单失败: ${reason}`) };
    }
    limiter.record('order', at, tradingDay);
    const outcome = this.options.matcher.insert(accountCookie, request);
    if (!outcome.ok)
      return {
        order: account.order(request.order_id ?? ''),
        notify: warning(
          ENGINE_CODES[outcome.rejection.code] ?? 1008,
          `下单失败: ${outcome.rejection.code}: ${outcome.rejection.message}`,
        ),
      };
    return { order: outcome.value };
  }

  cancel(accountCookie: string, message: CancelOrder): DeskResult {
    const context = this.context(accountCookie);
    if (!context)
      return { notify: warning(1006, `撤单失败: account ${accountCookie} is not yours`) };
    const { at, limits, tradingDay, limiter } = context;
    const verdict = limiter.check('cancel', at, tradingDay, limits);
    if (!verdict.ok)
      return { notify: warning(verdict.code, `撤单失败: ${verdict.rule}: ${verdict.message}`) };
    const outcome = this.options.matcher.cancel(accountCookie, message.order_id);
    if (!outcome.ok) return { notify: warning(1008, `撤单失败: ${outcome.rejection.message}`) };
    limiter.record('cancel', at, tradingDay);
    return { order: outcome.value };
  }

  /** What an order or a cancel of one account is checked with, or undefined for an unknown account. */
  private context(accountCookie: string) {
    const account = this.options.matcher.account(accountCookie);
    if (!account) return undefined;
    let limiter = this.limiters.get(accountCookie);
    if (!limiter) this.limiters.set(accountCookie, (limiter = new OrderRateLimiter()));
    return {
      account,
      at: this.options.now(),
      limits: this.options.limitsFor(accountCookie),
      tradingDay: account.getTradingDay(),
      limiter,
    };
  }

  private instrumentFacts(
    exchange: string,
    code: string,
    direction: 'BUY' | 'SELL',
    at: number,
  ): InstrumentFacts {
    const key = `${exchange}.${code}`;
    const preset = this.options.presetFor(exchange, code);
    const book = this.options.matcher.book(key);
    const opposite = book ? (direction === 'BUY' ? book.askPrice : book.bidPrice) : undefined;
    return {
      exists: preset !== undefined,
      trading: this.options.isTrading(key, at),
      priceTick: preset?.price_tick ?? 0.01,
      volumeMultiple: preset?.unit_table ?? 1,
      upperLimit: book?.upperLimit,
      lowerLimit: book?.lowerLimit,
      referencePrice: opposite !== undefined && opposite > 0 ? opposite : undefined,
      buyLot: buyLotOf(exchange, code),
    };
  }
}
