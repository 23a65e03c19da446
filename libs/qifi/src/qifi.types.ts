/**
 * The QIFI account document (QUANTAXIS `qifi-rs` v0.3 / QIFI protocol), JSON field names exactly as
 * the original, misspellings included (`volume_orign`, `WithdrawQuota`). Money in CNY; volumes in
 * lots (futures) or shares (stocks); `*_date_time` and transfer `datetime` in UTC nanoseconds.
 */
export interface QifiAccountFields {
  user_id: string;
  currency: string;
  pre_balance: number;
  deposit: number;
  withdraw: number;
  WithdrawQuota: number;
  close_profit: number;
  commission: number;
  premium: number;
  static_balance: number;
  position_profit: number;
  float_profit: number;
  balance: number;
  margin: number;
  frozen_margin: number;
  frozen_commission: number;
  frozen_premium: number;
  available: number;
  risk_ratio: number;
}

export interface QifiPosition {
  user_id: string;
  exchange_id: string;
  instrument_id: string;
  volume_long_today: number;
  volume_long_his: number;
  volume_long: number;
  volume_long_frozen_today: number;
  volume_long_frozen_his: number;
  volume_long_frozen: number;
  volume_short_today: number;
  volume_short_his: number;
  volume_short: number;
  volume_short_frozen_today: number;
  volume_short_frozen_his: number;
  volume_short_frozen: number;
  volume_long_yd: number;
  volume_short_yd: number;
  pos_long_his: number;
  pos_long_today: number;
  pos_short_his: number;
  pos_short_today: number;
  open_price_long: number;
  open_price_short: number;
  open_cost_long: number;
  open_cost_short: number;
  position_price_long: number;
  position_price_short: number;
  position_cost_long: number;
  position_cost_short: number;
  last_price: number;
  float_profit_long: number;
  float_profit_short: number;
  float_profit: number;
  position_profit_long: number;
  position_profit_short: number;
  position_profit: number;
  margin_long: number;
  margin_short: number;
  margin: number;
}

export type QifiDirection = 'BUY' | 'SELL';
export type QifiOffset = 'OPEN' | 'CLOSE' | 'CLOSETODAY' | 'CLOSEYESTERDAY';

export interface QifiOrder {
  seqno: number;
  user_id: string;
  order_id: string;
  exchange_id: string;
  instrument_id: string;
  direction: string;
  offset: string;
  /** Original volume (sic: the original's spelling). */
  volume_orign: number;
  price_type: string;
  limit_price: number;
  time_condition: string;
  volume_condition: string;
  /** UTC ns. */
  insert_date_time: number;
  exchange_order_id: string;
  /** `ALIVE` / `FINISHED`. */
  status: string;
  volume_left: number;
  last_msg: string;
}

export interface QifiTrade {
  seqno: number;
  user_id: string;
  trade_id: string;
  exchange_id: string;
  instrument_id: string;
  order_id: string;
  exchange_trade_id: string;
  direction: string;
  offset: string;
  volume: number;
  price: number;
  /** UTC ns. */
  trade_date_time: number;
  commission: number;
}

export interface QifiTransfer {
  datetime: number;
  currency: string;
  amount: number;
  error_id: number;
  error_msg: string;
}

export interface QifiBankDetail {
  id: string;
  name: string;
  bank_account: string;
  fetch_amount: number;
  qry_count: number;
}

export interface QifiExecution {
  exec_id: string;
  account_cookie: string;
  strategy_id: string;
  instrument_id: string;
  exchange_id: string;
  direction: string;
  offset: string;
  volume_total: number;
  volume_filled: number;
  price_limit: number;
  create_time: number;
  start_time: number;
  end_time?: number | null;
  status: string;
  algorithm: string;
  parameters: { slices: number; interval: number; current_slice: number; next_slice_time: number };
  order_ids: string[];
  avg_price: number;
  commission: number;
  progress: number;
  last_update_time: number;
  is_paused: boolean;
  is_cancelling: boolean;
  metrics: { market_impact: number; slippage: number; arrival_price: number; vwap: number };
}

export interface Qifi {
  databaseip: string;
  account_cookie: string;
  password: string;
  portfolio: string;
  broker_name: string;
  capital_password: string;
  bank_password: string;
  bankid: string;
  bankname: string;
  investor_name: string;
  money: number;
  pub_host: string;
  trade_host: string;
  wsuri: string;
  eventmq_ip: string;
  settlement: Record<string, string>;
  taskid: string;
  updatetime: string;
  trading_day: string;
  status: number;
  accounts: QifiAccountFields;
  banks: Record<string, QifiBankDetail>;
  event: Record<string, string>;
  orders: Record<string, QifiOrder>;
  positions: Record<string, QifiPosition>;
  trades: Record<string, QifiTrade>;
  transfers: Record<string, QifiTransfer>;
  executions: Record<string, QifiExecution>;
  ping_gap: number;
  /** Python-only extras, kept when present. */
  model?: string;
  sourceid?: string;
  frozen?: Record<string, { amount: number; coeff: number; money: number }>;
}
