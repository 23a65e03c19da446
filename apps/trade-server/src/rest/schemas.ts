import type { SchemaObject } from '@nestjs/swagger';
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
} from '@qautlra/platform';
import { ACCOUNT_TRADING_STATES } from '@qautlra/risk';
import { RISK_LIMIT_WIRE_NAMES } from './dto';

const STATE: SchemaObject = { type: 'string', enum: [...ACCOUNT_TRADING_STATES] };

export const TRADE_SERVER_SCHEMAS: Schemas = {
  LoginResult: objectOf({
    token: { ...STRING, description: 'JWT for `Authorization: Bearer`' },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { ...INTEGER, description: 'seconds' },
    user_name: STRING,
  }),
  ApiKey: objectOf({
    key_id: STRING,
    api_key: { ...STRING, description: 'for `X-API-Key`; shown once' },
    label: STRING,
  }),
  AccountSummary: objectOf({
    account_cookie: STRING,
    user_name: STRING,
    broker: STRING,
    state: STATE,
  }),
  TradeSection: objectOf(
    {
      account_cookie: STRING,
      trading_day: { type: 'string', example: '20261207' },
      user_id: STRING,
      investor_name: STRING,
      session: objectOf({ user_id: STRING, trading_day: STRING }),
      accounts: mapOf(ref('QifiAccount'), 'by currency (`CNY`)'),
      positions: mapOf(ref('QifiPosition'), 'by `EXCHANGE.code`'),
      orders: mapOf(ref('QifiOrder'), 'by order id'),
      trades: mapOf(ref('QifiTrade'), 'by trade id'),
      transfers: mapOf(ref('QifiTransfer'), 'by transfer id'),
      banks: mapOf(ref('QifiBank'), 'by bank id'),
    },
    { description: 'The DIFF `trade.<account>` section of one account (QIFI parts)' },
  ),
  Positions: mapOf(ref('QifiPosition'), 'by `EXCHANGE.code`'),
  Orders: mapOf(ref('QifiOrder'), 'by order id'),
  Trades: mapOf(ref('QifiTrade'), 'by trade id'),
  Settlement: objectOf({
    trading_day: STRING,
    content: { ...STRING, description: 'the settlement statement text' },
  }),
  OrderPlaced: objectOf(
    {
      order_id: STRING,
      accepted: { ...BOOLEAN, description: 'absent while the broker has not answered' },
      message: STRING,
      order: ref('QifiOrder'),
    },
    { optional: ['accepted', 'order'] },
  ),
  OrderCancelled: objectOf(
    {
      order_id: STRING,
      cancelled: { ...BOOLEAN, description: 'absent while the broker has not answered' },
      message: STRING,
    },
    { optional: ['cancelled'] },
  ),
  User: objectOf({ user_name: STRING, is_admin: BOOLEAN }),
  AccountCreated: objectOf({
    account_cookie: STRING,
    user_name: STRING,
    broker: STRING,
    cash: NUMBER,
  }),
  Transferred: objectOf({ account: STRING, amount: NUMBER, message: STRING }),
  AccountStateSet: objectOf({ account: STRING, state: STATE }),
  RiskLimits: objectOf(
    Object.fromEntries(
      Object.values(RISK_LIMIT_WIRE_NAMES).map((name) => [
        name,
        name === 'self_trade_prevention' ? BOOLEAN : NUMBER,
      ]),
    ),
  ),
  LimitsSet: objectOf({ account: STRING, limits: ref('RiskLimits') }),
  SettleQueued: objectOf({ trading_day: STRING, queued: BOOLEAN }),
};

export const SETTLEMENTS = arrayOf(ref('Settlement'));
