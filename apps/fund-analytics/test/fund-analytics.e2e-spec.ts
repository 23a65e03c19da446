import ExcelJS from 'exceljs';
import { startFundApp, upload } from './support/fund-app';

/** Weekly NAVs of two products side by side, Chinese headers, a merged title, newest first. */
async function workbook(weeks: number, broken = false): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('周净值');
  sheet.mergeCells('A1:E1');
  sheet.getCell('A1').value = '产品周净值';
  sheet.getCell('A2').value = '稳健一号（SX0001）';
  sheet.getCell('D2').value = '沪深300（IDX300）';
  sheet.getRow(3).values = ['净值日期', '单位净值', null, '日期', '收盘'];
  sheet.getCell('E3').value = '复权净值';
  for (let i = 0; i < weeks; i += 1) {
    const day = new Date(Date.UTC(2024, 0, 5 + 7 * (weeks - 1 - i)));
    const fund = 1 + 0.01 * Math.sin(i) + 0.002 * (weeks - i);
    const index = 1 + 0.02 * Math.cos(i / 2) + 0.001 * (weeks - i);
    sheet.getRow(4 + i).values = [day, broken && i === 2 ? 'n/a' : fund, null, day, index];
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('fund analytics over HTTP (real PostgreSQL): upload → metrics', () => {
  let fund: Awaited<ReturnType<typeof startFundApp>>;
  let base: string;

  beforeAll(async () => {
    fund = await startFundApp('fund');
    base = fund.base;
  });

  afterAll(async () => {
    await fund?.stop();
  });

  it('a broken file imports nothing and says where each problem is', async () => {
    const { status, body } = await upload(base, await workbook(10, true));
    expect(status).toBe(422);
    expect(body).toMatchObject({ code: 'IMPORT_REJECTED' });
    expect(body.problems).toEqual([
      { sheet: '周净值', row: 6, column: 'B', reason: 'NAV must be a positive number: "n/a"' },
    ]);
    expect(await (await fetch(`${base}/api/products`)).json()).toEqual([]);
  });

  it('dry run, import, re-import (idempotent), list, NAV', async () => {
    const data = await workbook(60);
    const dry = await upload(base, data, 'navs.xlsx', { dry_run: 'true' });
    expect(dry.status).toBe(201);
    expect(dry.body.dry_run).toBe(true);
    expect(dry.body.products).toEqual([
      { code: 'SX0001', name: '稳健一号', created: true, added: 60, changed: 0, unchanged: 0 },
      { code: 'IDX300', name: '沪深300', created: true, added: 60, changed: 0, unchanged: 0 },
    ]);
    expect(await (await fetch(`${base}/api/products`)).json()).toEqual([]);
    const first = await upload(base, data);
    expect(first.body.products.map((p: { added: number }) => p.added)).toEqual([60, 60]);
    const again = await upload(base, data);
    expect(
      again.body.products.map((p: { created: boolean; added: number; unchanged: number }) => [
        p.created,
        p.added,
        p.unchanged,
      ]),
    ).toEqual([
      [false, 0, 60],
      [false, 0, 60],
    ]);
    const rows = await fund.database.query<{ n: string }>('SELECT count(*) AS n FROM fund_nav');
    expect(Number(rows[0]!.n)).toBe(120);
    const list = (await (await fetch(`${base}/api/products?search=稳健`)).json()) as any[];
    expect(list).toEqual([
      {
        code: 'SX0001',
        name: '稳健一号',
        points: 60,
        first: '2024-01-05',
        last: expect.any(String),
      },
    ]);
    const nav = (await (
      await fetch(`${base}/api/products/SX0001/nav?start=2024-01-05&end=2024-01-19`)
    ).json()) as any;
    expect(nav.nav.map((p: { date: string }) => p.date)).toEqual([
      '2024-01-05',
      '2024-01-12',
      '2024-01-19',
    ]);
  });

  it('metrics state their convention; weekly NAVs give 52 periods; a benchmark is aligned', async () => {
    const response = await fetch(`${base}/api/products/SX0001/metrics?preset=quantstats`);
    expect(response.status).toBe(200);
    const result = (await response.json()) as any;
    expect(result.convention).toMatchObject({
      name: 'quantstats+overrides',
      periods_per_year: 52,
      var_method: 'parametric',
    });
    expect(result.nav_field).toBe('unit_nav');
    const navs = ((await (await fetch(`${base}/api/products/SX0001/nav`)).json()) as any).nav.map(
      (p: { unit_nav: number }) => p.unit_nav,
    );
    expect(result.metrics.comp).toBeCloseTo(navs.at(-1) / navs[0] - 1, 12);
    expect(result.observations).toBe(60); // quantstats keeps the first NAV as a 0 return
    for (const key of [
      'sharpe',
      'sortino',
      'max_drawdown',
      'cagr',
      'volatility',
      'calmar',
      'omega',
      'value_at_risk',
      'cvar',
    ])
      expect(typeof result.metrics[key]).toBe('number');
    expect(result.drawdown.max_drawdown_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(result.trailing.ytd).toEqual(expect.any(Number));
    expect(Object.keys(result.calendar.monthly)).toEqual(['2024', '2025']);
    const empyrical = (await (
      await fetch(`${base}/api/products/SX0001/metrics?preset=empyrical&periods_per_year=52`)
    ).json()) as any;
    expect(empyrical.observations).toBe(59);
    expect(empyrical.convention.var_method).toBe('historical');
    const relative = (await (
      await fetch(`${base}/api/products/SX0001/metrics?benchmark=IDX300`)
    ).json()) as any;
    expect(relative.benchmark).toEqual({ code: 'IDX300', name: '沪深300', nav_field: 'adj_nav' });
    expect(relative.alignment).toContain('inner join');
    expect(typeof relative.metrics.beta).toBe('number');
    expect(typeof relative.metrics.information_ratio).toBe('number');
    expect((await fetch(`${base}/api/products/NOPE/metrics`)).status).toBe(404);
    const bad = await fetch(`${base}/api/products/SX0001/metrics?preset=morningstar`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).message).toContain('preset must be one of');
    expect((await fetch(`${base}/api/products/SX0001/metrics?start=yesterday`)).status).toBe(400);
  });

  it('nav_first_point switches the first-NAV rule on metrics, compare and the report (issue 16)', async () => {
    const get = async (
      query: string,
    ): Promise<{ observations: number; convention: { nav_first_point: string } }> =>
      (await (await fetch(`${base}/api/products/SX0001/metrics?${query}`)).json()) as {
        observations: number;
        convention: { nav_first_point: string };
      };
    const dropped = await get('preset=quantstats&nav_first_point=drop');
    expect(dropped.observations).toBe(59);
    expect(dropped.convention.nav_first_point).toBe('drop');
    const kept = await get('preset=empyrical&nav_first_point=zero');
    expect(kept.observations).toBe(60);
    expect((await fetch(`${base}/api/products/SX0001/metrics?nav_first_point=first`)).status).toBe(
      400,
    );
    const compared = await fetch(`${base}/api/compare`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ codes: ['SX0001', 'IDX300'], nav_first_point: 'drop' }),
    });
    expect(compared.status).toBe(201);
    expect(((await compared.json()) as any).convention.nav_first_point).toBe('drop');
    const report = await fetch(`${base}/api/products/SX0001/report?nav_first_point=drop`);
    expect(report.status).toBe(200);
  });

  it('compare: aligned dates, statistics per product, ranking, correlation matrix, benchmark', async () => {
    // A third product with fewer dates: the comparison keeps only the dates all share.
    const csv = [
      'date,nav',
      ...Array.from({ length: 30 }, (_, i) => {
        const day = new Date(Date.UTC(2024, 0, 5 + 14 * i)).toISOString().slice(0, 10);
        return `${day},${(1 + 0.03 * Math.sin(i * 1.7)).toFixed(4)}`;
      }),
    ].join('\n');
    const form = new FormData();
    form.append('file', new Blob([csv]), 'third.csv');
    form.append('product', 'P3');
    expect(
      (await fetch(`${base}/api/products/import`, { method: 'POST', body: form })).status,
    ).toBe(201);
    const response = await fetch(`${base}/api/compare`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        codes: ['SX0001', 'P3'],
        benchmark: 'IDX300',
        rank_by: 'volatility',
        preset: 'empyrical',
      }),
    });
    expect(response.status).toBe(201);
    const result = (await response.json()) as any;
    expect(result.alignment).toContain('inner join');
    expect(result.observations).toBe(29); // 30 shared bi-weekly dates, empyrical drops the first point
    expect(result.convention.name).toBe('empyrical+overrides'); // bi-weekly → 52 inferred
    expect(result.products.map((p: { code: string }) => p.code)).toEqual(['SX0001', 'P3']);
    expect(typeof result.products[0].metrics.beta).toBe('number');
    const volatility = result.products.map(
      (p: { metrics: { volatility: number } }) => p.metrics.volatility,
    );
    expect(result.ranking).toEqual({
      by: 'volatility',
      order: 'asc',
      codes: volatility[0] <= volatility[1] ? ['SX0001', 'P3'] : ['P3', 'SX0001'],
    });
    expect(result.correlation[0][0]).toBeCloseTo(1, 12);
    expect(result.correlation[0][1]).toBeCloseTo(result.correlation[1][0], 12);
    const single = (await (
      await fetch(`${base}/api/products/SX0001/metrics?preset=empyrical&benchmark=P3`)
    ).json()) as any;
    expect(result.correlation[0][1]).toBeCloseTo(single.metrics.correlation, 12);
    for (const [body, status] of [
      [{ codes: ['SX0001'] }, 400],
      [{ codes: ['SX0001', 'NOPE'] }, 404],
      [{ codes: ['SX0001', 'P3'], rank_by: 'luck' }, 400],
      [{ codes: 'SX0001' }, 400],
    ] as const) {
      const bad = await fetch(`${base}/api/compare`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(bad.status).toBe(status);
    }
  });
});
