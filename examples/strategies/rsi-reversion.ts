import { defineStrategy } from '@qautlra/execution';
import { Rsi } from '@qautlra/indicators';

interface Params extends Record<string, number> {
  period: number;
  buyBelow: number;
  sellAbove: number;
  /** Share of the account's available money one instrument may take. */
  weight: number;
}

/**
 * A-share RSI mean reversion, long only: buy in board lots when RSI falls below `buyBelow`, sell
 * the shares that may be sold when it rises above `sellAbove`. Shares bought today cannot be sold
 * until the next trading day (T+1), so a sell signal on the day of a buy waits: the strategy sells
 * only `longYesterday`.
 */
export default defineStrategy<Params>({
  name: 'rsi-reversion',
  description: 'A-share RSI mean reversion (long only, board lots, T+1 aware).',
  parameters: {
    period: { default: 14, min: 2, max: 60, step: 1, description: 'RSI length (bars)' },
    buyBelow: { default: 30, min: 1, max: 50, step: 1, description: 'buy when RSI is below' },
    sellAbove: { default: 70, min: 50, max: 99, step: 1, description: 'sell when RSI is above' },
    weight: { default: 0.3, min: 0.01, max: 1, step: 0.01, description: 'money per instrument' },
  },
  create: ({ period, buyBelow, sellAbove, weight }) => {
    const indicators = new Map<string, Rsi>();
    return {
      onBar(bar, context) {
        let rsi = indicators.get(bar.instrument);
        if (!rsi) indicators.set(bar.instrument, (rsi = new Rsi(period)));
        const value = rsi.update(bar.close);
        if (Number.isNaN(value)) return;
        const position = context.position(bar.instrument);
        if (value < buyBelow && position.long === 0) {
          const lot = context.contract(bar.instrument)?.buyLot?.step ?? 1;
          const money = context.account().available * weight;
          const shares = Math.floor(money / bar.close / lot) * lot;
          if (shares > 0) context.buy(bar.instrument, shares, { price: bar.close });
        } else if (value > sellAbove && position.longYesterday > 0) {
          context.sell(bar.instrument, position.longYesterday);
        }
      },
    };
  },
});
