import { FuturesPreset } from '@qautlra/qamd';
import { accept, Outcome, reject } from './account.error';
import {
  closeLotsFor,
  commissionOf,
  isStockExchange,
  marginOf,
  marketValue,
} from './market-preset';
import { roundMoney } from './money';
import { QifiPosition } from './qifi.types';

/**
 * One bucket of a position side: today's lots or yesterday's ("his"). Keeping the two apart makes
 * close-today and close-yesterday exact: each closes against its own cost, margin and price.
 * Costs are CNY notional (`price × volume × unit`); `positionCost` is marked to the settlement
 * price at each `settle()`, `openCost` never is.
 */
export interface Lot {
  volume: number;
  frozen: number;
  openCost: number;
  positionCost: number;
  margin: number;
}

export interface PositionSide {
  today: Lot;
  his: Lot;
  /** Yesterday's closing volume (CTP `YdPosition`), fixed for the day. */
  yd: number;
}

export interface PositionState {
  readonly key: string;
  readonly exchangeId: string;
  readonly instrumentId: string;
  readonly preset: FuturesPreset;
  readonly isStock: boolean;
  long: PositionSide;
  short: PositionSide;
  lastPrice: number;
}

export function emptyLot(): Lot {
  return { volume: 0, frozen: 0, openCost: 0, positionCost: 0, margin: 0 };
}

export function emptySide(): PositionSide {
  return { today: emptyLot(), his: emptyLot(), yd: 0 };
}

/**
 * Removes `volume` lots from a bucket (the caller has already released their frozen volume);
 * returns the share of cost and margin they carried. Emptying a bucket zeroes it exactly.
 */
export function takeFromLot(
  lot: Lot,
  volume: number,
): { openCost: number; positionCost: number; margin: number } {
  if (volume >= lot.volume) {
    const taken = { openCost: lot.openCost, positionCost: lot.positionCost, margin: lot.margin };
    Object.assign(lot, { volume: 0, frozen: 0, openCost: 0, positionCost: 0, margin: 0 });
    return taken;
  }
  const share = volume / lot.volume;
  const taken = {
    openCost: lot.openCost * share,
    positionCost: lot.positionCost * share,
    margin: roundMoney(lot.margin * share),
  };
  lot.volume -= volume;
  lot.openCost -= taken.openCost;
  lot.positionCost -= taken.positionCost;
  lot.margin = roundMoney(lot.margin - taken.margin);
  return taken;
}

/**
 * One side's profit at `price` against a cost (open or position cost, CNY): the engine's one
 * formula, `round(sign × (price × volume × multiplier − cost))` to the fen; 0 without lots.
 */
export function sideProfitAt(
  price: number,
  volume: number,
  unit: number,
  cost: number,
  sign: 1 | -1,
): number {
  if (volume <= 0) return 0;
  return roundMoney(sign * (price * volume * unit - cost));
}

/** A side's profits at the position's last price: against the open cost and the position cost. */
function sideMarks(position: PositionState, side: PositionSide, sign: 1 | -1) {
  const volume = side.today.volume + side.his.volume;
  const unit = position.preset.unit_table;
  return {
    floatProfit: sideProfitAt(
      position.lastPrice,
      volume,
      unit,
      side.today.openCost + side.his.openCost,
      sign,
    ),
    positionProfit: sideProfitAt(
      position.lastPrice,
      volume,
      unit,
      side.today.positionCost + side.his.positionCost,
      sign,
    ),
  };
}

/**
 * What a position's profits at any price depend on: its multiplier and, per side, its lots and
 * costs (summed as the engine sums them) — a monitor keeps these and prices positions with
 * `sideProfitAt` without touching the engine's objects.
 */
export interface ProfitInputs {
  unit: number;
  longVolume: number;
  longOpenCost: number;
  longPositionCost: number;
  shortVolume: number;
  shortOpenCost: number;
  shortPositionCost: number;
}

export function profitInputsOf(position: PositionState): ProfitInputs {
  const { long, short } = position;
  return {
    unit: position.preset.unit_table,
    longVolume: long.today.volume + long.his.volume,
    longOpenCost: long.today.openCost + long.his.openCost,
    longPositionCost: long.today.positionCost + long.his.positionCost,
    shortVolume: short.today.volume + short.his.volume,
    shortOpenCost: short.today.openCost + short.his.openCost,
    shortPositionCost: short.today.positionCost + short.his.positionCost,
  };
}

