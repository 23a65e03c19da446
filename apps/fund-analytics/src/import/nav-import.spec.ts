import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { Cell, columnLetter, parseDateCell, readNavFile, readNavSheets } from './nav-import';

/** Excel serial of a date (1900 system). */
const serial = (iso: string) => (Date.parse(iso) - Date.UTC(1899, 11, 30)) / 86_400_000;

async function workbook(build: (book: ExcelJS.Workbook) => void): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  build(book);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('NAV import', () => {
  it('reads dates in every usual form', () => {
    expect(parseDateCell('2024-01-05')).toBe('2024-01-05');
    expect(parseDateCell('2024/1/5')).toBe('2024-01-05');
    expect(parseDateCell('2024.1.5')).toBe('2024-01-05');
    expect(parseDateCell('2024年1月5日')).toBe('2024-01-05');
    expect(parseDateCell('20240105')).toBe('2024-01-05');
    expect(parseDateCell('2024-01-05 15:00:00')).toBe('2024-01-05');
    expect(parseDateCell(20240105)).toBe('2024-01-05');
    expect(parseDateCell(serial('2024-01-05'))).toBe('2024-01-05');
    expect(parseDateCell(new Date(Date.UTC(2024, 0, 5)))).toBe('2024-01-05');
    for (const bad of ['2024-02-30', '2024-13-01', 'yesterday', '', 20241305, -3, null, true])
      expect(parseDateCell(bad as Cell)).toBeUndefined();
    expect(columnLetter(1)).toBe('A');
    expect(columnLetter(28)).toBe('AB');
  });

  it('a real-looking workbook: merged title, Chinese headers, blank rows, serial dates, two products side by side', async () => {
    const data = await workbook((book) => {
      const sheet = book.addWorksheet('净值');
      sheet.mergeCells('A1:G1');
      sheet.getCell('A1').value = '私募产品净值披露表';
      sheet.getCell('A2').value = '稳健一号（SX0001）';
      sheet.getCell('E2').value = '成长二号（SX0002）';
      sheet.getRow(3).values = [
        '净值日期',
        '单位净值',
        '累计净值',
        null,
        '净值日期',
        '单位净值',
        '累计净值',
      ];
      const days = ['2024-01-19', '2024-01-12', '2024-01-05'];
      days.forEach((day, i) => {
        const row = 4 + i * 2; // a blank row between entries
        sheet.getRow(row).values = [
          serial(day),
          1.1 - i * 0.05,
          1.3 - i * 0.05,
          null,
          day.replace(/-/g, '/'),
          2 - i * 0.1,
          2.2 - i * 0.1,
        ];
      });
    });
    const result = await readNavFile(data, 'navs.xlsx');
    expect(result.problems).toEqual([]);
    expect(result.products.map((p) => [p.code, p.name, p.points.length])).toEqual([
      ['SX0001', '稳健一号', 3],
      ['SX0002', '成长二号', 3],
    ]);
    expect(result.products[0]!.points[0]).toEqual({ date: '2024-01-05', unitNav: 1, accNav: 1.2 });
    expect(result.products[1]!.points.map((p) => p.date)).toEqual([
      '2024-01-05',
      '2024-01-12',
      '2024-01-19',
    ]);
  });

  it('a product column: several products in one table, names from their column', async () => {
    const data = await workbook((book) => {
      const sheet = book.addWorksheet('Sheet1');
      sheet.addRow(['产品代码', '产品名称', '日期', '单位净值', '复权净值']);
      sheet.addRow(['P1', '甲', new Date(Date.UTC(2024, 0, 2)), 1.01, 1.01]);
      sheet.addRow(['P2', '乙', new Date(Date.UTC(2024, 0, 2)), 0.99, 0.99]);
      sheet.addRow(['P1', '甲', new Date(Date.UTC(2024, 0, 3)), 1.02, 1.02]);
    });
    const result = await readNavFile(data, 'x.xlsx');
    expect(result.problems).toEqual([]);
    expect(result.products.map((p) => [p.code, p.name, p.points.map((q) => q.adjNav)])).toEqual([
      ['P1', '甲', [1.01, 1.02]],
      ['P2', '乙', [0.99]],
    ]);
  });

  it('CSV with English headers; a single series takes the product given', async () => {
    const csv = Buffer.from(
      '\uFEFFDate,NAV,Accumulated NAV\n2024/1/5,"1,000.5",1200\n\n20240112,1001.25,1201\n',
    );
    const result = await readNavFile(csv, 'fund.csv', { product: 'F9' });
    expect(result.problems).toEqual([]);
    expect(result.products).toEqual([
      {
        code: 'F9',
        name: 'F9',
        source: 'fund.csv!A:C',
        points: [
          { date: '2024-01-05', unitNav: 1000.5, accNav: 1200 },
          { date: '2024-01-12', unitNav: 1001.25, accNav: 1201 },
        ],
      },
    ]);
  });

  it('a broken workbook: every problem with its sheet, row and column', async () => {
    const data = await workbook((book) => {
      const sheet = book.addWorksheet('bad');
      sheet.addRow(['日期', '单位净值']);
      sheet.addRow(['2024-01-05', 1.0]);
      sheet.addRow(['2024-02-30', 1.01]);
      sheet.addRow(['2024-01-08', -1]);
      sheet.addRow(['2024-01-09', null]);
      sheet.addRow(['2024-01-05', 1.02]);
      sheet.addRow([null, 'abc']);
      book.addWorksheet('notes').addRow(['just some text']);
    });
    const result = await readNavFile(data, 'bad.xlsx');
    expect(result.problems).toEqual([
      { sheet: 'bad', row: 3, column: 'A', reason: 'not a date: "2024-02-30"' },
      { sheet: 'bad', row: 4, column: 'B', reason: 'NAV must be a positive number: -1' },
      { sheet: 'bad', row: 5, column: 'B', reason: 'missing NAV' },
      {
        sheet: 'bad',
        row: 6,
        column: 'A',
        reason: '2024-01-05 of bad appears again (first in row 2)',
      },
      { sheet: 'bad', row: 7, column: 'A', reason: 'missing date' },
      { sheet: 'notes', reason: expect.stringContaining('no header row') },
    ]);
    expect((await readNavFile(Buffer.from('not a zip'), 'x.xlsx')).problems[0]!.reason).toContain(
      'cannot read',
    );
    expect((await readNavFile(Buffer.from(''), 'x.pdf')).problems[0]!.reason).toContain(
      '.xlsx and .csv',
    );
  });

  it('fuzz: any grid gives products or placed problems, never an exception', () => {
    const cell = fc.oneof(
      fc.constant(null),
      fc.constantFrom(
        '日期',
        '单位净值',
        '累计净值',
        '产品代码',
        'date',
        'nav',
        '2024-01-05',
        '2024/1/6',
        '',
      ),
      fc.string({ maxLength: 6 }),
      fc.double(),
      fc.integer({ min: 40000, max: 50000 }),
      fc.date({ noInvalidDate: true }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 8 }), {
          minLength: 1,
          maxLength: 3,
        }),
        (grids) => {
          const result = readNavSheets(grids.map((rows, i) => ({ name: `s${i}`, rows })));
          for (const problem of result.problems) expect(typeof problem.sheet).toBe('string');
          for (const product of result.products)
            for (const point of product.points) {
              expect(point.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
              expect(point.unitNav).toBeGreaterThan(0);
            }
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 500) },
    );
  });
});
