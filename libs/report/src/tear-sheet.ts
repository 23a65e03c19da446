import {
  Convention,
  DrawdownPeriod,
  drawdowns,
  navToReturns,
  SeriesAnalysis,
} from '@qautlra/analytics';
import { barChart, lineChart, PALETTE } from './charts';
import { escapeHtml, formatCell, heatColor } from './format';
import { metricGroups, RowSource } from './metric-rows';
import { sheetWords, type SheetWords } from './sheet-language';

/** One series as a report draws it: its statistics and its dated curves. */
export interface SheetSeries {
  code: string;
  name: string;
  analysis: SeriesAnalysis;
  /** Compounded return since the start, on the sheet's dates. */
  cumulative: number[];
  /** Drawdown on the sheet's dates. */
  drawdown: readonly number[];
}

export interface ProductSheet {
  product: SheetSeries & { nav_field: string };
  benchmark?: SheetSeries;
  start: string | null;
  end: string | null;
  /** The dates of the returns (the curves' x axis). */
  dates: string[];
  worstDrawdowns: DrawdownPeriod[];
  alignment?: string;
}

export interface ComparisonSheet {
  convention: Convention;
  start: string | null;
  end: string | null;
  dates: string[];
  alignment: string;
  products: SheetSeries[];
  benchmark?: SheetSeries;
  ranking?: { by: string; order: 'asc' | 'desc'; codes: string[] };
  correlation: (number | null)[][];
}

/**
 * The dated curves a sheet draws from a NAV series: the returns' dates, the returns, the
 * compounded return since the start and the drawdown.
 */
export function sheetCurves(
  dates: readonly string[],
  navs: ArrayLike<number>,
  convention: Convention,
) {
  const { dates: returnDates, returns } = navToReturns(
    Array.from(dates, (date, i) => ({ date, nav: navs[i]! })),
    convention,
  );
  let growth = 1;
  const cumulative = returns.map(
    (r) => (growth *= convention.returnType === 'log' ? Math.exp(r) : 1 + r) - 1,
  );
  return {
    dates: returnDates,
    returns,
    cumulative,
    drawdown: drawdowns(returns, convention.returnType),
  };
}

