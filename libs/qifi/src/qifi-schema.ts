/** Field rules of the QIFI document (qifi-rs types), used for validation, defaults and BSON typing. */
export type ScalarKind = 'string' | 'f64' | 'i32' | 'i64' | 'bool';
export type FieldKind =
  | ScalarKind
  | 'string[]'
  | 'string-map'
  | 'nullable-i64'
  | { readonly object: Schema }
  | { readonly map: Schema };

export interface FieldRule {
  readonly kind: FieldKind;
  /** Present when the field may be missing (serde `default`); absent → required. */
  readonly default?: () => unknown;
}

export type Schema = Readonly<Record<string, FieldRule>>;

const req = (kind: FieldKind): FieldRule => ({ kind });
const opt = (kind: FieldKind, value: () => unknown): FieldRule => ({ kind, default: value });
const fields = (kind: FieldKind, names: string[]): Record<string, FieldRule> =>
  Object.fromEntries(names.map((name) => [name, req(kind)]));

export const ACCOUNT_SCHEMA: Schema = {
  ...fields('string', ['user_id', 'currency']),
  ...fields('f64', [
    'pre_balance',
    'deposit',
    'withdraw',
    'WithdrawQuota',
    'close_profit',
    'commission',
    'premium',
    'static_balance',
    'position_profit',
    'float_profit',
    'balance',
    'margin',
    'frozen_margin',
    'frozen_commission',
    'frozen_premium',
    'available',
    'risk_ratio',
  ]),
};

export const POSITION_SCHEMA: Schema = {
  ...fields('string', ['user_id', 'exchange_id', 'instrument_id']),
  ...fields('f64', [
    'volume_long_today',
    'volume_long_his',
    'volume_long',
    'volume_long_frozen_today',
    'volume_long_frozen_his',
    'volume_long_frozen',
    'volume_short_today',
    'volume_short_his',
    'volume_short',
    'volume_short_frozen_today',
    'volume_short_frozen_his',
    'volume_short_frozen',
    'volume_long_yd',
    'volume_short_yd',
    'pos_long_his',
    'pos_long_today',
    'pos_short_his',
    'pos_short_today',
    'open_price_long',
    'open_price_short',
    'open_cost_long',
    'open_cost_short',
    'position_price_long',
    'position_price_short',
    'position_cost_long',
    'position_cost_short',
    'last_price',
    'float_profit_long',
    'float_profit_short',
    'float_profit',
    'position_profit_long',
    'position_profit_short',
    'position_profit',
    'margin_long',
    'margin_short',
    'margin',
  ]),
};

export const ORDER_SCHEMA: Schema = {
  seqno: req('i32'),
  ...fields('string', [
    'user_id',
    'order_id',
    'exchange_id',
    'instrument_id',
    'direction',
    'offset',
  ]),
  volume_orign: req('f64'),
  price_type: req('string'),
  limit_price: req('f64'),
  time_condition: req('string'),
  volume_condition: req('string'),
  insert_date_time: req('i64'),
  exchange_order_id: req('string'),
  status: req('string'),
  volume_left: req('f64'),
  last_msg: req('string'),
};

export const TRADE_SCHEMA: Schema = {
  seqno: req('i32'),
  ...fields('string', [
    'user_id',
    'trade_id',
    'exchange_id',
    'instrument_id',
    'order_id',
    'exchange_trade_id',
    'direction',
    'offset',
  ]),
  volume: req('f64'),
  price: req('f64'),
  trade_date_time: req('i64'),
  commission: req('f64'),
};

export const TRANSFER_SCHEMA: Schema = {
  datetime: req('i64'),
  currency: req('string'),
  amount: req('f64'),
  error_id: req('i32'),
  error_msg: req('string'),
};

export const BANK_SCHEMA: Schema = {
  ...fields('string', ['id', 'name', 'bank_account']),
  fetch_amount: req('f64'),
  qry_count: req('i64'),
};

export const EXECUTION_SCHEMA: Schema = {
  ...fields('string', [
    'exec_id',
    'account_cookie',
    'strategy_id',
    'instrument_id',
    'exchange_id',
    'direction',
    'offset',
  ]),
  ...fields('f64', ['volume_total', 'volume_filled', 'price_limit']),
  create_time: req('i64'),
  start_time: req('i64'),
  end_time: opt('nullable-i64', () => null),
  status: req('string'),
  algorithm: req('string'),
  parameters: req({
    object: {
      slices: req('i32'),
      interval: req('i64'),
      current_slice: req('i32'),
      next_slice_time: req('i64'),
    },
  }),
  order_ids: req('string[]'),
  ...fields('f64', ['avg_price', 'commission', 'progress']),
  last_update_time: req('i64'),
  is_paused: req('bool'),
  is_cancelling: req('bool'),
  metrics: req({ object: fields('f64', ['market_impact', 'slippage', 'arrival_price', 'vwap']) }),
};

const FROZEN_SCHEMA: Schema = fields('f64', ['amount', 'coeff', 'money']);

export const QIFI_SCHEMA: Schema = {
  databaseip: opt('string', () => ''),
  ...fields('string', [
    'account_cookie',
    'password',
    'portfolio',
    'broker_name',
    'capital_password',
    'bank_password',
    'bankid',
    'bankname',
    'investor_name',
  ]),
  money: req('f64'),
  ...fields('string', ['pub_host', 'trade_host', 'wsuri', 'eventmq_ip']),
  settlement: req('string-map'),
  taskid: req('string'),
  updatetime: req('string'),
  trading_day: req('string'),
  status: req('i32'),
  accounts: req({ object: ACCOUNT_SCHEMA }),
  banks: req({ map: BANK_SCHEMA }),
  event: opt('string-map', () => ({})),
  orders: req({ map: ORDER_SCHEMA }),
  positions: req({ map: POSITION_SCHEMA }),
  trades: req({ map: TRADE_SCHEMA }),
  transfers: req({ map: TRANSFER_SCHEMA }),
  executions: opt({ map: EXECUTION_SCHEMA }, () => ({})),
  ping_gap: opt('i32', () => 0),
  model: opt('string', () => undefined),
  sourceid: opt('string', () => undefined),
  frozen: opt({ map: FROZEN_SCHEMA }, () => undefined),
};
