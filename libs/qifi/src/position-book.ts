import { FuturesPreset } from '@qautlra/qamd';
import { marketValue } from './market-preset';
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

function sideFigures(position: PositionState, side: PositionSide, sign: 1 | -1) {
  const unit = position.preset.unit_table;
  const volume = side.today.volume + side.his.volume;
  const openCost = side.today.openCost + side.his.openCost;
  const positionCost = side.today.positionCost + side.his.positionCost;
  const value = marketValue(position.preset, position.lastPrice, volume);
  return {
    volume,
    openCost: roundMoney(openCost),
    positionCost: roundMoney(positionCost),
    openPrice: volume > 0 ? openCost / (volume * unit) : 0,
    positionPrice: volume > 0 ? positionCost / (volume * unit) : 0,
    floatProfit: volume > 0 ? roundMoney(sign * (value - openCost)) : 0,
    positionProfit: volume > 0 ? roundMoney(sign * (value - positionCost)) : 0,
    margin: roundMoney(side.today.margin + side.his.margin),
  };
}

function sideProfit(position: PositionState, side: PositionSide, sign: 1 | -1): number {
  const volume = side.today.volume + side.his.volume;
  if (volume <= 0) return 0;
  const value = marketValue(position.preset, position.lastPrice, volume);
  return roundMoney(sign * (value - (side.today.positionCost + side.his.positionCost)));
}

/** `toQifiPosition(position).position_profit`, without building the record. */
export function positionProfitOf(position: PositionState): number {
  return roundMoney(
    sideProfit(position, position.long, 1) + sideProfit(position, position.short, -1),
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
