import { beijingToEpochMs, epochMsToBeijing, isSessionOpen } from '@qautlra/calendar';
import { defaultUniverse, SimMarket, simTradingDay } from './sim-market';
import { simHistory } from './sim-history';

/** Issue 16 §17: the first start's history is deterministic, session-aware and continuous. */
describe('sim history', () => {
  const toMs = beijingToEpochMs('2025-03-31', '15:30:00'); // a Monday afternoon
  const universe = defaultUniverse(new Date(toMs));
  const run = () => [...simHistory(new SimMarket(universe, 7), { toMs, days: 6, stepMs: 180_000 })];

  it('is the same for the same seed and clock', () => {
    expect(JSON.stringify(run())).toBe(JSON.stringify(run()));
  });

  it('ticks only while each market trades, over several trading days, with day totals that reset', () => {
    const batches = run();
    const info = new Map(new SimMarket(universe, 7).info().map((item) => [item.id, item]));
    const problems: string[] = [];
    const last = new Map<string, { day: string; volume: number; price: number }>();
    const days = new Set<string>();
    const aliases = new Map(
      universe.flatMap((item) => (item.aliasOf ? [[item.id, item.aliasOf] as const] : [])),
    );
    for (const batch of batches)
      for (const tick of batch) {
        const at = Date.parse(tick.datetime);
        const { exchange, product } = info.get(tick.instrument_id)!;
        if (!isSessionOpen(exchange, product, at))
          problems.push(`${tick.instrument_id} ticked at ${tick.datetime} outside its session`);
        const weekday = new Date(`${epochMsToBeijing(at).date}T00:00:00Z`).getUTCDay();
        if (weekday === 6 && epochMsToBeijing(at).time >= '03:00')
          problems.push(`Saturday tick ${tick.datetime}`);
        const day = simTradingDay(at);
        days.add(day);
        // An alias (`SHFE.rb888`) shares its contract's state: track them as one.
        const key = aliases.get(tick.instrument_id) ?? tick.instrument_id;
        const before = last.get(key);
        if (before && before.day === day && tick.volume < before.volume)
          problems.push(`${tick.instrument_id} volume fell within ${day}`);
        if (before && before.day !== day && tick.pre_close !== before.price)
          problems.push(
            `${tick.instrument_id} pre_close ${tick.pre_close} != last close ${before.price}`,
          );
        if (before && before.day !== day && tick.volume > 2_000)
          problems.push(`${tick.instrument_id} carried volume into ${day}`);
        last.set(key, { day, volume: tick.volume, price: tick.last_price });
      }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(days.size).toBeGreaterThanOrEqual(3);
    expect(last.size).toBe(universe.length - aliases.size);
  });
});
