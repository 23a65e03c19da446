import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSinaBody } from './sina-parser';
import { parseTencentBody } from './tencent-parser';

const fixture = (name: string) =>
  readFileSync(join(__dirname, '../../test/fixtures', name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .join('\n');

describe('Sina hq.sinajs.cn lines (§C.3)', () => {
  const parsed = parseSinaBody(fixture('sina-lines.txt'));

  it('maps every field of sh600000 (2019-07-16) as the spec table says', () => {
    expect(parsed.snapshots.find((s) => s.instrument_id === 'SSE.600000')).toEqual({
      instrument_id: 'SSE.600000',
      amount: 248901949,
      bid_price1: 11.54,
      bid_volume1: 19900,
      bid_price2: 11.53,
      bid_volume2: 54700,
      bid_price3: 11.52,
      bid_volume3: 561500,
      bid_price4: 11.51,
      bid_volume4: 105600,
      bid_price5: 11.5,
      bid_volume5: 172400,
      ask_price1: 11.55,
      ask_volume1: 259981,
      ask_price2: 11.56,
      ask_volume2: 206108,
      ask_price3: 11.57,
      ask_volume3: 325641,
      ask_price4: 11.58,
      ask_volume4: 215109,
      ask_price5: 11.59,
      ask_volume5: 262900,
      close: null,
      datetime: '2019-07-16T07:00:00Z',
      highest: 11.57,
      last_price: 11.56,
      lower_limit: 0,
      lowest: 11.44,
      open: 11.51,
      open_interest: '-',
      pre_close: 11.49,
      pre_open_interest: '-',
      pre_settlement: '-',
      settlement: '-',
      upper_limit: 0,
      volume: 21606007,
      average: 11.52, // 248,901,949 / 21,606,007 = 11.52003…
      iopv: null,
    });
  });

  it('skips only the empty lines; every other line of the batch is kept', () => {
    const lines = fixture('sina-lines.txt').split('\n');
    const empty = lines.filter((line) => line.endsWith('="";'));
    expect(parsed.snapshots).toHaveLength(lines.length - empty.length);
    expect(parsed.skipped.map((s) => s.reason)).toEqual(empty.map(() => 'empty quote'));
    const sandwich = parseSinaBody([lines[0], 'var hq_str_sz160923="";', lines[1]].join('\n'));
    expect(sandwich.snapshots).toHaveLength(2);
  });

  it('reads a not-yet-traded line (last 0, volume 0) as the previous close', () => {
    const quote = parsed.snapshots.find((s) => s.instrument_id === 'SZSE.160922')!;
    expect(quote).toMatchObject({
      last_price: 1.074,
      volume: 0,
      average: 0,
      bid_price1: 1.053,
      bid_volume1: 42000,
    });
    expect('bid_price3' in quote).toBe(false);
  });
});

describe('Tencent qt.gtimg.cn lines (§D.2)', () => {
  const parsed = parseTencentBody(fixture('tencent-lines.txt'));

  it('maps every field of sh600000 (2019-10-11) with units: lots → shares, amount in yuan', () => {
    expect(parsed.snapshots.find((s) => s.instrument_id === 'SSE.600000')).toMatchObject({
      last_price: 12.45,
      pre_close: 11.96,
      open: 12.05,
      volume: 92030800,
      bid_price1: 12.44,
      bid_volume1: 93800,
      bid_price5: 12.4,
      bid_volume5: 116700,
      ask_price1: 12.45,
      ask_volume1: 49400,
      ask_price5: 12.49,
      ask_volume5: 551300,
      datetime: '2019-10-11T07:58:58Z',
      highest: 12.45,
      lowest: 12,
      amount: 1131441679,
      upper_limit: 13.16,
      lower_limit: 10.76,
      average: 12.29,
      close: null,
      open_interest: '-',
    });
  });

  it('skips the Hong Kong lines and keeps every A-share line', () => {
    expect(parsed.skipped.map((s) => s.reason)).toEqual([
      'not an A-share line',
      'not an A-share line',
    ]);
    expect(parsed.snapshots).toHaveLength(34);
  });

  it('agrees with Sina on the same stocks at the same time (prices exact, volume ±50 shares)', () => {
    const sina = new Map(
      parseSinaBody(fixture('sina-lines.txt')).snapshots.map((s) => [s.instrument_id, s]),
    );
    let compared = 0;
    for (const quote of parsed.snapshots) {
      const other = sina.get(quote.instrument_id);
      if (!other || !other.datetime.startsWith('2022-11-22') || quote.volume === 0) continue;
      compared += 1;
      expect([
        quote.instrument_id,
        quote.open,
        quote.pre_close,
        quote.highest,
        quote.lowest,
        quote.last_price,
      ]).toEqual([
        other.instrument_id,
        other.open,
        other.pre_close,
        other.highest,
        other.lowest,
        other.last_price,
      ]);
      expect(Math.abs(quote.volume - other.volume)).toBeLessThanOrEqual(50);
      expect(Math.abs(quote.amount - other.amount)).toBeLessThanOrEqual(1);
    }
    expect(compared).toBeGreaterThanOrEqual(25);
  });

  it('never throws on garbage and keeps the good lines around it (fuzz)', () => {
    const good = fixture('tencent-lines.txt').split('\n')[1]!;
    for (const junk of [
      'v_sh600000="";',
      'v_pv_none_match="1";',
      'v_sh600001="1~x~600001~abc";',
      'garbage',
      'v_sz000001="51~~000001' + '~'.repeat(60) + '";',
    ]) {
      const result = parseTencentBody([good, junk, good].join('\n'));
      expect(result.snapshots.length).toBeGreaterThanOrEqual(2);
    }
  });
});
