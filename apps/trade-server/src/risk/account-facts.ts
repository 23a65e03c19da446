import { QifiAccount } from '@qautlra/qifi';
import {
  AccountFacts,
  AccountTradingState,
  OrderOffset,
  PositionVolumes,
  RestingOrder,
} from '@qautlra/risk';

const OFFSETS: readonly OrderOffset[] = ['OPEN', 'CLOSE', 'CLOSETODAY', 'CLOSEYESTERDAY'];

/**
 * The risk rules' view of an account, answered by its QIFI account engine: positions, live
 * orders, closable lots and funds exactly as the engine's own order check computes them.
 */
export function accountFacts(account: QifiAccount, state: AccountTradingState): AccountFacts {
  const qifi = account.toQifi();
  const positions = new Map<string, PositionVolumes>();
  for (const [key, position] of Object.entries(qifi.positions))
    if (position.volume_long > 0 || position.volume_short > 0)
      positions.set(key, { long: position.volume_long, short: position.volume_short });
  const openOrders: RestingOrder[] = Object.values(qifi.orders)
    .filter((order) => order.status === 'ALIVE')
    .map((order) => ({
      order_id: order.order_id,
      exchange_id: order.exchange_id,
      instrument_id: order.instrument_id,
      direction: order.direction === 'SELL' ? 'SELL' : 'BUY',
      offset: OFFSETS.find((offset) => offset === order.offset) ?? 'OPEN',
      price_type: order.price_type === 'LIMIT' ? 'LIMIT' : 'MARKET',
      limit_price: order.limit_price,
      volume_left: order.volume_left,
    }));
  return {
    state,
    hasOrder: (orderId) => orderId in qifi.orders,
    positions,
    openOrders,
    closable: (order) => account.orderNeeds(order, order.limit_price ?? 0)?.closable ?? 0,
    funds: (order, price) => {
      const needs = account.orderNeeds(order, price);
      return needs
        ? { required: needs.required, available: needs.available }
        : { required: Infinity, available: 0 };
    },
  };
}
