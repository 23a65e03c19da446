import * as qifi from '@qautlra/qifi';
import type { PositionState } from '@qautlra/qifi';

// Taken once: the compiled barrel re-exports are getters, a cost on every call in the hot loops.
const { positionMarginOf, profitInputsOf, roundMoney, sideProfitAt } = qifi;

/**
 * Every monitored position as a row of typed columns: its live price, what its profits depend on
 * (`profitInputsOf`), its margin and its position profit at the last settle. A quote only writes a
 * price and a flag here (no object of the engine is touched per tick); the profits are computed
 * with the engine's `sideProfitAt` when the push interval settles the moved rows.
 */
export class MarkTable {
  price = new Float64Array(0);
  unit = new Float64Array(0);
  longVolume = new Float64Array(0);
  longOpenCost = new Float64Array(0);
  longPositionCost = new Float64Array(0);
  shortVolume = new Float64Array(0);
  shortOpenCost = new Float64Array(0);
  shortPositionCost = new Float64Array(0);
  margin = new Float64Array(0);
  /** Position profit at the last settle. */
  profit = new Float64Array(0);
  /** Moved since the last flush (the monitor's list holds it once). */
  dirty = new Uint8Array(0);
  /** Marked by a live quote (a rebuilt position keeps that price, not the trade server's mark). */
  live = new Uint8Array(0);
  /** The price the last patch reported (NaN: none yet). */
  reported = new Float64Array(0);
  /** The id of the book a row belongs to (-1: free). */
  owner = new Int32Array(0);
  /** Books by id (a flush finds a moved row's book without touching its objects). */
  readonly books: ({ changed: boolean; queued: boolean } | undefined)[] = [];
  private readonly free: number[] = [];
  /** Rows in use or freed (the high-water mark). */
  size = 0;

  /** An id for a book's rows. */
  register(book: { changed: boolean; queued: boolean }): number {
    this.books.push(book);
    return this.books.length - 1;
  }

  unregister(id: number): void {
    this.books[id] = undefined;
  }

  /** A new row of book `owner` (the caller fills it with `load`). */
  allocate(owner: number): number {
    let row = this.free.pop();
    if (row === undefined) {
      if (this.size === this.price.length) this.grow(Math.max(1_024, this.size * 2));
      row = this.size++;
    }
    this.owner[row] = owner;
    return row;
  }

  release(row: number): void {
    this.dirty[row] = 0;
    this.live[row] = 0;
    this.owner[row] = -1;
    this.free.push(row);
  }

  /** The row of a position as its engine state stands (price included). */
  load(row: number, position: PositionState): void {
    const inputs = profitInputsOf(position);
    this.price[row] = position.lastPrice;
    this.unit[row] = inputs.unit;
    this.longVolume[row] = inputs.longVolume;
    this.longOpenCost[row] = inputs.longOpenCost;
    this.longPositionCost[row] = inputs.longPositionCost;
    this.shortVolume[row] = inputs.shortVolume;
    this.shortOpenCost[row] = inputs.shortOpenCost;
    this.shortPositionCost[row] = inputs.shortPositionCost;
    this.margin[row] = positionMarginOf(position);
    this.reported[row] = NaN;
    this.profit[row] = this.positionProfit(row);
  }

  /** `positionProfitOf` of the row at its price. */
  positionProfit(row: number): number {
    const price = this.price[row]!;
    const unit = this.unit[row]!;
    return roundMoney(
      sideProfitAt(price, this.longVolume[row]!, unit, this.longPositionCost[row]!, 1) +
        sideProfitAt(price, this.shortVolume[row]!, unit, this.shortPositionCost[row]!, -1),
    );
  }

  /** `positionMarks(…).float_profit` of the row at its price. */
  floatProfit(row: number): number {
    const price = this.price[row]!;
    const unit = this.unit[row]!;
    return roundMoney(
      sideProfitAt(price, this.longVolume[row]!, unit, this.longOpenCost[row]!, 1) +
        sideProfitAt(price, this.shortVolume[row]!, unit, this.shortOpenCost[row]!, -1),
    );
  }

  /** `positionMarks` of the row at its price, with its market value (a room's patch of it). */
  marks(row: number) {
    const price = this.price[row]!;
    const unit = this.unit[row]!;
    const longFloat = sideProfitAt(price, this.longVolume[row]!, unit, this.longOpenCost[row]!, 1);
    const shortFloat = sideProfitAt(
      price,
      this.shortVolume[row]!,
      unit,
      this.shortOpenCost[row]!,
      -1,
    );
    const longPosition = sideProfitAt(
      price,
      this.longVolume[row]!,
      unit,
      this.longPositionCost[row]!,
      1,
    );
    const shortPosition = sideProfitAt(
      price,
      this.shortVolume[row]!,
      unit,
      this.shortPositionCost[row]!,
      -1,
    );
    return {
      last_price: price,
      float_profit_long: longFloat,
      float_profit_short: shortFloat,
      float_profit: roundMoney(longFloat + shortFloat),
      position_profit_long: longPosition,
      position_profit_short: shortPosition,
      position_profit: roundMoney(longPosition + shortPosition),
      market_value: this.marketValue(row),
    };
  }

  /** Last × net lots × multiplier, to the fen. */
  marketValue(row: number): number {
    const net = this.longVolume[row]! - this.shortVolume[row]!;
    return net === 0 ? 0 : roundMoney(this.price[row]! * net * this.unit[row]!);
  }

  private grow(capacity: number): void {
    const widen = (column: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(column);
      return next;
    };
    this.price = widen(this.price);
    this.unit = widen(this.unit);
    this.longVolume = widen(this.longVolume);
    this.longOpenCost = widen(this.longOpenCost);
    this.longPositionCost = widen(this.longPositionCost);
    this.shortVolume = widen(this.shortVolume);
    this.shortOpenCost = widen(this.shortOpenCost);
    this.shortPositionCost = widen(this.shortPositionCost);
    this.margin = widen(this.margin);
    this.profit = widen(this.profit);
    this.reported = widen(this.reported);
    const flags = (column: Uint8Array) => {
      const next = new Uint8Array(capacity);
      next.set(column);
      return next;
    };
    this.dirty = flags(this.dirty);
    this.live = flags(this.live);
    const owner = new Int32Array(capacity).fill(-1);
    owner.set(this.owner);
    this.owner = owner;
  }
}
