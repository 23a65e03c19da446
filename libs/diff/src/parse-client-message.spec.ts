import fc from 'fast-check';
import { DiffProtocolError } from './diff-protocol.error';
import { parseDiffClientMessage } from './parse-client-message';

const order = {
  aid: 'insert_order',
  user_id: 'u1',
  order_id: 'strategy1.0001',
  exchange_id: 'SHFE',
  instrument_id: 'rb2001',
  direction: 'BUY',
  offset: 'OPEN',
  volume: 2,
  price_type: 'LIMIT',
  limit_price: 3500,
  volume_condition: 'ANY',
  time_condition: 'GFD',
};

describe('DIFF client messages', () => {
  it("accepts the trader's insert_order and keeps its fields", () => {
    expect(parseDiffClientMessage(JSON.stringify(order))).toEqual(order);
    expect(parseDiffClientMessage('{"aid":"peek_message"}')).toEqual({ aid: 'peek_message' });
  });

  it.each([
    [{ ...order, direction: 'LONG' }, 'insert_order.direction: expected one of BUY/SELL'],
    [{ ...order, volume: 0 }, 'insert_order.volume: expected a positive number'],
    [{ ...order, volume: 1.5 }, 'insert_order.volume: expected an integer'],
    [{ ...order, order_id: 'x'.repeat(129) }, 'insert_order.order_id: expected at most 128 bytes'],
    [{ aid: 'cancel_order', user_id: 'u1' }, 'cancel_order.order_id: expected a string'],
    [
      { aid: 'qry_settlement_info', trading_day: '20200101' },
      'qry_settlement_info.trading_day: expected a number',
    ],
  ])('rejects %j: %s', (message, text) => {
    expect(() => parseDiffClientMessage(message)).toThrow(text);
  });

  it('names unknown aids and bad JSON', () => {
    expect(() => parseDiffClientMessage('{"aid":"nope"}')).toThrow('unknown aid "nope"');
    expect(() => parseDiffClientMessage('{')).toThrow(DiffProtocolError);
    expect(() => parseDiffClientMessage('{"aid":"__proto__"}')).toThrow('unknown aid');
    expect(() => parseDiffClientMessage('[]')).toThrow('must be a JSON object');
  });

  it('throws only DiffProtocolError on arbitrary input (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue(),
          fc.record(
            { aid: fc.constantFrom('insert_order', 'req_login', 'set_chart') },
            { requiredKeys: [] },
          ),
        ),
        (input) => {
          try {
            parseDiffClientMessage(input);
          } catch (error) {
            expect(error).toBeInstanceOf(DiffProtocolError);
          }
        },
      ),
    );
  });
});
