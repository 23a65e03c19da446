import { beijingToEpochMs } from '@qautlra/calendar';
import type { MDSnapshot } from '@qautlra/qamd';
import { defaultUniverse, SimMarket } from './sim-market';
import { SimSource } from './sim-source';

describe('SimSource trading sessions', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function run(nowMs: number, alwaysOpen: boolean): MDSnapshot[] {
    const universe = defaultUniverse(new Date(nowMs));
    const t0 = Date.now(); // faked: advances with jest.advanceTimersByTime
    const source = new SimSource(new SimMarket(universe, 3), {
      ticksPerSecond: 2,
      alwaysOpen,
      now: () => nowMs + Date.now() - t0,
    });
    const out: MDSnapshot[] = [];
    source.start({ snapshot: (s) => out.push(s), state: () => undefined });
    const rb = universe.find((i) => i.id.startsWith('SHFE.rb'))!.id;
    source.subscribe([rb, 'SSE.600000']);
    jest.advanceTimersByTime(5_000);
    void source.stop();
    return out;
  }

  const saturday = beijingToEpochMs('2025-03-29', '10:00:00');
  const fridayNight = beijingToEpochMs('2025-03-28', '21:30:00');

  it('gives the current snapshot on subscribe, then stays quiet while the market is closed', () => {
    expect(run(saturday, false)).toHaveLength(2);
  });

  it('ticks outside sessions with alwaysOpen, at the configured rate per instrument', () => {
    const out = run(saturday, true);
    // 2 instruments × 2 ticks/s × 5 s, plus the two snapshots on subscribe.
    expect(out.length).toBeGreaterThanOrEqual(2 + 18);
    expect(out.length).toBeLessThanOrEqual(2 + 22);
  });

  it('ticks only the instruments whose session is open (rb night session, stocks closed)', () => {
    const out = run(fridayNight, false);
    const stock = out.filter((s) => s.instrument_id === 'SSE.600000');
    expect(stock).toHaveLength(1);
    expect(out.length - stock.length).toBeGreaterThanOrEqual(10);
  });
});