const MONTHS = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];
/** Lines drawn in one comparison chart; the rest are in the tables. */
const MAX_LINES = 12;
const BENCHMARK_COLOUR = '#8c959f';

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f8fa; color: #24292f;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 40px; }
header h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; }
header .sub { color: #57606a; font-size: 13px; }
header .sub span + span::before { content: "·"; margin: 0 8px; color: #8c959f; }
.kpis { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; margin: 20px 0; }
.kpi { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 14px; }
.kpi .label { color: #57606a; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.kpi .value { font-size: 22px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.kpi .bench { color: #57606a; font-size: 12px; font-variant-numeric: tabular-nums; }
.up { color: var(--gain); } .down { color: var(--loss); }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px; overflow: hidden; }
.card.wide { grid-column: 1 / -1; }
.card h2 { font-size: 14px; margin: 6px 8px 10px; font-weight: 600; }
.card svg { display: block; width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; text-align: right; white-space: nowrap; }
th:first-child, td:first-child, .left { text-align: left; }
table.compact { width: auto; }
thead th { color: #57606a; font-weight: 600; border-bottom: 1px solid #d0d7de; font-size: 12px; }
tbody tr:nth-child(even) td { background: #f6f8fa; }
td.group { background: #fff !important; font-weight: 650; padding-top: 12px; color: #24292f; border-bottom: 1px solid #eaeef2; }
.metrics { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; align-items: start; }
.heat td { font-size: 11.5px; min-width: 46px; padding: 4px 5px; }
.scroll { overflow-x: auto; }
footer { margin-top: 24px; color: #57606a; font-size: 12px; }
footer code { background: #eaeef2; padding: 1px 4px; border-radius: 4px; }
@media (max-width: 900px) { .kpis { grid-template-columns: repeat(3, 1fr); } .grid, .metrics { grid-template-columns: 1fr; } }
@media (max-width: 560px) { main { padding: 16px 10px 28px; } .kpis { grid-template-columns: repeat(2, 1fr); } .kpi .value { font-size: 19px; } }
@media print { body { background: #fff; } .card, .kpi { break-inside: avoid; } }
`;

/** A whole self-contained HTML page in the tear sheets' style. */
export function page(title: string, body: string, words: SheetWords): string {
  return `<!doctype html>
<html lang="${words.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>:root { --gain: ${words.gain}; --loss: ${words.loss}; }${STYLE}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

const signClass = (value: number | null | undefined) =>
  value === null || value === undefined ? '' : value >= 0 ? 'up' : 'down';

/** A headline figure. */
export function kpi(
  label: string,
  value: number | null | undefined,
  format: 'pct' | 'ratio',
  words: SheetWords,
  benchmark?: number | null,
  colour = true,
): string {
  const bench =
    benchmark === undefined
      ? ''
      : `<div class="bench">${words.benchmark(formatCell(benchmark, format))}</div>`;
  return `<div class="kpi"><div class="label">${words.t(label)}</div><div class="value ${colour ? signClass(value) : ''}">${formatCell(value, format)}</div>${bench}</div>`;
}

function conventionFooter(convention: Convention, alignment?: string): string {
  const facts = [
    `convention <code>${escapeHtml(convention.name)}</code>`,
    `${convention.periodsPerYear} periods/year`,
    `${convention.returnType} returns`,
    `risk-free ${(convention.riskFree * 100).toFixed(2)}% (${convention.rfMode})`,
    `${convention.std} std`,
    `VaR ${convention.varMethod} ${(convention.confidence * 100).toFixed(0)}%`,
    `CVaR ${convention.cvarMethod}`,
    `${convention.moments} skew/kurtosis`,
    `${convention.alpha} alpha`,
    `first NAV point: ${convention.navFirstPoint}`,
  ];
  return `<footer><div>${facts.join(' · ')}</div>${alignment ? `<div>Dates: ${escapeHtml(alignment)}.</div>` : ''}<div>QAUTLRA fund analytics · statistics keyed by quantstats names · generated ${new Date().toISOString()}</div></footer>`;
}

function metricsTable(
  columns: { title: string; source: RowSource; own: boolean }[],
  periods: number,
  withRelative: boolean,
  words: SheetWords,
): string {
  const head = `<thead><tr><th>${words.t('Metric')}</th>${columns.map((c) => `<th>${escapeHtml(c.title)}</th>`).join('')}</tr></thead>`;
  const groups = metricGroups(periods, words).map((group) => {
    const rows = group.rows
      .filter((row) => withRelative || !row.relative)
      .map(
        (row) =>
          `<tr><td>${escapeHtml(row.label)}</td>${columns
            .map(
              (c) =>
                `<td>${row.relative && !c.own ? '–' : formatCell(row.value(c.source), row.format)}</td>`,
            )
            .join('')}</tr>`,
      );
    return {
      rows: rows.length,
      html: rows.length
        ? `<tr><td class="group" colspan="${columns.length + 1}">${escapeHtml(group.title)}</td></tr>${rows.join('')}`
        : '',
    };
  });
  // Two tables of about the same height, each with its header once.
  const total = groups.reduce((sum, group) => sum + group.rows + 1, 0);
  let left = 0;
  let split = 0;
  while (split < groups.length && left + groups[split]!.rows + 1 <= total / 2 + 2) {
    left += groups[split]!.rows + 1;
    split += 1;
  }
  const table = (part: typeof groups) =>
    `<table>${head}<tbody>${part.map((group) => group.html).join('')}</tbody></table>`;
  return `<div class="metrics">${table(groups.slice(0, split))}${table(groups.slice(split))}</div>`;
}

function monthlyHeatmap(calendar: SeriesAnalysis['calendar'], words: SheetWords): string {
  const years = Object.keys(calendar.monthly).sort();
  const values = years.flatMap((year) => Object.values(calendar.monthly[year]!));
  const scale = Math.max(0.0001, ...values.map(Math.abs));
  const yearScale = Math.max(0.0001, ...Object.values(calendar.yearly).map(Math.abs));
  const rows = years
    .map((year) => {
      const cells = MONTHS.map((month) => {
        const value = calendar.monthly[year]![month];
        return `<td style="background:${heatColor(value, scale, words)}">${value === undefined ? '' : formatCell(value, 'pct')}</td>`;
      }).join('');
      const total = calendar.yearly[year];
      return `<tr><td>${year}</td>${cells}<td style="background:${heatColor(total, yearScale, words)}"><b>${formatCell(total, 'pct')}</b></td></tr>`;
    })
    .join('');
  return `<div class="scroll"><table class="heat"><thead><tr><th>${words.t('Year')}</th>${words.months.map((m) => `<th>${m}</th>`).join('')}<th>${words.t('Year')}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function rollingCharts(
  dates: readonly string[],
  series: readonly SheetSeries[],
  colour: (one: SheetSeries, index: number) => string,
  words: SheetWords,
): string {
  const rolled = series.filter(
    (one) => one.analysis.rolling && one.analysis.rolling.dates.length > 0,
  );
  if (rolled.length === 0)
    return `<div class="card wide"><h2>${words.t('Rolling statistics')}</h2><p style="margin:8px">${words.t('The series is shorter than one rolling window.')}</p></div>`;
  const window = rolled[0]!.analysis.rolling!.window;
  const first = rolled[0]!.analysis.rolling!.dates[0]!;
  const axis = dates.filter((date) => date >= first);
  const on = (one: SheetSeries, key: 'sharpe' | 'volatility') => {
    const rolling = one.analysis.rolling!;
    const byDate = new Map(rolling.dates.map((date, i) => [date, rolling[key][i] ?? null]));
    return axis.map((date) => byDate.get(date) ?? null);
  };
  const chart = (key: 'sharpe' | 'volatility', title: string) =>
    lineChart({
      title,
      dates: axis,
      format: key === 'volatility' ? 'percent' : 'number',
      baseline: key === 'sharpe' ? 0 : undefined,
      lines: rolled.map((one, index) => ({
        name: one.name,
        values: on(one, key),
        color: colour(one, index),
      })),
    });
  return `<div class="card">${chart('sharpe', words.rollingSharpe(window))}</div><div class="card">${chart('volatility', words.rollingVolatility(window))}</div>`;
}

/** The tear sheet of one product, against its benchmark when it has one. */
export function renderProductSheet(sheet: ProductSheet, words: SheetWords = sheetWords()): string {
  const { product, benchmark } = sheet;
  const a = product.analysis;
  const b = benchmark?.analysis;
  const source = (one: SheetSeries): RowSource => ({
    ...one.analysis,
    start: sheet.start,
    end: sheet.end,
  });
  const sub = [
    `<span>${escapeHtml(product.code)}</span>`,
    `<span>${escapeHtml(sheet.start ?? '')} → ${escapeHtml(sheet.end ?? '')}</span>`,
    `<span>${words.observations(a.observations)}</span>`,
    `<span>NAV: ${escapeHtml(product.nav_field)}</span>`,
    `<span>${words.convention(escapeHtml(a.convention.name))}</span>`,
    benchmark
      ? `<span>${words.benchmark(`${escapeHtml(benchmark.name)} (${escapeHtml(benchmark.code)})`)}</span>`
      : '',
  ].join('');
  const lines = [
    { name: product.name, values: product.cumulative, color: PALETTE[0] },
    ...(benchmark
      ? [{ name: benchmark.name, values: benchmark.cumulative, color: '#8c959f' }]
      : []),
  ];
  const worst = sheet.worstDrawdowns
    .map(
      (period) =>
        `<tr><td>${period.start}</td><td>${period.valley}</td><td>${period.recovered ? period.end : words.t('not recovered')}</td><td>${formatCell(period.depth, 'pct')}</td><td>${period.days}</td></tr>`,
    )
    .join('');
  const years = Object.keys(a.calendar.yearly).sort();
  const body = `
<header><h1>${escapeHtml(product.name)}</h1><div class="sub">${sub}</div></header>
<section class="kpis">
${kpi('Cumulative', a.metrics.comp, 'pct', words, b?.metrics.comp)}
${kpi('CAGR', a.metrics.cagr, 'pct', words, b?.metrics.cagr)}
${kpi('Sharpe', a.metrics.sharpe, 'ratio', words, b?.metrics.sharpe)}
${kpi('Max drawdown', a.metrics.max_drawdown, 'pct', words, b?.metrics.max_drawdown)}
${kpi('Volatility', a.metrics.volatility, 'pct', words, b?.metrics.volatility, false)}
${kpi('Calmar', a.metrics.calmar, 'ratio', words, b?.metrics.calmar)}
</section>
<section class="grid">
<div class="card wide">${lineChart({ title: words.t(benchmark ? 'Cumulative return vs benchmark' : 'Cumulative return'), dates: sheet.dates, lines, format: 'percent', width: 1120, height: 320, baseline: 0 })}</div>
<div class="card wide">${lineChart({ title: words.t('Drawdown (underwater)'), dates: sheet.dates, lines: [{ name: product.name, values: product.drawdown, color: '#cf222e', area: true }], format: 'percent', width: 1120, height: 220 })}</div>
${rollingCharts(sheet.dates, benchmark ? [product, benchmark] : [product], (one) => (one === benchmark ? BENCHMARK_COLOUR : PALETTE[0]!), words)}
<div class="card wide"><h2>${words.t('Monthly returns')}</h2>${monthlyHeatmap(a.calendar, words)}</div>
<div class="card">${barChart({ title: words.t('Yearly returns'), categories: years, bars: [{ name: product.name, values: years.map((y) => a.calendar.yearly[y] ?? null) }, ...(b ? [{ name: benchmark.name, values: years.map((y) => b.calendar.yearly[y] ?? null), color: '#8c959f' }] : [])] })}</div>
<div class="card"><h2>${words.t('Worst drawdowns')}</h2><table><thead><tr>${['Started', 'Valley', 'Recovered', 'Depth', 'Days'].map((head) => `<th>${words.t(head)}</th>`).join('')}</tr></thead><tbody>${worst || `<tr><td colspan="5">${words.t('No drawdown in the range.')}</td></tr>`}</tbody></table></div>
<div class="card wide"><h2>${words.t('Key performance metrics')}</h2>${metricsTable(
    [
      { title: product.name, source: source(product), own: true },
      ...(benchmark ? [{ title: benchmark.name, source: source(benchmark), own: false }] : []),
    ],
    a.convention.periodsPerYear,
    benchmark !== undefined,
    words,
  )}</div>
</section>
${conventionFooter(a.convention, sheet.alignment)}`;
  return page(`${product.name} — ${words.t('tear sheet')}`, body, words);
}

/** The tear sheet of a comparison: every product on the same dates, ranked. */
export function renderComparisonSheet(
  sheet: ComparisonSheet,
  words: SheetWords = sheetWords(),
): string {
  const byCode = new Map(sheet.products.map((one) => [one.code, one]));
  const ordered = sheet.ranking
    ? sheet.ranking.codes.map((code) => byCode.get(code)!)
    : sheet.products;
  const drawn = ordered.slice(0, MAX_LINES);
  const withBenchmark = sheet.benchmark ? [...drawn, sheet.benchmark] : drawn;
  const lineOf = (one: SheetSeries, index: number, values: readonly number[]) => ({
    name: one.name,
    values,
    color: one === sheet.benchmark ? BENCHMARK_COLOUR : PALETTE[index % PALETTE.length],
  });
  const columns: [string, string, 'pct' | 'ratio'][] = [
    ['Cumulative', 'comp', 'pct'],
    ['CAGR', 'cagr', 'pct'],
    ['Volatility', 'volatility', 'pct'],
    ['Sharpe', 'sharpe', 'ratio'],
    ['Prob. Sharpe', 'probabilistic_sharpe_ratio', 'pct'],
    ['Sortino', 'sortino', 'ratio'],
    ['Max DD', 'max_drawdown', 'pct'],
    ['Calmar', 'calmar', 'ratio'],
    ['Omega', 'omega', 'ratio'],
    ['Win rate', 'win_rate', 'pct'],
    ...(sheet.benchmark
      ? ([
          ['Beta', 'beta', 'ratio'],
          ['Alpha', 'alpha', 'ratio'],
          ['Info. ratio', 'information_ratio', 'ratio'],
        ] as [string, string, 'pct' | 'ratio'][])
      : []),
  ];
  const tableRows = [...ordered, ...(sheet.benchmark ? [sheet.benchmark] : [])]
    .map(
      (one, index) =>
        `<tr><td>${one === sheet.benchmark ? '' : index + 1}</td><td class="left">${escapeHtml(one.name)} <span style="color:#57606a">${escapeHtml(one.code)}</span></td>${columns
          .map(
            ([, key, format]) =>
              `<td>${one === sheet.benchmark && ['beta', 'alpha', 'information_ratio'].includes(key) ? '–' : formatCell(one.analysis.metrics[key], format)}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  const months = [
    ...new Set(
      ordered.flatMap((one) =>
        Object.entries(one.analysis.calendar.monthly).flatMap(([year, m]) =>
          Object.keys(m).map((month) => `${year}-${month}`),
        ),
      ),
    ),
  ]
    .sort()
    .slice(-12);
  const years = [
    ...new Set(ordered.flatMap((one) => Object.keys(one.analysis.calendar.yearly))),
  ].sort();
  const yearScale = Math.max(
    0.0001,
    ...ordered.flatMap((one) =>
      years.map((year) => Math.abs(one.analysis.calendar.yearly[year] ?? 0)),
    ),
  );
  const monthValue = (one: SheetSeries, key: string) =>
    one.analysis.calendar.monthly[key.slice(0, 4)]?.[key.slice(5)];
  const heatScale = Math.max(
    0.0001,
    ...ordered.flatMap((one) => months.map((key) => Math.abs(monthValue(one, key) ?? 0))),
  );
  const heat = ordered
    .map(
      (one) =>
        `<tr><td>${escapeHtml(one.name)}</td>${months
          .map((key) => {
            const value = monthValue(one, key);
            return `<td style="background:${heatColor(value, heatScale, words)}">${value === undefined ? '' : formatCell(value, 'pct')}</td>`;
          })
          .join('')}${years
          .map((year) => {
            const value = one.analysis.calendar.yearly[year];
            return `<td style="background:${heatColor(value, yearScale, words)}"><b>${value === undefined ? '' : formatCell(value, 'pct')}</b></td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  const corrIndex = new Map(sheet.products.map((one, index) => [one.code, index]));
  const shown = ordered.slice(0, 30);
  const correlation = shown
    .map(
      (row) =>
        `<tr><td>${escapeHtml(row.name)}</td>${shown
          .map((column) => {
            const value = sheet.correlation[corrIndex.get(row.code)!]![corrIndex.get(column.code)!];
            return `<td style="background:${heatColor(value, 1, words)}">${formatCell(value, 'ratio')}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  const ranking = sheet.ranking
    ? words.rankedBy(
        `<code>${escapeHtml(sheet.ranking.by)}</code>`,
        words.t(sheet.ranking.order === 'desc' ? 'highest first' : 'lowest first'),
      )
    : words.t('in the order asked');
  const more = ordered.length > MAX_LINES ? words.drawnOf(MAX_LINES, ordered.length) : '';
  const body = `
<header><h1>${words.comparisonOf(ordered.length)}</h1><div class="sub"><span>${escapeHtml(sheet.start ?? '')} → ${escapeHtml(sheet.end ?? '')}</span><span>${words.commonDates(sheet.dates.length)}</span><span>${words.convention(escapeHtml(sheet.convention.name))}</span>${sheet.benchmark ? `<span>${words.benchmark(escapeHtml(sheet.benchmark.name))}</span>` : ''}<span>${ranking}</span></div></header>
<section class="grid" style="margin-top:20px">
<div class="card wide">${lineChart({ title: `${words.t(sheet.benchmark ? 'Cumulative return vs benchmark' : 'Cumulative return')}${more}`, dates: sheet.dates, lines: withBenchmark.map((one, i) => lineOf(one, i, one.cumulative)), format: 'percent', width: 1120, height: 340, baseline: 0 })}</div>
<div class="card wide">${lineChart({ title: `${words.t('Drawdown')}${more}`, dates: sheet.dates, lines: drawn.map((one, i) => lineOf(one, i, [...one.drawdown])), format: 'percent', width: 1120, height: 240 })}</div>
${rollingCharts(sheet.dates, withBenchmark, (one, index) => lineOf(one, index, []).color!, words)}
<div class="card wide"><h2>${words.t('Metrics')}</h2><div class="scroll"><table><thead><tr><th>#</th><th class="left">${words.t('Product')}</th>${columns.map(([label]) => `<th>${words.t(label)}</th>`).join('')}</tr></thead><tbody>${tableRows}</tbody></table></div></div>
<div class="card wide"><h2>${words.lastMonths(months.length)}</h2><div class="scroll"><table class="heat"><thead><tr><th>${words.t('Product')}</th>${months.map((key) => `<th>${key}</th>`).join('')}${years.map((year) => `<th>${year}</th>`).join('')}</tr></thead><tbody>${heat}</tbody></table></div></div>
<div class="card wide"><h2>${words.t('Correlation of returns')}${ordered.length > shown.length ? words.firstOf(shown.length) : ''}</h2><div class="scroll"><table class="heat compact"><thead><tr><th></th>${shown.map((one) => `<th>${escapeHtml(one.code)}</th>`).join('')}</tr></thead><tbody>${correlation}</tbody></table></div></div>
</section>
${conventionFooter(sheet.convention, sheet.alignment)}`;
  return page(`${words.comparisonOf(ordered.length)} — ${words.t('tear sheet')}`, body, words);
}
