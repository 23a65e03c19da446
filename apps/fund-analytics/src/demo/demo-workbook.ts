import ExcelJS from 'exceljs';
import { syntheticNav, weekdays } from './synthetic-nav';

interface DemoProduct {
  code: string;
  name: string;
  /** Mean return per day. */
  drift: number;
  vol: number;
  beta: number;
  /** Published weekly (Fridays) instead of daily. */
  weekly?: boolean;
}

/** The demo products: code, name, and how their NAV moves (daily unless `weekly`). */
export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  { code: 'IDX300', name: '沪深300指数', drift: 0.0002, vol: 0.012, beta: 0 },
  { code: 'QD0001', name: '量化多头一号', drift: 0.0004, vol: 0.005, beta: 0.9 },
  { code: 'CTA002', name: 'CTA趋势二号', drift: 0.0005, vol: 0.009, beta: -0.1 },
  { code: 'WJ0003', name: '稳健增强三号', drift: 0.0016, vol: 0.008, beta: 0.5, weekly: true },
  { code: 'ZX0004', name: '中性套利四号', drift: 0.0012, vol: 0.004, beta: 0.05, weekly: true },
];

/** First NAV date and number of trading days of the demo series (three years). */
const START = '2023-01-02';
const DAYS = 780;

/**
 * The bundled example workbook (`apps/fund-analytics/examples/demo-funds.xlsx`), laid out as fund
 * administrators' exports often are: a merged title row, product names above their columns with
 * the code in brackets, Chinese headers, several products side by side, newest rows first on the
 * weekly sheet, unit and accumulated NAV (the accumulated one adds a dividend paid in 2024).
 */
export async function demoWorkbook(): Promise<Buffer> {
  const dates = weekdays(START, DAYS);
  const market = syntheticNav(DAYS, { seed: 300, drift: 0.0002, vol: 0.012 });
  const series = DEMO_PRODUCTS.map((product, index) =>
    index === 0
      ? market
      : syntheticNav(DAYS, {
          seed: 1000 + index,
          drift: product.drift / (product.weekly ? 5 : 1),
          vol: product.vol,
          beta: product.beta,
          market,
        }),
  );
  const book = new ExcelJS.Workbook();
  book.creator = 'QAUTLRA demo';
  book.created = new Date(Date.UTC(2026, 0, 1));
  book.modified = book.created;

  const daily = book.addWorksheet('日净值');
  const dailyProducts = DEMO_PRODUCTS.map((p, i) => ({ ...p, navs: series[i]! })).filter(
    (p) => !p.weekly,
  );
  daily.mergeCells(1, 1, 1, dailyProducts.length * 4 - 1);
  daily.getCell(1, 1).value = '产品净值表（日度）';
  daily.getCell(1, 1).font = { bold: true, size: 14 };
  dailyProducts.forEach((product, block) => {
    const column = block * 4 + 1;
    daily.getCell(2, column).value = `${product.name}（${product.code}）`;
    daily.getRow(3).getCell(column).value = '净值日期';
    daily.getRow(3).getCell(column + 1).value = '单位净值';
    daily.getRow(3).getCell(column + 2).value = '累计净值';
    dates.forEach((date, i) => {
      const row = daily.getRow(4 + i);
      row.getCell(column).value = new Date(`${date}T00:00:00Z`);
      row.getCell(column).numFmt = 'yyyy-mm-dd';
      // A dividend of 0.05 paid on 2024-06-28: the unit NAV drops, the accumulated one does not.
      const paid = date >= '2024-06-28' && product.code !== 'IDX300' ? 0.05 : 0;
      const nav = product.navs[i]!;
      row.getCell(column + 1).value = Number((nav - paid).toFixed(4));
      row.getCell(column + 2).value = Number(nav.toFixed(4));
    });
  });

  const weekly = book.addWorksheet('周净值');
  const weeklyProducts = DEMO_PRODUCTS.map((p, i) => ({ ...p, navs: series[i]! })).filter(
    (p) => p.weekly,
  );
  const fridays = dates
    .map((date, i) => ({ date, i }))
    .filter(({ date }) => new Date(`${date}T00:00:00Z`).getUTCDay() === 5)
    .reverse();
  weekly.mergeCells(1, 1, 1, weeklyProducts.length * 3 - 1);
  weekly.getCell(1, 1).value = '私募产品周净值（最新在前）';
  weekly.getCell(1, 1).font = { bold: true, size: 14 };
  weeklyProducts.forEach((product, block) => {
    const column = block * 3 + 1;
    weekly.getCell(2, column).value = `${product.name}（${product.code}）`;
    weekly.getRow(3).getCell(column).value = '日期';
    weekly.getRow(3).getCell(column + 1).value = '累计净值';
    fridays.forEach(({ date, i }, k) => {
      const row = weekly.getRow(4 + k);
      row.getCell(column).value = Number(date.replaceAll('-', ''));
      row.getCell(column + 1).value = Number(product.navs[i]!.toFixed(4));
    });
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
