import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BacktestResult, FillModel, StrategyError } from '@qautlra/backtest';
import type { BarFrequency } from '@qautlra/execution';
import { SourceError, SourceKind } from './runs/market-source';
import { Progress, runBacktest, RunRequest } from './runs/run-backtest';
import { loadStrategy, StrategyLoadError } from '@qautlra/strategies';
import { resultToWire } from './wire';
import { numberOption, tsdbOption, UsageError } from './cli-options';

const HELP = `npm run backtest -- --strategy FILE --instruments ID[,ID…] --from DATE --to DATE [options]
  Runs a strategy over history and prints a summary; --json FILE writes
  {summary, statistics, trades, daily} (daily: each trading day's balance and QIFI document).

  --strategy FILE      a strategy module (examples/strategies/*.ts): default export defineStrategy(…)
  --instruments IDS    EXCHANGE.code, comma-separated (SHFE.rb2705,DCE.m2609 or SSE.600000)
  --from, --to DATE    first and last trading day (YYYY-MM-DD)
  --freq F             1m 5m 15m 30m 1h 1d (bars) or tick (default 1m)
  --source S           sim (the sim market's generator, any dates, no data needed; default)
                       csv or parquet (--file FILE: datetime/date,open,high,low,close,volume[,instrument])
                       tsdb (bars computed by the time-series DB from its tick stream, or its ticks)
  --file FILE          the CSV or Parquet file
  --tsdb URL           the tsdb of --source tsdb (default http://127.0.0.1:18000; user and password
                       from TSDB_USER / TSDB_PASSWORD, default admin / admin)
  --stream NAME        its tick stream (default market_data)
  --seed N             the sim's seed (default 20250328)
  --param NAME=VALUE   a strategy parameter (repeat for more)
  --cash N             initial cash (default 1000000)
  --fill M             next-open (default) or close
  --volume-cap X       share of a bar's volume orders may take (0–1, default 1)
  --slippage N         ticks a fill gives away (default 0)
  --convention P       statistics convention: quantstats (default), empyrical, pyfolio, tqsdk, vnpy
  --json FILE          write the whole result as JSON
  --quiet              no progress bar`;

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      strategy: { type: 'string' },
      instruments: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      freq: { type: 'string', default: '1m' },
      source: { type: 'string', default: 'sim' },
      file: { type: 'string' },
      tsdb: { type: 'string' },
      stream: { type: 'string' },
      seed: { type: 'string' },
      param: { type: 'string', multiple: true },
      cash: { type: 'string' },
      fill: { type: 'string' },
      'volume-cap': { type: 'string' },
      slippage: { type: 'string' },
      convention: { type: 'string' },
      json: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return values;
}

function request(values: ReturnType<typeof parse>, env: NodeJS.ProcessEnv): RunRequest {
  if (!values.instruments) throw new UsageError('--instruments is required');
  if (!values.from || !values.to) throw new UsageError('--from and --to are required');
  const source = values.source as SourceKind;
  if (!['sim', 'csv', 'parquet', 'tsdb'].includes(source))
    throw new UsageError(`--source must be sim, csv, parquet or tsdb, got ${values.source}`);
  const fill = values.fill as FillModel | undefined;
  if (fill !== undefined && fill !== 'next-open' && fill !== 'close')
    throw new UsageError(`--fill must be next-open or close, got ${values.fill}`);
  const params: Record<string, string> = {};
  for (const entry of values.param ?? []) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new UsageError(`--param must be NAME=VALUE, got ${entry}`);
    params[entry.slice(0, at)] = entry.slice(at + 1);
  }
  const cash = numberOption('cash', values.cash);
  return {
    source,
    instruments: values.instruments
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    from: values.from,
    to: values.to,
    frequency: values.freq as BarFrequency | 'tick',
    seed: numberOption('seed', values.seed),
    file: values.file,
    ...(source === 'tsdb' ? { tsdb: tsdbOption(values, env) } : {}),
    params,
    accounts: cash === undefined ? undefined : [{ name: 'backtest', initCash: cash }],
    fill,
    volumeCap: numberOption('volume-cap', values['volume-cap']),
    slippageTicks: numberOption('slippage', values.slippage),
    convention: values.convention,
  };
}

function progressBar(progress: Progress): void {
  const width = 30;
  const done = Math.round((progress.days / Math.max(1, progress.total)) * width);
  process.stderr.write(
    `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${progress.days}/${progress.total} days, ${progress.events} events`,
  );
}

const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${(value * 100).toFixed(2)}%`;
const fixed = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined ? '—' : value.toFixed(digits);

/** The summary table the CLI prints. */
export function summaryTable(result: BacktestResult): string {
  const { summary } = result;
  const metrics = 'metrics' in result.statistics ? result.statistics.metrics : {};
  const rows: [string, string][] = [
    ['strategy', `${summary.strategy} ${JSON.stringify(summary.params)}`],
    ['instruments', summary.instruments.join(', ')],
    ['period', `${summary.from} – ${summary.to} (${summary.tradingDays} trading days)`],
    [
      'data',
      `${summary.events} ${summary.mode === 'bar' ? `${summary.frequency} bars` : 'ticks'}, fill ${summary.fill}${summary.skippedEvents ? `, ${summary.skippedEvents} malformed skipped` : ''}`,
    ],
  ];
  for (const account of summary.accounts)
    rows.push(
      [`${account.name}: balance`, `${fixed(account.initCash)} → ${fixed(account.finalBalance)}`],
      ['total return', percent(account.totalReturn)],
      ['close profit', fixed(account.closeProfit)],
      ['position profit', fixed(account.positionProfit)],
      ['commission', fixed(account.commission)],
      ['orders / trades', `${account.orders} / ${account.trades}`],
    );
  rows.push(
    ['CAGR', percent(metrics.cagr)],
    ['volatility (ann.)', percent(metrics.volatility)],
    ['Sharpe', fixed(metrics.sharpe)],
    ['Sortino', fixed(metrics.sortino)],
    ['max drawdown', percent(metrics.max_drawdown)],
    ['win rate (days)', percent(metrics.win_rate)],
  );
  if ('error' in result.statistics) rows.push(['statistics', result.statistics.error]);
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  try {
    if (!values.strategy) throw new UsageError('--strategy is required');
    const run = request(values, env);
    const definition = loadStrategy(values.strategy);
    const interactive = !values.quiet && process.stderr.isTTY;
    const result = await runBacktest(definition, run, interactive ? progressBar : undefined);
    if (interactive) process.stderr.write('\n');
    console.log(summaryTable(result));
    if (values.json) {
      writeFileSync(values.json, JSON.stringify(resultToWire(result)));
      console.log(`wrote ${values.json}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${HELP}`);
      return 2;
    }
    if (error instanceof StrategyError) {
      const stack = (error.cause as Error | undefined)?.stack;
      console.error(`backtest: ${error.message}${stack ? `\n${stack}` : ''}`);
      return 1;
    }
    if (
      error instanceof SourceError ||
      error instanceof StrategyLoadError ||
      error instanceof RangeError
    ) {
      console.error(`backtest: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module)
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
