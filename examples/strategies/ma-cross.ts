import { defineStrategy } from '@qautlra/execution';
import { MovingAverage } from '@qautlra/indicators';

interface Params extends Record<string, number> {
  fast: number;
  slow: number;
  lots: number;
}

/**
 * Futures double moving-average cross: long `lots` while the fast MA of the close is above the
 * slow one, short while below. Works on any bar frequency and any number of instruments.
 */
export default defineStrategy<Params>({
  name: 'ma-cross',
  description: 'Double moving-average cross on futures: long above, short below.',
  parameters: {
    fast: { default: 5, min: 2, max: 60, step: 1, description: 'fast MA length (bars)' },
    slow: { default: 20, min: 5, max: 240, step: 5, description: 'slow MA length (bars)' },
    lots: { default: 1, min: 1, max: 100, step: 1, description: 'position size (lots)' },
  },
  create: ({ fast, slow, lots }) => {
    if (fast >= slow) throw new RangeError('fast must be shorter than slow');
    const averages = new Map<string, { fast: MovingAverage; slow: MovingAverage }>();
    return {
      onBar(bar, context) {
        let pair = averages.get(bar.instrument);
        if (!pair) {
          pair = { fast: new MovingAverage(fast), slow: new MovingAverage(slow) };
          averages.set(bar.instrument, pair);
        }
        const quick = pair.fast.update(bar.close);
        const steady = pair.slow.update(bar.close);
        if (Number.isNaN(steady)) return;
        const target = quick > steady ? lots : quick < steady ? -lots : undefined;
        if (target !== undefined && context.position(bar.instrument).net !== target)
          context.targetPosition(bar.instrument, target);
      },
    };
  },
});
