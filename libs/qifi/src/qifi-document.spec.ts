import { BSON, Double, Int32, Long } from 'bson';
import fc from 'fast-check';
import realistic from './fixtures/qifi-realistic.json';
import { parseQifi, qifiFromBson, qifiToBson, qifiToJson } from './qifi-document';
import { QifiError } from './qifi.error';

const text = JSON.stringify(realistic);

describe('QIFI document', () => {
  it('a full realistic document round-trips JSON → BSON → JSON unchanged', () => {
    const document = parseQifi(text);
    const back = qifiFromBson(qifiToBson(document));
    expect(back).toEqual(document);
    expect(JSON.parse(qifiToJson(back))).toEqual(realistic);
  });

  it('writes the original BSON types: doubles, NumberLong nanoseconds, int32 counters', () => {
    const raw = BSON.deserialize(qifiToBson(parseQifi(text)), { promoteValues: false });
    const order = (raw.orders as Record<string, Record<string, unknown>>)['strategy1.0001']!;
    expect(order.insert_date_time).toBeInstanceOf(Long);
    expect(order.volume_orign).toBeInstanceOf(Double);
    expect(order.seqno).toBeInstanceOf(Int32);
    expect((raw.accounts as Record<string, unknown>).balance).toBeInstanceOf(Double);
  });

  it.each([
    [
      (d: Record<string, any>) => (d.positions['SHFE.au2512'].volume_long = 'two'),
      'positions["SHFE.au2512"].volume_long: expected a number',
    ],
    [
      (d: Record<string, any>) => delete d.accounts.WithdrawQuota,
      'accounts.WithdrawQuota: expected a number, got nothing (missing)',
    ],
    [
      (d: Record<string, any>) => (d.orders['strategy1.0001'].insert_date_time = 1.5),
      'orders["strategy1.0001"].insert_date_time: expected an integer',
    ],
    [(d: Record<string, any>) => (d.trades = []), 'trades: expected an object'],
    [
      (d: Record<string, any>) => (d.executions['exec-1'].order_ids = [1]),
      'executions["exec-1"].order_ids: expected an array of strings',
    ],
    [
      (d: Record<string, any>) => (d.executions['exec-1'].metrics.vwap = null),
      'executions["exec-1"].metrics.vwap: expected a number',
    ],
    [
      (d: Record<string, any>) => (d.settlement['20250326'] = 5),
      'settlement["20250326"]: expected a string',
    ],
    [(d: Record<string, any>) => delete d.account_cookie, 'account_cookie: expected a string'],
  ])('rejects malformed documents naming the field (%#)', (mutate, message) => {
    const document = JSON.parse(text) as Record<string, unknown>;
    mutate(document);
    expect(() => parseQifi(document)).toThrow(QifiError);
    expect(() => parseQifi(document)).toThrow(message);
  });

  it('accepts the variants of the ecosystem: events, null strings, SHFE_rb2001 and bare position keys, no defaults', () => {
    const document = JSON.parse(text) as Record<string, any>;
    document.events = document.event;
    delete document.event;
    delete document.executions;
    delete document.ping_gap;
    delete document.databaseip;
    document.investor_name = null;
    document.note = 'null stays null inside strings';
    document.positions = {
      SHFE_au2512: document.positions['SHFE.au2512'],
      m2505: { ...document.positions['DCE.m2505'], exchange_id: '' },
    };
    const parsed = parseQifi(document);
    expect(parsed.event).toEqual(realistic.event);
    expect(parsed.investor_name).toBe('');
    expect(parsed.executions).toEqual({});
    expect(parsed.ping_gap).toBe(0);
    expect(Object.keys(parsed.positions).sort()).toEqual(['DCE.m2505', 'SHFE.au2512']);
  });

  it('keeps the text "null" inside strings (the original replaced it everywhere, §14 Q3)', () => {
    const document = JSON.parse(text) as Record<string, any>;
    document.event = { '2025-03-27 09:30:00': 'order null rejected' };
    expect(parseQifi(document).event['2025-03-27 09:30:00']).toBe('order null rejected');
  });

  it('ignores prototype keys and throws only QifiError on arbitrary input (fuzz)', () => {
    const polluted = JSON.parse(
      text.replace('"orders":{', '"orders":{"__proto__":{"x":1},'),
    ) as unknown;
    expect(Object.keys(parseQifi(polluted).orders)).not.toContain('__proto__');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue()), (input) => {
        try {
          parseQifi(input);
        } catch (error) {
          expect(error).toBeInstanceOf(QifiError);
        }
      }),
    );
    expect(() => qifiFromBson(new Uint8Array([1, 2, 3]))).toThrow(QifiError);
  });
});
