import type { SchemaObject } from '@nestjs/swagger';
import {
  ANALYSIS_SCHEMAS,
  arrayOf,
  INTEGER,
  mapOf,
  NUMBER,
  objectOf,
  ref,
  Schemas,
  STRING,
  textEnum,
} from '@qautlra/platform';
import { PARAMETER_VALUE_SCHEMA, STRATEGY_ENTRY_SCHEMA } from '@qautlra/strategies';

const NULLABLE_NUMBER: SchemaObject = { type: 'number', nullable: true };
const PARAMS = mapOf(PARAMETER_VALUE_SCHEMA, 'parameter name → value');
const withAccount = (name: string): SchemaObject => ({
  allOf: [ref(name), objectOf({ account: STRING })],
});

export const BACKTEST_SCHEMAS: Schemas = {
  ...ANALYSIS_SCHEMAS,
  Strategy: STRATEGY_ENTRY_SCHEMA,
  RunRequest: objectOf(
    {
      source: textEnum(['sim', 'tsdb', 'csv', 'parquet']),
      instruments: arrayOf(STRING),
      from: STRING,
      to: STRING,
      frequency: STRING,
      seed: INTEGER,
      params: PARAMS,
      accounts: arrayOf(objectOf({ name: STRING, init_cash: NUMBER })),
      fill: textEnum(['next-open', 'close']),
      volume_cap: NUMBER,
      slippage_ticks: NUMBER,
      convention: STRING,
    },
    {
      optional: ['seed', 'accounts', 'fill', 'volume_cap', 'slippage_ticks', 'convention'],
      description: 'the run as it was checked and stored',
    },
  ),
  Progress: objectOf({ days: INTEGER, total: INTEGER, events: INTEGER }),
  AccountResult: objectOf({
    name: STRING,
    init_cash: NUMBER,
    final_balance: NUMBER,
    total_return: { ...NUMBER, description: 'final_balance / init_cash − 1' },
    close_profit: NUMBER,
    position_profit: NUMBER,
    commission: NUMBER,
    trades: INTEGER,
    orders: INTEGER,
  }),
  RunSummary: objectOf(
    {
      strategy: STRING,
      params: PARAMS,
      instruments: arrayOf(STRING),
      from: STRING,
      to: STRING,
      mode: textEnum(['bar', 'tick']),
      frequency: STRING,
      fill: textEnum(['next-open', 'close']),
      events: INTEGER,
      skipped_events: { ...INTEGER, description: 'malformed events skipped' },
      trading_days: INTEGER,
      accounts: arrayOf(ref('AccountResult')),
    },
    { optional: ['frequency'] },
  ),
  Run: objectOf({
    id: { type: 'string', format: 'uuid' },
    sweep_id: { type: 'string', format: 'uuid', nullable: true },
    strategy: STRING,
    request: ref('RunRequest'),
    status: textEnum(['queued', 'running', 'done', 'failed']),
    progress: { type: 'object', allOf: [ref('Progress')], nullable: true },
    summary: { type: 'object', allOf: [ref('RunSummary')], nullable: true },
    statistics: {
      type: 'object',
      oneOf: [ref('SeriesAnalysis'), objectOf({ error: STRING })],
      nullable: true,
      description: 'the default account’s daily NAV statistics (when done)',
    },
    error: { type: 'string', nullable: true },
    created_at: { type: 'string', format: 'date-time' },
    finished_at: { type: 'string', format: 'date-time', nullable: true },
  }),
  RunEvent: {
    oneOf: [
      objectOf({ type: textEnum(['progress']), progress: ref('Progress') }),
      objectOf({ type: textEnum(['done']), run: ref('Run') }),
      objectOf({ type: textEnum(['failed']), error: STRING }),
    ],
  },
  DailyRecord: objectOf({
    trading_day: STRING,
    account: STRING,
    balance: NUMBER,
    available: NUMBER,
    margin: NUMBER,
    close_profit: NUMBER,
    position_profit: NUMBER,
    commission: NUMBER,
    qifi: ref('Qifi'),
  }),
  RunPart: {
    description:
      'trades and orders (QIFI, with their account), daily records, the equity curve `[epoch ms, balance]` or the strategy’s logs',
    oneOf: [
      arrayOf(withAccount('QifiTrade')),
      arrayOf(withAccount('QifiOrder')),
      arrayOf(ref('DailyRecord')),
      arrayOf({ type: 'array', items: NUMBER, minItems: 2, maxItems: 2 }),
      arrayOf(objectOf({ at: { ...INTEGER, description: 'epoch ms' }, message: STRING })),
    ],
  },
  ChartBar: {
    type: 'array',
    items: NUMBER,
    minItems: 6,
    maxItems: 6,
    description: '[start epoch ms, open, high, low, close, volume]',
  },
  Sweep: objectOf(
    {
      id: { type: 'string', format: 'uuid' },
      strategy: STRING,
      request: mapOf(ref('JsonValue'), 'the run fields every combination shares'),
      grid: mapOf(arrayOf(PARAMETER_VALUE_SCHEMA), 'parameter name → values'),
      rank_by: STRING,
      order: textEnum(['asc', 'desc']),
      created_at: { type: 'string', format: 'date-time' },
      total: { type: 'integer', nullable: true, description: 'combinations' },
      executor: textEnum(['threads', 'redis']),
      split: { type: 'string', description: 'first out-of-sample date' },
      walk_forward: { type: 'integer', description: 'walk-forward folds' },
    },
    { optional: ['split', 'walk_forward'] },
  ),
  SweepView: {
    allOf: [
      ref('Sweep'),
      objectOf(
        {
          progress: objectOf({ done: INTEGER, failed: INTEGER, total: INTEGER }),
          ranking: arrayOf(
            objectOf(
              {
                rank: { type: 'integer', nullable: true },
                index: INTEGER,
                params: PARAMS,
                value: NULLABLE_NUMBER,
                in_sample: NULLABLE_NUMBER,
                out_of_sample: NULLABLE_NUMBER,
                total_return: NULLABLE_NUMBER,
                trades: { type: 'integer', nullable: true },
                worker: STRING,
                error: STRING,
              },
              { optional: ['in_sample', 'out_of_sample', 'error'] },
            ),
          ),
          ranking_error: STRING,
          split_summary: objectOf({
            rank_correlation: NULLABLE_NUMBER,
            winner_out_of_sample: NULLABLE_NUMBER,
            winner_out_of_sample_rank: { type: 'integer', nullable: true },
            median_out_of_sample: NULLABLE_NUMBER,
          }),
          walk_forward_result: objectOf({
            value: NULLABLE_NUMBER,
            folds: arrayOf(
              objectOf({
                train: arrayOf(STRING),
                test: arrayOf(STRING),
                chosen: INTEGER,
                params: PARAMS,
                train_value: NULLABLE_NUMBER,
                test_value: NULLABLE_NUMBER,
              }),
            ),
            dates: arrayOf(STRING),
            navs: arrayOf(NUMBER),
          }),
        },
        { optional: ['ranking_error', 'split_summary', 'walk_forward_result'] },
      ),
    ],
  },
};