/**
 * An average price as QIFI keeps it: 12 significant digits. A restore multiplies it back into a cost
 * and divides again, which can land an ulp away; rounding makes that a fixed point, so a document
 * restores to itself (found by the bounds property test: 0.00008165374236657162 × 30 ÷ 30).
 */
export function averagePrice(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}

function sideFigures(position: PositionState, side: PositionSide, sign: 1 | -1) {
  const unit = position.preset.unit_table;
  const volume = side.today.volume + side.his.volume;
  const openCost = side.today.openCost + side.his.openCost;
  const positionCost = side.today.positionCost + side.his.positionCost;
  return {
    volume,
    openCost: roundMoney(openCost),
    positionCost: roundMoney(positionCost),
    openPrice: volume > 0 ? averagePrice(openCost / (volume * unit)) : 0,
    positionPrice: volume > 0 ? averagePrice(positionCost / (volume * unit)) : 0,
    ...sideMarks(position, side, sign),
    margin: roundMoney(side.today.margin + side.his.margin),
  };
}

/** The fields of a QIFI position record that move with the last price. */
export interface PositionMarks {
  last_price: number;
  float_profit_long: number;
  float_profit_short: number;
  float_profit: number;
  position_profit_long: number;
  position_profit_short: number;
  position_profit: number;
}

/**
 * `toQifiPosition(position)`'s price-dependent fields, by the same arithmetic, without building
 * the rest of the record (a monitor re-marks positions on every quote).
 */
export function positionMarks(position: PositionState): PositionMarks {
  const long = sideMarks(position, position.long, 1);
  const short = sideMarks(position, position.short, -1);
  return {
    last_price: position.lastPrice,
    float_profit_long: long.floatProfit,
    float_profit_short: short.floatProfit,
    float_profit: roundMoney(long.floatProfit + short.floatProfit),
    position_profit_long: long.positionProfit,
    position_profit_short: short.positionProfit,
    position_profit: roundMoney(long.positionProfit + short.positionProfit),
  };
}

/** `toQifiPosition(position).position_profit`, without building the record. */
export function positionProfitOf(position: PositionState): number {
  const { long, short } = position;
  const unit = position.preset.unit_table;
  return roundMoney(
    sideProfitAt(
      position.lastPrice,
      long.today.volume + long.his.volume,
      unit,
      long.today.positionCost + long.his.positionCost,
      1,
    ) +
      sideProfitAt(
        position.lastPrice,
        short.today.volume + short.his.volume,
        unit,
        short.today.positionCost + short.his.positionCost,
        -1,
      ),
  );
}

/** `toQifiPosition(position).margin`, without building the record. */
export function positionMarginOf(position: PositionState): number {
  return roundMoney(
    roundMoney(position.long.today.margin + position.long.his.margin) +
      roundMoney(position.short.today.margin + position.short.his.margin),
  );
}

/** The QIFI position record (39 fields) of a position's state. */
export function toQifiPosition(position: PositionState, userId: string): QifiPosition {
  const long = sideFigures(position, position.long, 1);
  const short = sideFigures(position, position.short, -1);
  return {
    user_id: userId,
    exchange_id: position.exchangeId,
    instrument_id: position.instrumentId,
    volume_long_today: position.long.today.volume,
    volume_long_his: position.long.his.volume,
    volume_long: long.volume,
    volume_long_frozen_today: position.long.today.frozen,
    volume_long_frozen_his: position.long.his.frozen,
    volume_long_frozen: position.long.today.frozen + position.long.his.frozen,
    volume_short_today: position.short.today.volume,
    volume_short_his: position.short.his.volume,
    volume_short: short.volume,
    volume_short_frozen_today: position.short.today.frozen,
    volume_short_frozen_his: position.short.his.frozen,
    volume_short_frozen: position.short.today.frozen + position.short.his.frozen,
    volume_long_yd: position.long.yd,
    volume_short_yd: position.short.yd,
    pos_long_his: position.long.his.volume,
    pos_long_today: position.long.today.volume,
    pos_short_his: position.short.his.volume,
    pos_short_today: position.short.today.volume,
    open_price_long: long.openPrice,
    open_price_short: short.openPrice,
    open_cost_long: long.openCost,
    open_cost_short: short.openCost,
    position_price_long: long.positionPrice,
    position_price_short: short.positionPrice,
    position_cost_long: long.positionCost,
    position_cost_short: short.positionCost,
    last_price: position.lastPrice,
    float_profit_long: long.floatProfit,
    float_profit_short: short.floatProfit,
    float_profit: roundMoney(long.floatProfit + short.floatProfit),
    position_profit_long: long.positionProfit,
    position_profit_short: short.positionProfit,
    position_profit: roundMoney(long.positionProfit + short.positionProfit),
    margin_long: long.margin,
    margin_short: short.margin,
    margin: roundMoney(long.margin + short.margin),
  };
}

