import { defineStrategy, MarketBar } from '@qautlra/execution';

interface Params extends Record<string, number> {
  /** Share of the balance kept invested (the rest stays as cash for costs). */
  invested: number;
  /** Rebalance every this many months. */
  months: number;
}

/**
 * Multi-instrument rebalancer: after the first trading day of every `months`-th month, targets an
 * equal share of the balance in each instrument that has traded — shares in board lots, futures in
 * whole lots of their notional (long). Orders go out at the end of that day and fill at the next
 * open.
 */
export default defineStrategy<Params>({
  name: 'rebalancer',
  description: 'Equal-weight multi-instrument rebalance every N months.',
  parameters: {
    invested: {
      default: 0.95,
      min: 0.1,
      max: 1,
      step: 0.05,
      description: 'share of balance invested',
    },
    months: { default: 1, min: 1, max: 12, step: 1, description: 'months between rebalances' },
  },
  create: ({ invested, months }) => {
    const last = new Map<string, MarketBar>();
    let lastMonth = '';
    let monthsSeen = 0;
    return {
      onBar(bar) {
        last.set(bar.instrument, bar);
      },
      onDay(tradingDay, context) {
        const month = tradingDay.slice(0, 6);
        if (month === lastMonth) return;
        lastMonth = month;
        monthsSeen += 1;
        if ((monthsSeen - 1) % months !== 0 || last.size === 0) return;
        const budget = (context.account().balance * invested) / last.size;
        for (const [instrument, bar] of last) {
          const contract = context.contract(instrument);
          if (!contract) continue;
          const unit = bar.close * contract.volumeMultiple;
          const lot = contract.buyLot?.step ?? 1;
          const target = Math.floor(budget / unit / lot) * lot;
          const held = context.position(instrument);
          // T+1: shares bought today are not sellable yet; never sell more than may be sold.
          const floor = held.net - (contract.buyLot ? held.longYesterday : held.net);
          context.targetPosition(instrument, Math.max(target, floor));
        }
      },
    };
  },
});
