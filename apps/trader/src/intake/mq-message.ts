import {
  DiffClientMessage,
  DIRECTIONS,
  InsertOrder,
  OFFSETS,
  PRICE_TYPES,
  TIME_CONDITIONS,
  VOLUME_CONDITIONS,
} from '@qautlra/diff';

/** The original's MQ topics (`qatrader-rs` §5.3), flat JSON bodies. */
export const MQ_TOPICS = [
  'sendorder',
  'cancel_order',
  'transfer',
  'query_settlement',
  'query_bank',
  'change_password',
  'peek',
  'login',
] as const;
export type MqTopic = (typeof MQ_TOPICS)[number];

export type MqErrorCode = 'INVALID_JSON' | 'INVALID_MESSAGE' | 'UNKNOWN_TOPIC' | 'WRONG_ACCOUNT';

/** A message the trader cannot act on; `field` names the MQ field at fault. */
export class MqMessageError extends Error {
  constructor(
    readonly code: MqErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'MqMessageError';
  }
}

/** A parsed intake message: the DIFF frame it becomes (the trader adds `order_id` when absent). */
export interface TraderCommand {
  topic: MqTopic;
  message: DiffClientMessage;
}

type Body = Record<string, unknown>;

function field(body: Body, name: string, topic: string) {
  const value = body[name];
  const fail = (expected: string): never => {
    throw new MqMessageError(
      'INVALID_MESSAGE',
      `${topic}.${name}: expected ${expected}, got ${value === undefined ? 'nothing (missing)' : JSON.stringify(value)}`,
      name,
    );
  };
  const present = value !== undefined && value !== null;
  return {
    present,
    string(options: { optional?: boolean; maxBytes?: number } = {}): string | undefined {
      if (!present) return options.optional ? undefined : fail('a string');
      if (typeof value !== 'string') return fail('a string');
      if (options.maxBytes !== undefined && Buffer.byteLength(value) > options.maxBytes)
        fail(`a string of at most ${options.maxBytes} bytes`);
      return value;
    },
    number(options: { integer?: boolean; positive?: boolean; optional?: boolean } = {}) {
      // Numbers in text ("10") are accepted: strategies written in Python often send them so.
      const number =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      if (!present) return options.optional ? undefined : fail('a number');
      if (!Number.isFinite(number)) return fail('a number');
      if (options.integer && !Number.isInteger(number)) fail('an integer');
      if (options.positive && number <= 0) fail('a positive number');
      return number;
    },
    oneOf<T extends string>(values: readonly T[], fallback?: T): T {
      if (!present && fallback !== undefined) return fallback;
      const upper = typeof value === 'string' ? value.toUpperCase() : value;
      if (typeof upper !== 'string' || !values.includes(upper as T))
        return fail(`one of ${values.join('/')}`);
      return upper as T;
    },
  };
}

/**
 * Parses one intake message (RabbitMQ body, REST body or BullMQ job) for `account` into the DIFF
 * frame it stands for. `sendorder` / `cancel_order` whose `account_cookie` names another account
 * are refused (the original sent them under the routing account regardless). The `transfer` amount
 * is read from `amount` (the original read it from `account_cookie`, §14 T1).
 */
export function parseMqMessage(input: unknown, account: string): TraderCommand {
  let body: unknown = input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    try {
      body = JSON.parse(input.toString());
    } catch (error) {
      throw new MqMessageError(
        'INVALID_JSON',
        `消息格式错误: not JSON (${(error as Error).message})`,
      );
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new MqMessageError('INVALID_MESSAGE', '消息格式错误: the message must be a JSON object');
  const message = body as Body;
  const topic = message.topic;
  if (typeof topic !== 'string' || !(MQ_TOPICS as readonly string[]).includes(topic))
    throw new MqMessageError(
      'UNKNOWN_TOPIC',
      `未知消息: topic ${JSON.stringify(topic) ?? 'missing'} is not one of ${MQ_TOPICS.join(', ')}`,
      'topic',
    );
  const get = (name: string) => field(message, name, topic);
  const ownAccount = () => {
    const cookie = get('account_cookie').string({ optional: true });
    if (cookie !== undefined && cookie !== account)
      throw new MqMessageError(
        'WRONG_ACCOUNT',
        `${topic}.account_cookie ${JSON.stringify(cookie)} is not this trader's account ${account}`,
        'account_cookie',
      );
  };
  switch (topic as MqTopic) {
    case 'sendorder': {
      ownAccount();
      const priceType = get('price_type').oneOf(PRICE_TYPES, 'LIMIT');
      const order: InsertOrder = {
        aid: 'insert_order',
        user_id: account,
        exchange_id: (get('exchange_id').string() as string).toUpperCase(),
        instrument_id: get('code').string() as string,
        direction: get('order_direction').oneOf(DIRECTIONS),
        offset: get('order_offset').oneOf(OFFSETS),
        volume: get('volume').number({ integer: true, positive: true }) as number,
        price_type: priceType,
        volume_condition: get('volume_condition').oneOf(VOLUME_CONDITIONS, 'ANY'),
        time_condition: get('time_condition').oneOf(
          TIME_CONDITIONS,
          priceType === 'LIMIT' ? 'GFD' : 'IOC',
        ),
      };
      const price = get('price').number({ positive: true, optional: priceType !== 'LIMIT' });
      if (price !== undefined) order.limit_price = price;
      const orderId = get('order_id').string({ optional: true, maxBytes: 128 });
      if (orderId !== undefined) {
        if (orderId === '')
          throw new MqMessageError(
            'INVALID_MESSAGE',
            'sendorder.order_id: must not be empty',
            'order_id',
          );
        order.order_id = orderId;
      }
      return { topic: 'sendorder', message: order };
    }
    case 'cancel_order':
      ownAccount();
      return {
        topic: 'cancel_order',
        message: {
          aid: 'cancel_order',
          user_id: account,
          order_id: get('order_id').string({ maxBytes: 128 }) as string,
        },
      };
    case 'transfer':
      return {
        topic: 'transfer',
        message: {
          aid: 'req_transfer',
          bank_id: get('bank_id').string() as string,
          future_account: account,
          future_password: get('future_password').string() as string,
          bank_password: get('bank_password').string() as string,
          currency: get('currency').string({ optional: true }) ?? 'CNY',
          amount: get('amount').number() as number,
        },
      };
    case 'query_settlement':
      return {
        topic: 'query_settlement',
        message: {
          aid: 'qry_settlement_info',
          trading_day: get('trading_day').number({ integer: true }) as number,
        },
      };
    case 'query_bank':
      return {
        topic: 'query_bank',
        message: {
          aid: 'qry_bankcapital',
          bank_id: get('bank_id').string() as string,
          future_account: account,
          future_password: get('future_password').string() as string,
          bank_password: get('bank_password').string() as string,
          currency: get('currency').string({ optional: true }) ?? 'CNY',
        },
      };
    case 'change_password':
      return {
        topic: 'change_password',
        message: {
          aid: 'change_password',
          old_password: get('old_password').string() as string,
          new_password: get('new_password').string() as string,
        },
      };
    case 'peek':
      return { topic: 'peek', message: { aid: 'peek_message' } };
    case 'login':
      return {
        topic: 'login',
        message: {
          aid: 'req_login',
          bid: get('bid').string() as string,
          user_name: get('user_name').string() as string,
          password: get('password').string() as string,
        },
      };
  }
}

/** A REST or BullMQ body without `topic` is an order (`sendorder`). */
export function withDefaultTopic(body: unknown): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && !('topic' in body)
    ? { topic: 'sendorder', ...body }
    : body;
}
