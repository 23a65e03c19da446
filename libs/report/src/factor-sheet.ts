import { barChart, lineChart, PALETTE } from './charts';
import { escapeHtml, formatCell } from './format';
import { sheetWords, type SheetWords } from './sheet-language';
import { kpi, page } from './tear-sheet';

type Value = number | null;

interface IcSummary {
  mean: Value;
  std: Value;
  ir: Value;
  t_stat: Value;
  p_value: Value;
  skew: Value;
  kurtosis: Value;
  count: number;
}

/** What the factor tear sheet shows: the factor study as the backtest service answers it (snake_case). */
export interface FactorSheet {
  factor: string;
  instruments: readonly string[];
  dates: readonly string[];
  periods: readonly number[];
  quantiles: number;
  rows: { total: number; kept: number; loss_share: number; dropped: Record<string, number> };
  horizons: readonly {
    period: number;
    ic_summary: IcSummary;
    rank_ic_summary: IcSummary;
    rank_ic: readonly Value[];
    quantile_mean: readonly Value[];
    spread_mean: Value;
    factor_returns_mean: Value;
    turnover_mean: readonly Value[];
    rank_autocorrelation_mean: Value;
  }[];
  cumulative_quantile_returns?: readonly (readonly Value[])[];
  cumulative_factor_returns?: readonly Value[];
  groups?: readonly { group: string; rows: number; rank_ic_mean: readonly Value[] }[];
  backtest?: {
    account?: { totalReturn: number; trades: number; finalBalance: number };
    metrics: Record<string, Value>;
    equity: readonly [number, number][];
  };
}

const ratio = (v: Value) => formatCell(v, 'ratio');
const pct = (v: Value) => formatCell(v, 'pct');

/** The mean of the last `n` values that are there, at each date (NaN-free values only). */
function rolling(values: readonly Value[], n: number): Value[] {
  return values.map((_, i) => {
    const window = values
      .slice(Math.max(0, i - n + 1), i + 1)
      .filter((v): v is number => v !== null);
    return window.length >= Math.min(n, 5)
      ? window.reduce((a, b) => a + b, 0) / window.length
      : null;
  });
}

/**
 * The factor tear sheet: one self-contained HTML page (charts rendered on the server as SVG, as the fund
 * tear sheet) — IC and rank IC by horizon, their decay, the rank IC series, the quantiles' returns and
 * cumulative lines, turnover, rank autocorrelation, groups, rows dropped by reason, and the quantile
 * backtest when there is one.
 */
