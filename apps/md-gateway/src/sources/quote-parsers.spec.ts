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

describe('Sina nf_ futures lines (§C.5)', () => {
  // Lines built field by field from the spec's tables (no recorded nf_ payload is available).
  const commodity = [
    '螺纹钢2505',
    '225959',
    '3120.000',
    '3150.000',
    '3110.000',
    '3125.000',
    '3140.000',
    '3141.000',
    '3140.000',
    '3132.000',
    '3118.000',
    '120',
    '85',
    '2375618.000',
    '1234567',
    '沪',
    '螺纹钢',
    '2025-03-28',
    '1',
    ...Array<string>(8).fill(''),
    '3132.456',
    ...Array.from({ length: 8 }, () => ['0.000', '0']).flat(),
  ];
  const cffex = [
    '3900.0',
    '3950.2',
    '3890.0',
    '3940.4',
    '98765',
    '1.16e11',
    '250000.0',
    '3940.4',
    '0.0',
    '4300.0',
    '3518.2',
    '0',
    '0',
    '3905.0',
    '3909.4',
    '249000.0',
    '3940.2',
    '12',
    '3940.0',
    '5',
    '3939.8',
    '7',
    '3939.6',
    '2',
    '3939.4',
    '9',
    '3940.6',
    '3',
    '3940.8',
    '4',
    '3941.0',
    '6',
    '3941.2',
    '8',
    '3941.4',
    '1',
    '2025-03-28',
    '14:59:59',
    '300',
    '1',
    ...Array<string>(8).fill(''),
    '3925.31',
    '沪深300指数期货2506',
  ];
  const body = [
    `var hq_str_nf_RB2505="${commodity.join(',')}";`,
    'var hq_str_nf_AU2506="";',
    `var hq_str_nf_IF2506="${cffex.join(',')}";`,
  ].join('\n');
  const parsed = parseSinaBody(body);

  it('has 44 commodity fields and 50 CFFEX fields, as the spec says', () => {
    expect(commodity).toHaveLength(44);
    expect(cffex).toHaveLength(50);
  });

  it('maps the commodity layout (time HHMMSS, calendar date, lots, derived amount)', () => {
    const rb = parsed.snapshots.find((s) => s.instrument_id === 'SHFE.rb2505');
    expect(rb).toEqual({
      instrument_id: 'SHFE.rb2505',
      amount: Math.round(3132.456 * 1234567 * 10 * 100) / 100,
      ask_price1: 3141,
      ask_volume1: 85,
      bid_price1: 3140,
      bid_volume1: 120,
      close: null,
      datetime: '2025-03-28T14:59:59Z',
      highest: 3150,
      last_price: 3140,
      lower_limit: 0,
      lowest: 3110,
      open: 3120,
      open_interest: 2375618,
      pre_close: 3125,
      pre_open_interest: '-',
      pre_settlement: 3118,
      settlement: '-',
      upper_limit: 0,
      volume: 1234567,
      average: 3132.456,
      iopv: null,
    });
  });

  it('maps the CFFEX layout (limits, amount, five book levels)', () => {
    const ifq = parsed.snapshots.find((s) => s.instrument_id === 'CFFEX.IF2506');
    expect(ifq).toMatchObject({
      open: 3900,
      highest: 3950.2,
      lowest: 3890,
      last_price: 3940.4,
      volume: 98765,
      amount: 1.16e11,
      open_interest: 250000,
      settlement: '-',
      upper_limit: 4300,
      lower_limit: 3518.2,
      pre_close: 3905,
      pre_settlement: 3909.4,
      pre_open_interest: 249000,
      bid_price1: 3940.2,
      bid_volume1: 12,
      bid_price5: 3939.4,
      bid_volume5: 9,
      ask_price1: 3940.6,
      ask_volume1: 3,
      ask_price5: 3941.4,
      ask_volume5: 1,
      datetime: '2025-03-28T06:59:59Z',
      average: 3925.31,
    });
  });

  it('skips the empty line between them and keeps both neighbours', () => {
    expect(parsed.snapshots).toHaveLength(2);
    expect(parsed.skipped).toEqual([{ code: 'nf_AU2506', reason: 'empty quote' }]);
  });
});
