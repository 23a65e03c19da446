import { FuturesPreset } from '@qautlra/qamd';
import { closeLotsFor, commissionOf, isStockExchange, marginOf } from './market-preset';
import { roundMoney } from './money';
import { emptySide, Lot, PositionSide, PositionState } from './position-book';
import { QifiError } from './qifi.error';
import { Qifi, QifiOrder, QifiPosition, QifiTrade, QifiTransfer } from './qifi.types';

/** The engine's bookkeeping of one order (the QIFI order plus what it holds frozen). */
export interface OrderState {
  order: QifiOrder;
  side: 'long' | 'short';
  opening: boolean;
  /** Opening orders: money still frozen. */
  frozenMargin: number;
  frozenCommission: number;
  /** Closing orders: volume still frozen in each bucket (his is consumed first). */
  frozenHis: number;
  frozenToday: number;
  fills: number;
}

/** Bookkeeping for an order with nothing frozen yet; the side follows from direction and offset. */
export function newOrderState(order: QifiOrder, fills = 0): OrderState {
  const opening = order.offset === 'OPEN';
  const side: 'long' | 'short' = (order.direction === 'BUY') === opening ? 'long' : 'short';
  return {
    order,
    side,
    opening,
    frozenMargin: 0,
    frozenCommission: 0,
    frozenHis: 0,
    frozenToday: 0,
    fills,
  };
}

export interface RestoredAccountState {
  tradingDay: string;
  preBalance: number;
  deposit: number;
  withdraw: number;
  closeProfit: number;
  commission: number;
  frozenMargin: number;
  frozenCommission: number;
  seqno: number;
  positions: Map<string, PositionState>;
  orders: Map<string, OrderState>;
  trades: Map<string, QifiTrade>;
  transfers: Map<string, QifiTransfer>;
  settlements: Record<string, string>;
}

type PresetLookup = (exchange: string, instrument: string) => FuturesPreset | undefined;

function splitLot(
  volume: number,
  totalVolume: number,
  openCost: number,
  positionCost: number,
  margin: number,
  frozen: number,
): Lot {
  const share = totalVolume > 0 ? volume / totalVolume : 0;
  return {
    volume,
    frozen,
    openCost: openCost * share,
    positionCost: positionCost * share,
    margin: roundMoney(margin * share),
  };
}

function restoreSide(p: QifiPosition, side: 'long' | 'short', unit: number): PositionSide {
  const today = p[`volume_${side}_today`];
  const his = p[`volume_${side}_his`];
  const total = today + his;
  // Costs come from the average prices, which QIFI keeps at full precision (the costs are in fen).
  const openCost = p[`open_price_${side}`] * total * unit;
  const positionCost = p[`position_price_${side}`] * total * unit;
  const margin = p[`margin_${side}`];
  const todayLot = splitLot(
    today,
    total,
    openCost,
    positionCost,
    margin,
    p[`volume_${side}_frozen_today`],
  );
  const hisLot: Lot = {
    volume: his,
    frozen: p[`volume_${side}_frozen_his`],
    openCost: openCost - todayLot.openCost,
    positionCost: positionCost - todayLot.positionCost,
    margin: roundMoney(margin - todayLot.margin),
  };
  return { ...emptySide(), today: todayLot, his: hisLot, yd: p[`volume_${side}_yd`] };
}

/**
 * A position's state from its QIFI record: today's and yesterday's lots share the costs and margin
 * in proportion to their volume (QIFI keeps only the totals), costs from the full-precision prices.
 */
export function restorePosition(p: QifiPosition, preset: FuturesPreset): PositionState {
  return {
    key: `${p.exchange_id}.${p.instrument_id}`,
    exchangeId: p.exchange_id,
    instrumentId: p.instrument_id,
    preset,
    isStock: isStockExchange(p.exchange_id),
    long: restoreSide(p, 'long', preset.unit_table),
    short: restoreSide(p, 'short', preset.unit_table),
    lastPrice: p.last_price,
  };
}

/**
 * Rebuilds the engine's state from a QIFI document (a stored account after a restart). Today's
 * and yesterday's lots share the position's costs and margin in proportion to their volume (QIFI
 * keeps only the totals); live orders get back what they hold frozen: opening orders their margin
 * and commission (adjusted so the totals equal the document's), closing orders the position's
 * frozen volume.
 */
