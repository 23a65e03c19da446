import { beijingToEpochMs } from './futures-session';
import { isSessionOpen } from './trading-sessions';

const at = (date: string, time: string) => beijingToEpochMs(date, `${time}:00`);

describe('isSessionOpen', () => {
  // 2025-03-28 is a Friday; 2025-03-31 the Monday after.
  it.each([
    ['SSE', '', '2025-03-28', '09:29', false],
    ['SSE', '', '2025-03-28', '09:30', true],
    ['SSE', '', '2025-03-28', '11:30', false],
    ['SSE', '', '2025-03-28', '13:00', true],
    ['SSE', '', '2025-03-29', '10:00', false], // Saturday
    ['SHFE', 'RB', '2025-03-28', '10:20', false], // 10:15–10:30 break
    ['SHFE', 'RB', '2025-03-28', '13:29', false],
    ['SHFE', 'RB', '2025-03-28', '14:59', true],
    ['SHFE', 'RB', '2025-03-28', '22:59', true],
    ['SHFE', 'RB', '2025-03-28', '23:00', false],
    ['SHFE', 'AU', '2025-03-29', '02:29', true], // Friday night runs into Saturday
    ['SHFE', 'AU', '2025-03-29', '02:30', false],
    ['SHFE', 'CU', '2025-03-29', '00:59', true],
    ['SHFE', 'CU', '2025-03-30', '00:30', false], // Saturday night: none
    ['CFFEX', 'IF', '2025-03-28', '09:15', false],
    ['CFFEX', 'T', '2025-03-28', '15:10', true],
    ['CFFEX', 'IF', '2025-03-28', '15:10', false],
    ['CFFEX', 'IF', '2025-03-28', '21:30', false],
    ['DCE', 'JD', '2025-03-28', '21:30', false], // no night session
    ['GFEX', 'SI', '2025-03-28', '21:30', false],
    ['CZCE', 'SR', '2025-03-28', '21:30', true],
  ])('%s %s %s %s → %s', (exchange, product, date, time, open) => {
    expect(isSessionOpen(exchange, product, at(date, time))).toBe(open);
  });

  it('has no night session before a long holiday (National Day 2025)', () => {
    // 2025-09-30 is the last trading day before the holiday; trading resumes 2025-10-09.
    expect(isSessionOpen('SHFE', 'AU', at('2025-09-30', '14:00'))).toBe(true);
    expect(isSessionOpen('SHFE', 'AU', at('2025-09-30', '21:30'))).toBe(false);
    expect(isSessionOpen('SHFE', 'AU', at('2025-10-08', '21:30'))).toBe(false);
    expect(isSessionOpen('SHFE', 'AU', at('2025-10-09', '21:30'))).toBe(true);
  });

  it('treats weekdays past the calendar data as trading days', () => {
    expect(isSessionOpen('SSE', '', at('2027-03-03', '10:00'))).toBe(true); // Wednesday
    expect(isSessionOpen('SSE', '', at('2027-03-06', '10:00'))).toBe(false); // Saturday
  });
});
