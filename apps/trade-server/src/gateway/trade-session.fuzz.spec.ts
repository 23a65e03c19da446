import fc from 'fast-check';
import { InProcessEventBus } from '../bus/event-bus';
import type { TradeCommand } from '../engine/trade-events';
import { AccountHub } from '../accounts/account-hub';
import { TradeSession } from './trade-session';

const runs = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };

/** Client frames: arbitrary text, arbitrary JSON, and near-misses of every DIFF trade message. */
const frame = fc.oneof(
  fc.string(),
  fc.json(),
  // Well-formed commands, so that every run also exercises the accepted path.
  fc.constantFrom(
    JSON.stringify({
      aid: 'insert_order',
      user_id: 'u',
      order_id: 'o1',
      exchange_id: 'SHFE',
      instrument_id: 'rb2601',
      direction: 'BUY',
      offset: 'OPEN',
      volume: 1,
      price_type: 'LIMIT',
      limit_price: 3500,
    }),
    JSON.stringify({ aid: 'cancel_order', user_id: 'u', order_id: 'o1' }),
  ),
  fc
    .record(
      {
        aid: fc.constantFrom(
          'req_login',
          'peek_message',
          'insert_order',
          'cancel_order',
          'qry_settlement_info',
          'change_password',
          'req_transfer',
          'qry_bankcapital',
          'subscribe_quote',
          'ping',
          'x',
        ),
        bid: fc.oneof(fc.constant('sim'), fc.anything()),
        user_name: fc.oneof(fc.constant('u'), fc.anything()),
        password: fc.oneof(fc.constant('p'), fc.anything()),
        user_id: fc.oneof(fc.constantFrom('u', 'someone-else'), fc.anything()),
        order_id: fc.oneof(
          fc.string(),
          fc.string({ minLength: 129, maxLength: 200 }),
          fc.anything(),
        ),
        exchange_id: fc.oneof(fc.constant('SHFE'), fc.anything()),
        instrument_id: fc.oneof(fc.constant('rb2601'), fc.anything()),
        direction: fc.oneof(fc.constantFrom('BUY', 'SELL', 'buy'), fc.anything()),
        offset: fc.oneof(fc.constantFrom('OPEN', 'CLOSE', 'CLOSETODAY'), fc.anything()),
        volume: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double(), fc.anything()),
        price_type: fc.oneof(fc.constantFrom('LIMIT', 'MARKET'), fc.anything()),
        limit_price: fc.oneof(fc.double(), fc.anything()),
        trading_day: fc.oneof(fc.integer(), fc.anything()),
        amount: fc.oneof(fc.double(), fc.anything()),
        future_account: fc.oneof(fc.constant('u'), fc.anything()),
        future_password: fc.oneof(fc.constant('p'), fc.anything()),
      },
      { requiredKeys: ['aid'] },
    )
    .map((value) => JSON.stringify(value)),
);

describe('DIFF trade session fuzz', () => {
  let enqueued = 0;
  afterAll(() => expect(enqueued).toBeGreaterThan(0));

  it('answers any sequence of frames with JSON in the protocol’s shapes, never acts on another account', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(frame, { maxLength: 30 }),
        async (loggedIn, frames) => {
          const sent: string[] = [];
          const commands: TradeCommand[] = [];
          const hub = new AccountHub(new InProcessEventBus(), () => Promise.resolve());
          const session = new TradeSession(
            { send: (text) => sent.push(text) },
            {
              hub,
              enqueue: ({ command }) => {
                commands.push(command);
                return Promise.resolve();
              },
              login: (bid, user, password) =>
                Promise.resolve(
                  bid === 'sim' && user === 'u' && password === 'p'
                    ? { ok: true, userName: 'u', accounts: ['u'] }
                    : { ok: false, message: '用户登录失败' },
                ),
              verifyPassword: (user, password) => Promise.resolve(user === 'u' && password === 'p'),
              changePassword: () => Promise.resolve(),
              settlement: () => Promise.resolve(undefined),
              allowLogin: () => true,
              loginFailed: () => undefined,
            },
          );
          if (loggedIn) {
            session.handle(
              JSON.stringify({ aid: 'req_login', bid: 'sim', user_name: 'u', password: 'p' }),
            );
            await new Promise((resolve) => setImmediate(resolve));
            expect(session.user).toBe('u');
          }
          for (const text of frames) expect(() => session.handle(text)).not.toThrow();
          await new Promise((resolve) => setImmediate(resolve));
          session.close();
          for (const text of sent) {
            const message = JSON.parse(text) as { aid: string };
            expect(['rtn_data', 'pong', 'qry_settlement_info']).toContain(message.aid);
          }
          enqueued += commands.length;
          for (const command of commands) {
            expect('account' in command && command.account).toBe('u');
            if (command.type === 'insert') {
              expect(Number.isInteger(command.order.volume) && command.order.volume > 0).toBe(true);
              expect(Buffer.byteLength(command.order.order_id ?? '')).toBeLessThanOrEqual(128);
            }
          }
        },
      ),
      runs,
    );
  });
});
