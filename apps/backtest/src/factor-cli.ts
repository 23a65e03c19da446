import { writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderFactorSheet } from '@qautlra/report';
import { numberOption, tsdbOption, UsageError } from './cli-options';
import { runFactorJob, type FactorReport, type FactorRequest } from './factors/factor-job';

const HELP = `npm run factor -- (--expression TEXT | --builtin NAME | --indicator SPEC) --instruments IDS --from DATE --to DATE [options]
  A factor study on daily bars: IC and rank IC per horizon (mean, IR, t-stat), quantile returns, the
  top − bottom spread, turnover, rank autocorrelation, rows dropped by reason; --json FILE writes it all.

  --expression TEXT    e.g. "rank(ts_mean(close, 20) / close)" (columns open high low close volume amount;
                       functions rank cs_rank cs_zscore cs_demean ts_mean ts_sum ts_std ts_min ts_max ts_rank
                       delay delta corr cov abs log sqrt exp sign max min where; + - * / ^ < <= > >= == !=)
  --builtin NAME       momentum reversal volatility turnover volume_ratio price_to_ma (--window N)
  --indicator SPEC     a libs/indicators indicator, e.g. RSI(14) or MACD(12,26,9) (--value histogram)
  --instruments IDS    EXCHANGE.code, comma-separated (SSE.600000,SZSE.000001,…)
  --from, --to DATE    first and last trading day (YYYY-MM-DD)
  --source S           sim (default: the sim market's generator) or tsdb (--tsdb URL, --stream NAME;
                       user and password from TSDB_USER / TSDB_PASSWORD)
  --seed N             the sim's seed
  --periods LIST       horizons in trading days (default 1,5,20)
  --quantiles N        quantile count (default 5)
  --winsorize M        mad or quantile;  --standardize;  --neutralize (needs --groups)
  --groups FILE        JSON {"SSE.600000": "bank", …}: grouped analysis (and neutralisation)
  --max-loss X         fail, naming the counts, when more than this share of rows is dropped
  --backtest           also backtest holding the top quantile (--long Q, --short Q, --every N days)
  --json FILE          write the whole report as JSON
  --html FILE          write the factor tear sheet (one self-contained HTML page)`;

function requestOf(
  argv: string[],
  env: NodeJS.ProcessEnv,
): FactorRequest & { json?: string; html?: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      expression: { type: 'string' },
      builtin: { type: 'string' },
      window: { type: 'string' },
      indicator: { type: 'string' },
      value: { type: 'string' },
      instruments: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      source: { type: 'string', default: 'sim' },
      tsdb: { type: 'string' },
      stream: { type: 'string' },
      seed: { type: 'string' },
      periods: { type: 'string' },
      quantiles: { type: 'string' },
      winsorize: { type: 'string' },
      standardize: { type: 'boolean' },
      neutralize: { type: 'boolean' },
      groups: { type: 'string' },
      'max-loss': { type: 'string' },
      backtest: { type: 'boolean' },
      long: { type: 'string' },
      short: { type: 'string' },
      every: { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new UsageError(HELP);
  if (!values.instruments) throw new UsageError('--instruments is required');
  if (!values.from || !values.to) throw new UsageError('--from and --to are required');
  if (values.source !== 'sim' && values.source !== 'tsdb')
    throw new UsageError(`--source must be sim or tsdb, got ${values.source}`);
  if (
    values.winsorize !== undefined &&
    values.winsorize !== 'mad' &&
    values.winsorize !== 'quantile'
  )
    throw new UsageError('--winsorize must be mad or quantile');
  const periods = values.periods?.split(',').map((p) => numberOption('periods', p)!);
  return {
    source: values.source,
    instruments: values.instruments
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    from: values.from,
    to: values.to,
    seed: numberOption('seed', values.seed),
    ...(values.source === 'tsdb' ? { tsdb: tsdbOption(values, env) } : {}),
    factor: {
      expression: values.expression,
      builtin: values.builtin,
      window: numberOption('window', values.window),
      indicator: values.indicator,
      value: values.value,
    },
    preprocess: {
      winsorize: values.winsorize,
      standardize: values.standardize,
      neutralize: values.neutralize,
    },
    groups: values.groups
      ? (JSON.parse(readFileSync(values.groups, 'utf8')) as Record<string, string>)
      : undefined,
    periods,
    quantiles: numberOption('quantiles', values.quantiles),
    maxLoss: numberOption('max-loss', values['max-loss']),
    backtest: values.backtest
      ? {
          long: numberOption('long', values.long),
          short: numberOption('short', values.short),
          every: numberOption('every', values.every),
        }
      : undefined,
    json: values.json,
    html: values.html,
  };
}

const fixed = (v: number | null | undefined, digits = 4): string =>
  v === null || v === undefined ? '—' : v.toFixed(digits);

export function printReport(report: FactorReport, log: (line: string) => void = console.log): void {
  log(
    `factor ${report.factor}: ${report.instruments.length} instruments × ${report.dates.length} dates`,
  );
  const dropped = Object.entries(report.rows.dropped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  log(
    `rows: ${report.rows.kept} of ${report.rows.total} kept (${(report.rows.loss_share * 100).toFixed(1)}% dropped${dropped ? `: ${dropped}` : ''})`,
  );
  log('horizon   IC mean   IC IR   rank IC   rank IR   t-stat   p-value   spread   top turnover');
  for (const h of report.horizons)
    log(
      `${`${h.period}D`.padStart(7)} ${fixed(h.ic_summary.mean).padStart(9)} ${fixed(h.ic_summary.ir, 3).padStart(7)} ${fixed(h.rank_ic_summary.mean).padStart(9)} ${fixed(h.rank_ic_summary.ir, 3).padStart(9)} ${fixed(h.rank_ic_summary.t_stat, 2).padStart(8)} ${fixed(h.rank_ic_summary.p_value, 3).padStart(9)} ${fixed(h.spread_mean, 5).padStart(8)} ${fixed(h.turnover_mean[report.quantiles - 1], 3).padStart(14)}`,
    );
  const first = report.horizons[0]!;
  log(
    `quantile mean ${first.period}D returns (demeaned): ${first.quantile_mean.map((v) => fixed(v, 5)).join('  ')}`,
  );
  if (report.backtest) {
    const account = report.backtest.account!;
    log(
      `backtest (top quantile): return ${(account.totalReturn * 100).toFixed(2)}%, sharpe ${fixed(report.backtest.metrics.sharpe, 2)}, max drawdown ${fixed(report.backtest.metrics.max_drawdown, 3)}, ${account.trades} trades`,
    );
  }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let request: ReturnType<typeof requestOf>;
  try {
    request = requestOf(argv, env);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  try {
    const { json, html, ...study } = request;
    const report = await runFactorJob(study);
    printReport(report);
    if (json) writeFileSync(json, JSON.stringify(report));
    if (html) writeFileSync(html, renderFactorSheet(report));
    return 0;
  } catch (error) {
    console.error(`factor: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module)
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
