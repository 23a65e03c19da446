import { Convention, Indicator } from './moving-average';
import { Successive, typicalPrice } from './oscillators';
import { BarInput, closeOf, finite } from './window';

/**
 * OBV: volume added when the close rose, taken off when it fell. `talib`: starts at the first
 * bar's volume (TA-Lib's OBV); `tdx` (通达信 `SUM(IF(C>REF(C,1),V,IF(C<REF(C,1),−V,0)),0)`): starts at 0.
 */
export class Obv implements Indicator<BarInput, number> {
  private readonly closes = new Successive<number>();
  private before = 0;
  private current = 0;

  constructor(readonly convention: Convention = 'talib') {}

  get count(): number {
    return this.closes.count;
  }

  update(bar: BarInput): number {
    this.before = this.current;
    return this.step(bar, this.closes.push(closeOf(bar)));
  }

  replace(bar: BarInput): number {
    if (this.closes.count === 0) return this.update(bar);
    return this.step(bar, this.closes.replace(closeOf(bar)));
  }

  private step(bar: BarInput, previous: number | undefined): number {
    const volume = finite(bar.volume, 'volume');
    const close = bar.close;
    if (previous === undefined) this.current = this.convention === 'talib' ? volume : 0;
    else
      this.current =
        close > previous
          ? this.before + volume
          : close < previous
            ? this.before - volume
            : this.before;
    return this.current;
  }
}

/**
 * VWAP of the trading day: Σ(typical price · volume) / Σvolume since the first bar of the bar's
 * `tradingDay` (the running sums start again when it changes; without one, since the first bar).
 * NaN until some volume has traded.
 */
export class Vwap implements Indicator<BarInput, number> {
  count = 0;
  private day: string | undefined;
  private amountBefore = 0;
  private volumeBefore = 0;
  private amount = 0;
  private volume = 0;

  update(bar: BarInput): number {
    this.count += 1;
    if (this.count === 1 || bar.tradingDay !== this.day) {
      this.day = bar.tradingDay;
      this.amountBefore = 0;
      this.volumeBefore = 0;
    } else {
      this.amountBefore = this.amount;
      this.volumeBefore = this.volume;
    }
    return this.step(bar);
  }

  replace(bar: BarInput): number {
    if (this.count === 0 || bar.tradingDay !== this.day) {
      if (this.count === 0) return this.update(bar);
      // The forming bar moved into a new day: it starts the day's sums.
      this.day = bar.tradingDay;
      this.amountBefore = 0;
      this.volumeBefore = 0;
    }
    return this.step(bar);
  }

  private step(bar: BarInput): number {
    const volume = finite(bar.volume, 'volume');
    this.amount = this.amountBefore + typicalPrice(bar) * volume;
    this.volume = this.volumeBefore + volume;
    return this.volume > 0 ? this.amount / this.volume : NaN;
  }
}
