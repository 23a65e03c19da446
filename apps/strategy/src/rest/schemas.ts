import {
  arrayOf,
  BOOLEAN,
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

export const STRATEGY_SCHEMAS: Schemas = {
  StrategyEntry: STRATEGY_ENTRY_SCHEMA,
  Instance: objectOf(
    {
      id: STRING,
      name: STRING,
      strategy: STRING,
      params: mapOf(PARAMETER_VALUE_SCHEMA, 'parameter name → value'),
      account: STRING,
      instruments: arrayOf(STRING),
      frequency: textEnum(['tick', '1m', '5m', '15m', '30m', '1h', '1d']),
      warmup_bars: INTEGER,
      limits: objectOf({
        max_position: INTEGER,
        max_orders_per_minute: INTEGER,
        max_daily_loss: NUMBER,
      }),
      status: textEnum(['created', 'starting', 'running', 'paused', 'stopped', 'failed']),
      holds: arrayOf(
        objectOf({
          reason: textEnum(['user', 'kill', 'limit', 'error', 'disconnected']),
          detail: STRING,
        }),
      ),
      error: { type: 'string', nullable: true },
      generation: INTEGER,
      connections: objectOf({ trade_server: BOOLEAN, gateway: BOOLEAN }),
      sending: BOOLEAN,
      positions: mapOf(
        objectOf({ long: INTEGER, short: INTEGER, net: INTEGER, float_profit: NUMBER }),
        'instrument → lots held',
      ),
      account_summary: {
        ...objectOf({
          balance: NUMBER,
          available: NUMBER,
          margin: NUMBER,
          position_profit: NUMBER,
          close_profit: NUMBER,
        }),
        nullable: true,
      },
      orders: INTEGER,
      trades: INTEGER,
      tick_to_order_ms: {
        ...objectOf({ count: INTEGER, p50: NUMBER, p99: NUMBER }),
        nullable: true,
        description: 'tick arrival → the first order it made sent on the DIFF socket, ms',
      },
    },
    { description: 'A live strategy instance (its password is never shown)' },
  ),
  InstanceLog: objectOf({
    at: STRING,
    level: textEnum(['info', 'warn', 'error']),
    message: STRING,
  }),
  PnlPoint: objectOf({
    at: INTEGER,
    balance: NUMBER,
    position_profit: NUMBER,
    close_profit: NUMBER,
  }),
  InstanceOrders: arrayOf(ref('QifiOrder')),
  InstanceTrades: arrayOf(ref('QifiTrade')),
};