export function restoreAccountState(document: Qifi, presetFor: PresetLookup): RestoredAccountState {
  const positions = new Map<string, PositionState>();
  for (const [key, p] of Object.entries(document.positions)) {
    const preset = presetFor(p.exchange_id, p.instrument_id);
    if (!preset) {
      throw new QifiError(
        'QIFI_INVALID_DOCUMENT',
        `positions[${JSON.stringify(key)}]: no contract preset for ${p.exchange_id}.${p.instrument_id}`,
        `positions[${JSON.stringify(key)}]`,
      );
    }
    positions.set(`${p.exchange_id}.${p.instrument_id}`, restorePosition(p, preset));
  }

  const fillsByOrder = new Map<string, number>();
  for (const trade of Object.values(document.trades))
    fillsByOrder.set(trade.order_id, (fillsByOrder.get(trade.order_id) ?? 0) + 1);

  // Frozen volume still to hand out to live closing orders, per position side and bucket.
  const budget = new Map<string, { his: number; today: number }>();
  for (const position of positions.values()) {
    for (const side of ['long', 'short'] as const) {
      budget.set(`${position.key}|${side}`, {
        his: position[side].his.frozen,
        today: position[side].today.frozen,
      });
    }
  }

  const orders = new Map<string, OrderState>();
  let frozenMargin = 0;
  let frozenCommission = 0;
  let lastOpen: OrderState | undefined;
  const liveCloses: OrderState[] = [];
  const sorted = Object.values(document.orders).sort((a, b) => a.seqno - b.seqno);
  for (const order of sorted) {
    const state = newOrderState({ ...order }, fillsByOrder.get(order.order_id) ?? 0);
    const { opening, side } = state;
    orders.set(order.order_id, state);
    if (order.status !== 'ALIVE') continue;
    if (!opening) {
      liveCloses.push(state);
      continue;
    }
    const preset =
      positions.get(`${order.exchange_id}.${order.instrument_id}`)?.preset ??
      presetFor(order.exchange_id, order.instrument_id);
    if (!preset) continue;
    state.frozenMargin = marginOf(preset, side, order.limit_price, order.volume_left);
    state.frozenCommission = commissionOf(preset, order.limit_price, order.volume_left, false);
    frozenMargin += state.frozenMargin;
    frozenCommission += state.frozenCommission;
    lastOpen = state;
  }
  // Closing orders that may take one kind of lot only are served first; orders that take
  // yesterday's then today's lots share what is left, so no order holds more than its lots.
  const rank = (state: OrderState) =>
    closeLotsFor(state.order.offset, state.order.exchange_id) === 'his-then-today' ? 1 : 0;
  for (const state of [...liveCloses].sort(
    (a, b) => rank(a) - rank(b) || a.order.seqno - b.order.seqno,
  )) {
    const available = budget.get(
      `${state.order.exchange_id}.${state.order.instrument_id}|${state.side}`,
    ) ?? { his: 0, today: 0 };
    const lots = closeLotsFor(state.order.offset, state.order.exchange_id);
    const left = state.order.volume_left;
    state.frozenHis = lots === 'today' ? 0 : Math.min(left, available.his);
    state.frozenToday = lots === 'his' ? 0 : Math.min(left - state.frozenHis, available.today);
    available.his -= state.frozenHis;
    available.today -= state.frozenToday;
  }
  // Totals are the document's; rounding differences land on the last live opening order.
  if (lastOpen) {
    lastOpen.frozenMargin = roundMoney(
      lastOpen.frozenMargin + document.accounts.frozen_margin - frozenMargin,
    );
    lastOpen.frozenCommission = roundMoney(
      lastOpen.frozenCommission + document.accounts.frozen_commission - frozenCommission,
    );
  }

  const seqno = Math.max(
    0,
    ...Object.values(document.orders).map((o) => o.seqno),
    ...Object.values(document.trades).map((t) => t.seqno),
  );
  const accounts = document.accounts;
  return {
    tradingDay: document.trading_day,
    preBalance: accounts.pre_balance,
    deposit: accounts.deposit,
    withdraw: accounts.withdraw,
    closeProfit: accounts.close_profit,
    commission: accounts.commission,
    frozenMargin: lastOpen ? accounts.frozen_margin : 0,
    frozenCommission: lastOpen ? accounts.frozen_commission : 0,
    seqno,
    positions,
    orders,
    trades: new Map(Object.entries(document.trades).map(([id, trade]) => [id, { ...trade }])),
    transfers: new Map(
      Object.entries(document.transfers).map(([id, transfer]) => [id, { ...transfer }]),
    ),
    settlements: { ...document.settlement },
  };
}
