import fc from 'fast-check';
import { parseDiffClientMessage } from '@qautlra/diff';
import { MQ_TOPICS, MqMessageError, parseMqMessage } from './mq-message';

const ORDER = {
  topic: 'sendorder',
  account_cookie: 'acc',
  exchange_id: 'SHFE',
  code: 'rb2601',
  order_direction: 'BUY',
  order_offset: 'OPEN',
  volume: 2,
  price: 3500,
  order_id: 's1.0001',
};

describe('intake messages (the original flat MQ format)', () => {
  it('sendorder becomes insert_order with the original defaults', () => {
    expect(parseMqMessage(JSON.stringify(ORDER), 'acc')).toEqual({
      topic: 'sendorder',
      message: {
        aid: 'insert_order',
        user_id: 'acc',
        order_id: 's1.0001',
        exchange_id: 'SHFE',
        instrument_id: 'rb2601',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 2,
        price_type: 'LIMIT',
        limit_price: 3500,
        volume_condition: 'ANY',
        time_condition: 'GFD',
      },
    });
  });

  it('accepts numbers as text and lower-case enums; a MARKET order needs no price', () => {
    const { message } = parseMqMessage(
      { ...ORDER, volume: '3', price: undefined, price_type: 'market', order_direction: 'sell' },
      'acc',
    );
    expect(message).toMatchObject({
      volume: 3,
      direction: 'SELL',
      price_type: 'MARKET',
      time_condition: 'IOC',
    });
    expect(message).not.toHaveProperty('limit_price');
  });

  it('every topic maps to its DIFF frame; transfer reads amount from amount (T1 fixed)', () => {
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [
        { topic: 'cancel_order', order_id: 'o1' },
        { aid: 'cancel_order', user_id: 'acc', order_id: 'o1' },
      ],
      [
        {
          topic: 'transfer',
          bank_id: 'b',
          account_cookie: 'acc',
          future_password: 'f',
          bank_password: 'p',
          amount: 100,
        },
        {
          aid: 'req_transfer',
          bank_id: 'b',
          future_account: 'acc',
          future_password: 'f',
          bank_password: 'p',
          currency: 'CNY',
          amount: 100,
        },
      ],
      [
        { topic: 'query_settlement', trading_day: 20250328 },
        { aid: 'qry_settlement_info', trading_day: 20250328 },
      ],
      [
        { topic: 'query_bank', bank_id: 'b', future_password: 'f', bank_password: 'p' },
        {
          aid: 'qry_bankcapital',
          bank_id: 'b',
          future_account: 'acc',
          future_password: 'f',
          bank_password: 'p',
          currency: 'CNY',
        },
      ],
      [
        { topic: 'change_password', old_password: 'a', new_password: 'b' },
        { aid: 'change_password', old_password: 'a', new_password: 'b' },
      ],
      [{ topic: 'peek' }, { aid: 'peek_message' }],
      [
        { topic: 'login', bid: 'sim', user_name: 'u', password: 'p' },
        { aid: 'req_login', bid: 'sim', user_name: 'u', password: 'p' },
      ],
    ];
    for (const [input, frame] of cases) expect(parseMqMessage(input, 'acc').message).toEqual(frame);
    expect(
      cases
        .map(([input]) => input.topic)
        .concat('sendorder')
        .sort(),
    ).toEqual([...MQ_TOPICS].sort());
  });

  it.each([
    ['{', 'INVALID_JSON', undefined],
    ['[]', 'INVALID_MESSAGE', undefined],
    [{ topic: 'order' }, 'UNKNOWN_TOPIC', 'topic'],
    [{}, 'UNKNOWN_TOPIC', 'topic'],
    [{ ...ORDER, account_cookie: 'other' }, 'WRONG_ACCOUNT', 'account_cookie'],
    [{ ...ORDER, volume: 0 }, 'INVALID_MESSAGE', 'volume'],
    [{ ...ORDER, volume: 1.5 }, 'INVALID_MESSAGE', 'volume'],
    [{ ...ORDER, price: 'cheap' }, 'INVALID_MESSAGE', 'price'],
    [{ ...ORDER, price: undefined }, 'INVALID_MESSAGE', 'price'],
    [{ ...ORDER, order_direction: 'UP' }, 'INVALID_MESSAGE', 'order_direction'],
    [{ ...ORDER, order_offset: undefined }, 'INVALID_MESSAGE', 'order_offset'],
    [{ ...ORDER, code: 7 }, 'INVALID_MESSAGE', 'code'],
    [{ ...ORDER, order_id: '' }, 'INVALID_MESSAGE', 'order_id'],
    [{ ...ORDER, order_id: 'x'.repeat(129) }, 'INVALID_MESSAGE', 'order_id'],
    [
      { topic: 'transfer', bank_id: 'b', future_password: 'f', bank_password: 'p' },
      'INVALID_MESSAGE',
      'amount',
    ],
    [{ topic: 'query_settlement', trading_day: '2025-03-28' }, 'INVALID_MESSAGE', 'trading_day'],
  ])('refuses %p with %s naming %s', (input, code, field) => {
    try {
      parseMqMessage(input, 'acc');
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(MqMessageError);
      expect(error).toMatchObject({ code, field });
    }
  });

  it('fuzz: any input is refused with an MqMessageError or becomes a valid DIFF frame of this account', () => {
    const near = fc.record(
      {
        topic: fc.oneof(fc.constantFrom(...MQ_TOPICS), fc.string()),
        account_cookie: fc.oneof(fc.constantFrom('acc', 'other'), fc.anything()),
        exchange_id: fc.oneof(fc.constant('SHFE'), fc.anything()),
        code: fc.oneof(fc.constant('rb2601'), fc.anything()),
        order_direction: fc.oneof(fc.constantFrom('BUY', 'sell'), fc.anything()),
        order_offset: fc.oneof(fc.constantFrom('OPEN', 'CLOSETODAY'), fc.anything()),
        volume: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double(), fc.string(), fc.anything()),
        price: fc.oneof(fc.double(), fc.anything()),
        price_type: fc.oneof(fc.constantFrom('LIMIT', 'MARKET'), fc.anything()),
        order_id: fc.oneof(fc.string(), fc.anything()),
        amount: fc.oneof(fc.double(), fc.anything()),
        trading_day: fc.oneof(fc.integer(), fc.anything()),
        bank_id: fc.oneof(fc.string(), fc.anything()),
        future_password: fc.oneof(fc.string(), fc.anything()),
        bank_password: fc.oneof(fc.string(), fc.anything()),
      },
      { requiredKeys: [] },
    );
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          near,
          near.map((value) => JSON.stringify(value)),
          fc.string(),
          fc.anything(),
        ),
        (input) => {
          let frame;
          try {
            frame = parseMqMessage(input, 'acc').message;
          } catch (error) {
            expect(error).toBeInstanceOf(MqMessageError);
            return;
          }
          accepted += 1;
          expect(parseDiffClientMessage(JSON.parse(JSON.stringify(frame)))).toBeDefined();
          if ('user_id' in frame) expect(frame.user_id).toBe('acc');
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 2000) },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
