import { applyDiffData } from '@qautlra/diff';
import { QifiAccount } from '@qautlra/qifi';
import { DiffPeekSession, tradeSection } from './diff-peek-session';

const T0 = Date.UTC(2025, 2, 28, 2, 0);

function setup() {
  const account = new QifiAccount({
    accountCookie: 'demo',
    initCash: 1_000_000,
    tradingDay: '20250328',
  });
  const frames: { aid: string; data: unknown[] }[] = [];
  const session = new DiffPeekSession(
    (frame) => frames.push(JSON.parse(frame) as { aid: string; data: unknown[] }),
    () => ({ trade: { demo: tradeSection(account.toQifi()) } }),
  );
  let mirror: unknown = {};
  const apply = () => {
    for (const frame of frames.splice(0)) mirror = applyDiffData(mirror, frame.data);
    return mirror as { trade: { demo: Record<string, unknown> }; notify?: Record<string, unknown> };
  };
  return { account, frames, session, apply };
}

const order = {
  order_id: 'o1',
  exchange_id: 'SHFE',
  instrument_id: 'au2512',
  direction: 'BUY' as const,
  offset: 'OPEN' as const,
  volume: 1,
  limit_price: 600,
};

describe('DiffPeekSession', () => {
  it('answers the first peek with the full section, then only changes, one rtn_data per peek', () => {
    const { account, frames, session, apply } = setup();
    session.notify({ type: 'MESSAGE', level: 'INFO', code: 0, content: '登录成功' });
    expect(frames).toHaveLength(0); // nothing before a peek
    session.peek();
    expect(frames).toHaveLength(1);
    const first = apply();
    expect(first.trade.demo).toEqual(tradeSection(account.toQifi()));
    expect(Object.values(first.notify ?? {})).toEqual([
      { type: 'MESSAGE', level: 'INFO', code: 0, content: '登录成功' },
    ]);

    session.peek(); // nothing changed: waits
    expect(frames).toHaveLength(0);
    account.insertOrder(order, T0);
    session.changed();
    expect(frames).toHaveLength(1);
    const patch = frames[0]?.data[0] as { trade: { demo: Record<string, unknown> } };
    expect(Object.keys(patch.trade.demo).sort()).toEqual(['accounts', 'orders', 'positions']);
    expect(apply().trade.demo).toEqual(tradeSection(account.toQifi()));

    // Changes while the client has not peeked are coalesced into the next reply.
    account.receiveDeal('o1', { price: 600, volume: 1 }, T0 + 1);
    session.changed();
    account.updatePrice('SHFE.au2512', 601);
    session.changed();
    expect(frames).toHaveLength(0);
    session.peek();
    expect(frames).toHaveLength(1);
    const state = apply().trade.demo;
    expect(state).toEqual(tradeSection(account.toQifi()));
    expect(state.orders).toMatchObject({ o1: { status: 'FINISHED' } });
  });

  it('starts a new session (a reconnect) from the full section, with nothing of the old one', () => {
    const { account, session } = setup();
    session.notify({ type: 'MESSAGE', level: 'INFO', code: 0, content: 'old' });
    account.insertOrder(order, T0);
    const frames: string[] = [];
    const fresh = new DiffPeekSession(
      (frame) => frames.push(frame),
      () => ({ trade: { demo: tradeSection(account.toQifi()) } }),
    );
    fresh.peek();
    const reply = JSON.parse(frames[0] as string) as { data: unknown[] };
    expect(reply.data).toEqual([{ trade: { demo: tradeSection(account.toQifi()) } }]);
  });
});
