import { epochMsToBeijing, futuresTradingDay, resolveCtpTickTime } from './futures-session';

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

describe('futures night session', () => {
  // 2025-03-28 is a Friday; the next trading day is Monday 2025-03-31.
  it.each([
    // exchange, TradingDay, ActionDay, UpdateTime → UTC instant, trading day
    ['SHFE', '20250331', '20250328', '21:30:00', 500, '2025-03-28T13:30:00.500Z', '2025-03-31'],
    ['SHFE', '20250331', '20250329', '01:30:00', 0, '2025-03-28T17:30:00.000Z', '2025-03-31'],
    ['INE', '20250331', '20250329', '02:29:59', 500, '2025-03-28T18:29:59.500Z', '2025-03-31'],
    ['SHFE', '20250328', '20250328', '10:15:00', 0, '2025-03-28T02:15:00.000Z', '2025-03-28'],
    // DCE sends the trading day as ActionDay too.
    ['DCE', '20250331', '20250331', '21:30:00', 0, '2025-03-28T13:30:00.000Z', '2025-03-31'],
    ['DCE', '20250331', '20250331', '22:59:59', 500, '2025-03-28T14:59:59.500Z', '2025-03-31'],
    ['DCE', '20250331', '20250331', '09:01:00', 0, '2025-03-31T01:01:00.000Z', '2025-03-31'],
    // CZCE sends the calendar day as TradingDay.
    ['CZCE', '20250328', '20250328', '21:30:00', 0, '2025-03-28T13:30:00.000Z', '2025-03-31'],
    ['CZCE', '20250328', '20250328', '14:59:00', 0, '2025-03-28T06:59:00.000Z', '2025-03-28'],
    // A front that leaves ActionDay empty.
    ['SHFE', '20250331', '', '21:00:00', 0, '2025-03-28T13:00:00.000Z', '2025-03-31'],
    // Mid-week night: Tuesday 21:05 belongs to Wednesday.
    ['SHFE', '20250326', '20250325', '21:05:00', 0, '2025-03-25T13:05:00.000Z', '2025-03-26'],
  ])(
    '%s TradingDay=%s ActionDay=%s %s.%d → %s, trading day %s',
    (exchange, tradingDay, actionDay, updateTime, updateMillisec, instant, expectedDay) => {
      const resolved = resolveCtpTickTime({
        exchange,
        tradingDay,
        actionDay,
        updateTime,
        updateMillisec,
      });
      expect(iso(resolved.epochMs)).toBe(instant);
      expect(resolved.tradingDay).toBe(expectedDay);
    },
  );

  it('a Friday 21:30 Beijing tick keeps its Friday datetime and belongs to Monday', () => {
    const fridayNight = Date.parse('2025-03-28T13:30:00Z');
    expect(epochMsToBeijing(fridayNight)).toEqual({ date: '2025-03-28', time: '21:30:00' });
    expect(futuresTradingDay(fridayNight)).toBe('2025-03-31');
    expect(futuresTradingDay(Date.parse('2025-03-28T18:00:00Z'))).toBe('2025-03-31');
    expect(futuresTradingDay(Date.parse('2025-03-28T06:00:00Z'))).toBe('2025-03-28');
  });
});