export function renderFactorSheet(sheet: FactorSheet, words: SheetWords = sheetWords()): string {
  const first = sheet.horizons[0]!;
  const q = sheet.quantiles;
  const top = first.turnover_mean[q - 1] ?? null;
  const dropped = Object.entries(sheet.rows.dropped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${escapeHtml(reason)} ${n.toLocaleString('en')}`)
    .join(', ');
  const sub = [
    `<span>${sheet.instruments.length} ${words.t('instruments')}</span>`,
    `<span>${escapeHtml(sheet.dates[0] ?? '')} → ${escapeHtml(sheet.dates[sheet.dates.length - 1] ?? '')}</span>`,
    `<span>${sheet.rows.kept.toLocaleString('en')} / ${sheet.rows.total.toLocaleString('en')} ${words.t('rows kept')}${dropped ? ` (${words.t('dropped')}: ${dropped})` : ''}</span>`,
    `<span>${q} ${words.t('quantiles')}</span>`,
  ].join('');
  const summaryRows = sheet.horizons
    .map(
      (h) =>
        `<tr><td>${h.period}D</td><td>${ratio(h.ic_summary.mean)}</td><td>${ratio(h.ic_summary.ir)}</td><td>${ratio(h.ic_summary.t_stat)}</td><td>${ratio(h.rank_ic_summary.mean)}</td><td>${ratio(h.rank_ic_summary.std)}</td><td>${ratio(h.rank_ic_summary.ir)}</td><td>${ratio(h.rank_ic_summary.t_stat)}</td><td>${ratio(h.rank_ic_summary.p_value)}</td><td>${ratio(h.rank_ic_summary.skew)}</td><td>${ratio(h.rank_ic_summary.kurtosis)}</td><td>${h.rank_ic_summary.count}</td></tr>`,
    )
    .join('');
  const summaryHead = [
    'Horizon',
    'IC mean',
    'IC IR',
    'IC t',
    'Rank IC mean',
    'Rank IC std',
    'Rank IC IR',
    'Rank IC t',
    'p-value',
    'Skew',
    'Kurtosis',
    'Dates',
  ]
    .map((head) => `<th>${words.t(head)}</th>`)
    .join('');
  const quantileNames = Array.from({ length: q }, (_, k) => `Q${k + 1}`);
  const turnoverRows = sheet.horizons
    .map(
      (h) =>
        `<tr><td>${h.period}D</td>${h.turnover_mean.map((v) => `<td>${pct(v)}</td>`).join('')}<td>${ratio(h.rank_autocorrelation_mean)}</td><td>${pct(h.spread_mean)}</td><td>${pct(h.factor_returns_mean)}</td></tr>`,
    )
    .join('');
  const cumulative = sheet.cumulative_quantile_returns
    ? lineChart({
        title: words.t('Cumulative return by quantile (1-day horizon, demeaned)'),
        dates: sheet.dates,
        lines: quantileNames.map((name, k) => ({
          name,
          values: sheet.cumulative_quantile_returns!.map((row) =>
            row[k] === null || row[k] === undefined ? null : row[k] - 1,
          ),
          color: PALETTE[k % PALETTE.length],
        })),
        format: 'percent',
        width: 1120,
        height: 300,
        baseline: 0,
      })
    : '';
  const groups = sheet.groups?.length
    ? `<div class="card wide"><h2>${words.t('By group: mean rank IC')}</h2><table><thead><tr><th>${words.t('Group')}</th><th>${words.t('Rows')}</th>${sheet.periods.map((p) => `<th>${p}D</th>`).join('')}</tr></thead><tbody>${sheet.groups
        .map(
          (g) =>
            `<tr><td>${escapeHtml(g.group)}</td><td>${g.rows.toLocaleString('en')}</td>${g.rank_ic_mean.map((v) => `<td>${ratio(v)}</td>`).join('')}</tr>`,
        )
        .join('')}</tbody></table></div>`
    : '';
  const backtest = sheet.backtest
    ? `<div class="card wide">${lineChart({
        title: words.t('Backtest of the quantile held: balance'),
        dates: sheet.backtest.equity.map(([at]) => new Date(at).toISOString().slice(0, 10)),
        lines: [
          {
            name: words.t('balance'),
            values: sheet.backtest.equity.map(([, balance]) => balance),
            color: PALETTE[0],
          },
        ],
        format: 'number',
        width: 1120,
        height: 260,
      })}<p>${words.t('Return')} ${pct(sheet.backtest.account?.totalReturn ?? null)} · Sharpe ${ratio(sheet.backtest.metrics.sharpe ?? null)} · ${words.t('Max drawdown')} ${pct(sheet.backtest.metrics.max_drawdown ?? null)} · ${sheet.backtest.account?.trades ?? 0} ${words.t('trades')}</p></div>`
    : '';
  const body = `
<header><h1>${words.t('Factor')}: <code>${escapeHtml(sheet.factor)}</code></h1><div class="sub">${sub}</div></header>
<section class="kpis">
${kpi(`Rank IC mean (${first.period}D)`, first.rank_ic_summary.mean, 'ratio', words)}
${kpi(`Rank IC IR (${first.period}D)`, first.rank_ic_summary.ir, 'ratio', words)}
${kpi(`IC mean (${first.period}D)`, first.ic_summary.mean, 'ratio', words)}
${kpi(`Top − bottom (${first.period}D)`, first.spread_mean, 'pct', words)}
${kpi(`Top quantile turnover (${first.period}D)`, top, 'pct', words, undefined, false)}
${kpi('Rows dropped', sheet.rows.loss_share, 'pct', words, undefined, false)}
</section>
<section class="grid">
<div class="card wide"><h2>${words.t('Information coefficient by horizon')}</h2><table><thead><tr>${summaryHead}</tr></thead><tbody>${summaryRows}</tbody></table></div>
<div class="card">${barChart({
    title: words.t('IC decay: mean IC and rank IC by horizon'),
    categories: sheet.periods.map((p) => `${p}D`),
    bars: [
      { name: 'IC', values: sheet.horizons.map((h) => h.ic_summary.mean) },
      { name: words.t('Rank IC'), values: sheet.horizons.map((h) => h.rank_ic_summary.mean) },
    ],
  })}</div>
<div class="card">${barChart({
    title: words.t('Mean return by quantile (demeaned)'),
    categories: quantileNames,
    bars: sheet.horizons.map((h) => ({ name: `${h.period}D`, values: h.quantile_mean })),
  })}</div>
<div class="card wide">${lineChart({
    title: words.t(`Rank IC by date (${first.period}D) and its 20-date mean`),
    dates: sheet.dates,
    lines: [
      { name: words.t('Rank IC'), values: first.rank_ic, color: '#8c959f' },
      { name: words.t('20-date mean'), values: rolling(first.rank_ic, 20), color: PALETTE[0] },
    ],
    format: 'number',
    width: 1120,
    height: 260,
    baseline: 0,
  })}</div>
${cumulative ? `<div class="card wide">${cumulative}</div>` : ''}
<div class="card wide"><h2>${words.t('Turnover by quantile, rank autocorrelation, spread and factor-weighted return')}</h2><table><thead><tr><th>${words.t('Horizon')}</th>${quantileNames.map((n) => `<th>${n}</th>`).join('')}<th>${words.t('Rank autocorr.')}</th><th>${words.t('Top − bottom')}</th><th>${words.t('Factor-weighted')}</th></tr></thead><tbody>${turnoverRows}</tbody></table></div>
${groups}
${backtest}
</section>
<footer><div>${words.t('IC: Pearson correlation of the factor and the forward return across a date; rank IC: Spearman. Quantiles: pd.qcut per date. Definitions: docs/factors.md.')}</div><div>QAUTLRA factor research · generated ${new Date().toISOString()}</div></footer>`;
  return page(`${sheet.factor} — ${words.t('factor tear sheet')}`, body, words);
}
