import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beijingToEpochMs } from '@qautlra/calendar';
import type { MDSnapshot } from '@qautlra/qamd';
import { defaultUniverse, SimMarket } from '@qautlra/sim';
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

describe('SimSource restarts and trading-day rolls (issue 16 §16)', () => {
  const start = beijingToEpochMs('2025-03-27', '14:00:00');
  const universe = defaultUniverse(new Date(start));
  const rb = universe.find((i) => i.id.startsWith('SHFE.rb'))!.id;
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sim-state-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs a source on its own clock for `ticks` manual ticks of rb; returns what it published. */
  function session(seed: number, clock: { now: number }, stateFile: string, ticks: number) {
    const out: MDSnapshot[] = [];
    const source = new SimSource(new SimMarket(universe, seed), {
      ticksPerSecond: 1,
      alwaysOpen: true,
      now: () => clock.now,
      stateFile,
    });
    source.start({ snapshot: (s) => out.push(s), state: () => undefined });
    for (let i = 0; i < ticks; i += 1) {
      clock.now += 1_000;
      source.subscribe([rb]);
      source.unsubscribe([rb]);
    }
    return { out, stop: () => source.stop() };
  }

  it('resumes from its last state after a clean stop: prices go on, cumulative volume never drops', async () => {
    const file = join(dir, 'sim.json');
    const clock = { now: start };
    const first = session(1, clock, file, 20);
    await first.stop();
    const last = first.out.at(-1)!;
    const second = session(1, clock, file, 5);
    await second.stop();
    const next = second.out[0]!;
    expect(next.volume).toBeGreaterThan(last.volume);
    expect(Math.abs(next.last_price - last.last_price)).toBeLessThanOrEqual(3 * 1);
    expect(next.open).toBe(last.open);
  });

  it('after an unclean stop (no final save) the volume jumps ahead instead of back', async () => {
    const file = join(dir, 'sim.json');
    const clock = { now: start };
    const first = session(1, clock, file, 20);
    await first.stop();
    // Rewrite the saved state as an unclean one, older than what was published.
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { clean: boolean };
    writeFileSync(file, JSON.stringify({ ...saved, clean: false }));
    const second = session(1, clock, file, 1);
    await second.stop();
    expect(second.out[0]!.volume).toBeGreaterThan(first.out.at(-1)!.volume + 20);
  });

  it('a new trading day starts its cumulative volume from zero with yesterday’s close as pre_close', async () => {
    const clock = { now: start };
    const day = session(1, clock, join(dir, 'a.json'), 10);
    const closing = day.out.at(-1)!;
    await day.stop();
    clock.now = beijingToEpochMs('2025-03-27', '21:00:05'); // the night session: trading day 03-28
    const night = session(1, clock, join(dir, 'a.json'), 1);
    await night.stop();
    const first = night.out[0]!;
    expect(first.volume).toBeLessThanOrEqual(20);
    expect(first.pre_close).toBe(closing.last_price);
    expect(first.pre_open_interest).toBe(closing.open_interest);
  });

  it('an unreadable state file is moved aside and the sim starts from its seed', async () => {
    const file = join(dir, 'sim.json');
    writeFileSync(file, '{not json');
    const problems: string[] = [];
    const source = new SimSource(new SimMarket(universe, 1), {
      ticksPerSecond: 1,
      stateFile: file,
      onStateProblem: (message) => problems.push(message),
    });
    source.start({ snapshot: () => undefined, state: () => undefined });
    await source.stop();
    expect(problems).toEqual([expect.stringContaining('moved to')]);
    expect(readdirSync(dir).some((name) => name.startsWith('sim.json.corrupt-'))).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ clean: true });
  });
});
