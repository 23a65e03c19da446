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
  const positions: Map<string, PositionVolumes> = account.positionVolumes();
  const openOrders: RestingOrder[] = account.aliveOrders().map((order) => ({
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
    hasOrder: (orderId) => account.hasOrder(orderId),
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
