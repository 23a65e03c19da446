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
  textEnum,
} from '@qautlra/platform';
import { ALERT_KINDS } from '../alerts/alert-store';

const MONEY_SUMMARY = objectOf({
  balance: NUMBER,
  available: NUMBER,
  margin: NUMBER,
  float_profit: NUMBER,
  position_profit: NUMBER,
  day_pnl: NUMBER,
  risk_ratio: NUMBER,
  drawdown: NUMBER,
  market_value: NUMBER,
});

const FACTOR_VALUE: SchemaObject = {
  oneOf: [NUMBER, mapOf(NUMBER, 'named values (MACD: dif, dea, histogram)')],
  description: 'the indicator on this bar; absent before its warm-up',
};

export const REALTIME_SCHEMAS: Schemas = {
  LegacyReply: objectOf(
    {
      code: { type: 'integer', enum: [200, 400, 401, 403, 404, 429, 500] },
      data: STRING,
      msg: { type: 'string', example: '订阅成功' },
    },
    { description: "The original's reply `{code, data, msg}`" },
  ),
  MonitoredAccount: {
    allOf: [
      ref('QifiAccount'),
      objectOf({
        day_pnl: { ...NUMBER, description: 'balance − static_balance' },
        peak_balance: { ...NUMBER, description: "the trading day's highest balance seen" },
        drawdown: { ...NUMBER, description: 'peak_balance − balance' },
        drawdown_ratio: NUMBER,
        market_value: { ...NUMBER, description: 'held stocks and options at the last price' },
        value_balance: { ...NUMBER, description: "balance + options' market value" },
      }),
    ],
  },
  MonitoredPosition: {
    allOf: [ref('QifiPosition'), objectOf({ market_value: NUMBER })],
  },
  AlertEvent: objectOf({
    id: STRING,
    rule_id: STRING,
    account: STRING,
    kind: textEnum(ALERT_KINDS),
    value: NUMBER,
    threshold: NUMBER,
    message: STRING,
    at: { type: 'string', format: 'date-time' },
  }),
  AlertRule: objectOf(
    {
      id: STRING,
      account: STRING,
      user_name: STRING,
      kind: textEnum(ALERT_KINDS),
      threshold: NUMBER,
      target: { type: 'string', nullable: true },
      webhook: { type: 'string', nullable: true },
      created_at: { type: 'string', format: 'date-time' },
    },
    { optional: ['created_at'] },
  ),
  AccountRoom: objectOf(
    {
      account_cookie: STRING,
      user_name: STRING,
      trading_day: STRING,
      accounts: ref('MonitoredAccount'),
      positions: mapOf(ref('MonitoredPosition'), 'by `EXCHANGE.code`'),
      alerts: mapOf(ref('AlertEvent'), 'the latest alerts by id'),
    },
    {
      optional: ['alerts'],
      description: 'An `ACCOUNT:<cookie>` room: the account re-marked on live quotes',
    },
  ),
  PortfolioRoom: objectOf(
    {
      user_name: STRING,
      accounts: mapOf(MONEY_SUMMARY, 'by account cookie'),
      total: objectOf({
        balance: NUMBER,
        available: NUMBER,
        margin: NUMBER,
        float_profit: NUMBER,
        position_profit: NUMBER,
        day_pnl: NUMBER,
        market_value: NUMBER,
        risk_ratio: NUMBER,
      }),
    },
    { description: "A `PORTFOLIO:<user>` room: the user's accounts together" },
  ),
  FactorRoom: objectOf(
    {
      instrument: STRING,
      frequency: textEnum(['1m', '5m', '15m', '30m', '1h', '1d']),
      indicator: { type: 'string', example: 'MACD(12,26,9)' },
      warmup: { type: 'string', example: '300 bars of history' },
      last_id: INTEGER,
      value: FACTOR_VALUE,
      data: mapOf(
        objectOf(
          {
            datetime: { type: 'string', example: '2026-12-07 09:31:00' },
            trading_day: STRING,
            open: NUMBER,
            high: NUMBER,
            low: NUMBER,
            close: NUMBER,
            volume: NUMBER,
            value: FACTOR_VALUE,
          },
          { optional: ['value'] },
        ),
        'bars by id (`last_id` is the forming one)',
      ),
    },
    { optional: ['value'], description: 'A `FACTOR:` room: live bars and an indicator on them' },
  ),
  RankRoom: objectOf(
    {
      frequency: STRING,
      indicator: STRING,
      values: mapOf(NUMBER, 'by instrument'),
      ranking: arrayOf(objectOf({ instrument: STRING, value: NUMBER, rank: INTEGER })),
    },
    { description: 'A `RANK:` room: one indicator across instruments, highest first' },
  ),
  RoomState: objectOf(
    {
      room: STRING,
      state: {
        oneOf: [ref('AccountRoom'), ref('PortfolioRoom'), ref('FactorRoom'), ref('RankRoom')],
      },
    },
    { description: 'A room by its canonical name, and its whole state' },
  ),
  Rooms: objectOf({
    leading: { ...BOOLEAN, description: 'whether this instance computes the rooms' },
    relayed: arrayOf(objectOf({ room: STRING, members: INTEGER })),
    computed: arrayOf(STRING),
  }),
  AlertList: objectOf({
    rules: arrayOf(ref('AlertRule')),
    events: arrayOf(ref('AlertEvent')),
  }),
};