/** A position with no lots yet (kept by the account once an order on it is accepted). */
export function emptyPosition(
  exchangeId: string,
  instrumentId: string,
  preset: FuturesPreset,
): PositionState {
  return {
    key: `${exchangeId}.${instrumentId}`,
    exchangeId,
    instrumentId,
    preset,
    isStock: isStockExchange(exchangeId),
    long: emptySide(),
    short: emptySide(),
    lastPrice: 0,
  };
}

/**
 * Freezes the lots a closing order of `volume` takes from one side, by the exchange's rule for the
 * offset (yesterday's, today's, or yesterday's then today's), or says why it cannot (T+1 for
 * shares bought today, not enough position).
 */
export function freezeCloseLots(
  position: PositionState,
  which: 'long' | 'short',
  offset: string,
  volume: number,
): Outcome<{ fromHis: number; fromToday: number }> {
  const side = position[which];
  const freeHis = side.his.volume - side.his.frozen;
  const freeToday = side.today.volume - side.today.frozen;
  const lots = closeLotsFor(offset, position.exchangeId);
  const mixed = lots === 'his-then-today';
  const fromHis = lots === 'his' ? volume : mixed ? Math.min(volume, freeHis) : 0;
  const fromToday = volume - fromHis;
  if (fromHis > freeHis || fromToday > freeToday) {
    if (position.isStock && volume <= freeHis + freeToday)
      return reject(
        'T_PLUS_ONE',
        `T+1: only ${freeHis} shares bought before today can be sold, ${volume} requested`,
      );
    const [name, free] = mixed
      ? ['closable', freeHis + freeToday]
      : fromHis === 0
        ? ["today's", freeToday]
        : ["yesterday's", freeHis];
    return reject(
      'INSUFFICIENT_POSITION',
      `insufficient ${name} ${which} position: ${volume} requested, ${free} available`,
    );
  }
  side.his.frozen += fromHis;
  side.today.frozen += fromToday;
  return accept({ fromHis, fromToday });
}

/** An opening fill: lots join today's bucket at the fill price, with their margin. */
export function addTodayLots(
  position: PositionState,
  which: 'long' | 'short',
  price: number,
  volume: number,
): void {
  const lot = position[which].today;
  const value = marketValue(position.preset, price, volume);
  lot.volume += volume;
  lot.openCost += value;
  lot.positionCost += value;
  lot.margin = roundMoney(lot.margin + marginOf(position.preset, which, price, volume));
}

/**
 * A closing fill of frozen lots (yesterday's first, then today's): removes them and says the
 * profit against their position cost and the commission (close-today rates for today's futures).
 */
export function closeFrozenLots(
  position: PositionState,
  which: 'long' | 'short',
  fromHis: number,
  fromToday: number,
  price: number,
): { profit: number; commission: number } {
  const side = position[which];
  const sign = which === 'long' ? 1 : -1;
  let profit = 0;
  let commission = 0;
  for (const [lot, volume, today] of [
    [side.his, fromHis, false],
    [side.today, fromToday, true],
  ] as [Lot, number, boolean][]) {
    if (volume === 0) continue;
    lot.frozen -= volume;
    const taken = takeFromLot(lot, volume);
    profit += sign * (marketValue(position.preset, price, volume) - taken.positionCost);
    commission += commissionOf(position.preset, price, volume, today && !position.isStock);
  }
  return { profit, commission };
}

/** Settlement of one side: today's lots join yesterday's, costs and margin re-marked at the last price. */
export function rollSide(position: PositionState, which: 'long' | 'short'): void {
  const side = position[which];
  const volume = side.his.volume + side.today.volume;
  const openCost = side.his.openCost + side.today.openCost;
  const value = marketValue(position.preset, position.lastPrice, volume);
  side.his = {
    volume,
    frozen: 0,
    openCost,
    positionCost: value,
    margin: marginOf(position.preset, which, position.lastPrice, volume),
  };
  side.today = emptyLot();
  side.yd = volume;
}
