import { InsertOrder } from '@qautlra/diff';
import {
  closeLotsFor,
  commissionOf,
  defaultPresetFor,
  isStockExchange,
  marginOf,
  Qifi,
  QifiOrder,
} from '@qautlra/qifi';
import {
  AccountFacts,
  InstrumentFacts,
  OrderOffset,
  PositionVolumes,
  RestingOrder,
  RiskOrder,
} from '@qautlra/risk';

const OFFSETS: readonly OrderOffset[] = ['OPEN', 'CLOSE', 'CLOSETODAY', 'CLOSEYESTERDAY'];

/** An order sent to the trade server that it has not shown yet. */
export interface UnconfirmedOrder {
  order: InsertOrder;
}

const restingOf = (order: QifiOrder | InsertOrder, volumeLeft: number): RestingOrder => ({
  order_id: order.order_id ?? '',
  exchange_id: order.exchange_id,
  instrument_id: order.instrument_id,
  direction: order.direction === 'SELL' ? 'SELL' : 'BUY',
  offset: OFFSETS.find((offset) => offset === order.offset) ?? 'OPEN',
  price_type: order.price_type === 'LIMIT' ? 'LIMIT' : 'MARKET',
  limit_price: order.limit_price ?? 0,
  volume_left: volumeLeft,
});

function orderNeeds(
  order: Pick<RiskOrder, 'exchange_id' | 'instrument_id' | 'direction' | 'offset' | 'volume'>,
  price: number,
): number {
  const preset = defaultPresetFor(order.exchange_id, order.instrument_id);
  if (!preset || order.offset !== 'OPEN') return 0;
  const side = order.direction === 'BUY' ? 'long' : 'short';
  return (
    marginOf(preset, side, price, order.volume) + commissionOf(preset, price, order.volume, false)
  );
}

/**
 * The risk rules' view of an account as the trader knows it: its QIFI document from the trade
 * server plus the orders sent and not yet shown (they hold funds and positions as the server will).
 */
export function documentFacts(
  document: Qifi,
  alive: readonly QifiOrder[],
  unconfirmed: readonly UnconfirmedOrder[],
): AccountFacts {
  const positions = new Map<string, PositionVolumes>();
  for (const [key, position] of Object.entries(document.positions))
    positions.set(key, { long: position.volume_long ?? 0, short: position.volume_short ?? 0 });
  const openOrders: RestingOrder[] = [
    ...alive.map((order) => restingOf(order, order.volume_left)),
    ...unconfirmed.map(({ order }) => restingOf(order, order.volume)),
  ];
  const pendingFunds = unconfirmed.reduce(
    (sum, { order }) => sum + orderNeeds(order, order.limit_price ?? 0),
    0,
  );
  return {
    state: 'ACTIVE',
    hasOrder: (orderId) =>
      Object.hasOwn(document.orders, orderId) ||
      unconfirmed.some(({ order }) => order.order_id === orderId),
    positions,
    openOrders,
    closable: (order) => {
      const position = document.positions[`${order.exchange_id}.${order.instrument_id}`];
      if (!position) return 0;
      const long = order.direction === 'SELL';
      const his = long
        ? position.volume_long_his - position.volume_long_frozen_his
        : position.volume_short_his - position.volume_short_frozen_his;
      const today = long
        ? position.volume_long_today - position.volume_long_frozen_today
        : position.volume_short_today - position.volume_short_frozen_today;
      const closingSide = (pending: InsertOrder) =>
        pending.offset !== 'OPEN' &&
        pending.exchange_id === order.exchange_id &&
        pending.instrument_id === order.instrument_id &&
        pending.direction === order.direction;
      const sent = unconfirmed.reduce(
        (sum, { order: pending }) => sum + (closingSide(pending) ? pending.volume : 0),
        0,
      );
      const lots = closeLotsFor(order.offset, order.exchange_id);
      const free = lots === 'his' ? his : lots === 'today' ? today : his + today;
      return Math.max(0, free - sent);
    },
    funds: (order, price) => ({
      required: orderNeeds(order, price),
      available: document.accounts.available - pendingFunds,
    }),
  };
}

/**
 * What the trader knows of an instrument: the contract presets (tick, multiple). It has no quotes,
 * so price limits and sessions are left to the trade server; a MARKET order is priced at the last
 * price the account's position shows, or refused here when there is none.
 */
export function instrumentFacts(
  document: Qifi,
  exchange: string,
  instrument: string,
): InstrumentFacts {
  const preset = defaultPresetFor(exchange, instrument);
  const last = document.positions[`${exchange}.${instrument}`]?.last_price;
  return {
    exists: preset !== undefined || isStockExchange(exchange),
    trading: true,
    priceTick: preset?.price_tick ?? 0.01,
    volumeMultiple: preset?.unit_table ?? 1,
    referencePrice: last !== undefined && last > 0 ? last : undefined,
  };
}
