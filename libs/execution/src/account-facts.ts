import {
  closeLotsFor,
  commissionOf,
  defaultPresetFor,
  FuturesPreset,
  marginOf,
  OrderRequest,
  Qifi,
  QifiOrder,
} from '@qautlra/qifi';
import {
  AccountFacts,
  AccountTradingState,
  OrderOffset,
  PositionVolumes,
  RestingOrder,
  RiskOrder,
} from '@qautlra/risk';

const OFFSETS: readonly OrderOffset[] = ['OPEN', 'CLOSE', 'CLOSETODAY', 'CLOSEYESTERDAY'];

type NeedsRequest = Pick<
  OrderRequest,
  'exchange_id' | 'instrument_id' | 'direction' | 'offset' | 'volume'
>;

/**
 * What the risk rules read of an account. The QIFI account engine (`QifiAccount`) is one; a QIFI
 * document (as a client such as the trader receives it) is another, through `documentView`.
 */
export interface AccountView {
  hasOrder(orderId: string): boolean;
  /** Held lots per `EXCHANGE.code`, flat positions left out. */
  positionVolumes(): Map<string, { long: number; short: number }>;
  /** The orders still alive, oldest first. */
  aliveOrders(): QifiOrder[];
  /**
   * Lots `request` may close under its offset (0 for opening orders), money an opening order would
   * freeze at `price`, and the available money; undefined when the instrument has no preset.
   */
  orderNeeds(
    request: NeedsRequest,
    price: number,
  ): { closable: number; required: number; available: number } | undefined;
}

/** An order sent and not yet shown by its account: it holds funds and positions as it will. */
export interface PendingOrder {
  order_id?: string;
  exchange_id: string;
  instrument_id: string;
  direction: 'BUY' | 'SELL';
  offset: string;
  volume: number;
  price_type?: string;
  limit_price?: number;
}

const restingOf = (order: QifiOrder | PendingOrder, volumeLeft: number): RestingOrder => ({
  order_id: order.order_id ?? '',
  exchange_id: order.exchange_id,
  instrument_id: order.instrument_id,
  direction: order.direction === 'SELL' ? 'SELL' : 'BUY',
  offset: OFFSETS.find((offset) => offset === order.offset) ?? 'OPEN',
  price_type: order.price_type === 'LIMIT' ? 'LIMIT' : 'MARKET',
  limit_price: order.limit_price ?? 0,
  volume_left: volumeLeft,
});

const offsetOf = (offset: string): OrderOffset => OFFSETS.find((o) => o === offset) ?? 'OPEN';

/**
 * The one QIFI → risk-facts adapter: the risk rules' view of an account (positions, live orders,
 * closable lots, funds) from its account engine or its QIFI document, plus the orders sent and not
 * yet shown (`pending`: counted as alive, holding their lots and money). The trade server passes
 * its engine and no pending orders; the trader passes the document it mirrors and what it sent.
 */
export function accountFacts(
  view: AccountView,
  state: AccountTradingState,
  pending: readonly PendingOrder[] = [],
): AccountFacts {
  const positions: Map<string, PositionVolumes> = view.positionVolumes();
  const openOrders: RestingOrder[] = [
    ...view.aliveOrders().map((order) => restingOf(order, order.volume_left)),
    ...pending.map((order) => restingOf(order, order.volume)),
  ];
  const needs = (order: PendingOrder, price: number) =>
    view.orderNeeds(
      {
        exchange_id: order.exchange_id,
        instrument_id: order.instrument_id,
        direction: order.direction,
        offset: offsetOf(order.offset),
        volume: order.volume,
      },
      price,
    );
  const pendingFunds = pending.reduce(
    (sum, order) =>
      sum + (order.offset === 'OPEN' ? (needs(order, order.limit_price ?? 0)?.required ?? 0) : 0),
    0,
  );
  return {
    state,
    hasOrder: (orderId) =>
      view.hasOrder(orderId) || pending.some((order) => order.order_id === orderId),
    positions,
    openOrders,
    closable: (order) => {
      const free = view.orderNeeds(order, order.limit_price ?? 0)?.closable ?? 0;
      const sent = pending.reduce(
        (sum, other) =>
          sum +
          (other.offset !== 'OPEN' &&
          other.exchange_id === order.exchange_id &&
          other.instrument_id === order.instrument_id &&
          other.direction === order.direction
            ? other.volume
            : 0),
        0,
      );
      return Math.max(0, free - sent);
    },
    funds: (order: RiskOrder, price: number) => {
      const found = view.orderNeeds(order, price);
      return found
        ? { required: found.required, available: found.available - pendingFunds }
        : { required: Infinity, available: 0 };
    },
  };
}

/**
 * A QIFI document as an account view: its positions' lots (net of frozen) under the exchange's
 * today/yesterday rule and its `available`, with the engine's margin and commission formulas.
 */
export function documentView(
  document: Qifi,
  alive: readonly QifiOrder[],
  presetFor: (exchange: string, instrument: string) => FuturesPreset | undefined = defaultPresetFor,
): AccountView {
  return {
    hasOrder: (orderId) => Object.hasOwn(document.orders, orderId),
    positionVolumes: () => {
      const out = new Map<string, { long: number; short: number }>();
      for (const [key, position] of Object.entries(document.positions)) {
        const long = position.volume_long ?? 0;
        const short = position.volume_short ?? 0;
        if (long > 0 || short > 0) out.set(key, { long, short });
      }
      return out;
    },
    aliveOrders: () => alive.map((order) => ({ ...order })),
    orderNeeds: (request, price) => {
      const preset = presetFor(request.exchange_id, request.instrument_id);
      if (!preset) return undefined;
      const available = document.accounts.available;
      const opening = request.offset === 'OPEN';
      const side: 'long' | 'short' = (request.direction === 'BUY') === opening ? 'long' : 'short';
      if (opening)
        return {
          closable: 0,
          required:
            marginOf(preset, side, price, request.volume) +
            commissionOf(preset, price, request.volume, false),
          available,
        };
      const position = document.positions[`${request.exchange_id}.${request.instrument_id}`];
      if (!position) return { closable: 0, required: 0, available };
      const his =
        side === 'long'
          ? position.volume_long_his - position.volume_long_frozen_his
          : position.volume_short_his - position.volume_short_frozen_his;
      const today =
        side === 'long'
          ? position.volume_long_today - position.volume_long_frozen_today
          : position.volume_short_today - position.volume_short_frozen_today;
      const lots = closeLotsFor(request.offset, request.exchange_id);
      const closable = lots === 'his' ? his : lots === 'today' ? today : his + today;
      return { closable, required: 0, available };
    },
  };
}
