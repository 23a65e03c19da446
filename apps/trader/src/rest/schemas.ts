import type { SchemaObject } from '@nestjs/swagger';
import { arrayOf, BOOLEAN, INTEGER, objectOf, ref, Schemas, STRING } from '@qautlra/platform';

const TEXT_OR = (schema: SchemaObject, description: string): SchemaObject => ({
  oneOf: [{ type: 'string', description }, schema],
});

export const TRADER_SCHEMAS: Schemas = {
  SessionStatus: objectOf(
    {
      state: {
        type: 'string',
        enum: ['connecting', 'logging_in', 'ready', 'login_failed', 'disconnected', 'stopped'],
      },
      session: { ...INTEGER, description: 'connections that reached ready' },
      connected_since: { type: 'string', format: 'date-time' },
      reconnects: INTEGER,
      last_error: STRING,
      last_pong_at: { type: 'string', format: 'date-time' },
    },
    { optional: ['connected_since', 'last_error', 'last_pong_at'] },
  ),
  TraderAccountStatus: objectOf({
    account: STRING,
    broker: STRING,
    wsuri: STRING,
    session: ref('SessionStatus'),
    synced: { ...BOOLEAN, description: 'the session’s snapshot has been applied' },
    unconfirmed_orders: INTEGER,
    waiting_commands: INTEGER,
    trading_day: STRING,
    qifi_status: { ...INTEGER, description: 'QIFI `status` (200, or 600 after a failed login)' },
    counters: objectOf({
      received: INTEGER,
      sent: INTEGER,
      confirmed: INTEGER,
      refused: INTEGER,
      trades_published: INTEGER,
    }),
  }),
  TraderStatus: objectOf({
    intake: objectOf({
      amqp: TEXT_OR(
        objectOf(
          {
            state: { type: 'string', enum: ['connecting', 'consuming', 'down'] },
            last_error: STRING,
          },
          { optional: ['last_error'] },
        ),
        'why it is off',
      ),
      bullmq: TEXT_OR(arrayOf(STRING), 'why it is off'),
      rest: STRING,
    }),
    events: objectOf(
      { transport: { type: 'string', enum: ['rabbitmq', 'in-process'] }, connected: BOOLEAN },
      { optional: ['connected'] },
    ),
    database: { type: 'string', enum: ['pglite', 'postgres'] },
    accounts: arrayOf(ref('TraderAccountStatus')),
  }),
  TraderEvent: objectOf(
    {
      topic: { type: 'string', enum: ['error', 'notice'] },
      account_cookie: STRING,
      code: { type: 'string', example: 'INVALID_MESSAGE' },
      message: STRING,
      input: { ...ref('JsonValue'), description: 'the message that caused it, as received' },
      order_id: STRING,
      time: { type: 'string', format: 'date-time' },
    },
    { optional: ['input', 'order_id'] },
  ),
  TraderRecent: objectOf({
    events: arrayOf(ref('TraderEvent')),
    trades: arrayOf(ref('QifiTrade')),
  }),
  IntakeAccepted: objectOf(
    {
      ok: { type: 'boolean', enum: [true] },
      topic: STRING,
      order_id: STRING,
      order: ref('QifiOrder'),
    },
    { optional: ['order_id', 'order'] },
  ),
};
