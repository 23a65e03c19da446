import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseHandle } from '@qautlra/platform';
import { Pool } from 'pg';
import { defaultPresetFor, QifiAccount } from '@qautlra/qifi';
import {
  openTradeDatabase,
  simBank,
  TradeStore,
  TradeStoreDatabase,
} from '../src/store/trade-store';
import { TestDatabase } from './support/start-trade-server';

/**
 * The store's group commit writes every table in one statement (data-modifying CTEs), and a batch
 * larger than one statement's chunk in several inside one transaction — on PostgreSQL and PGlite.
 */
describe.each([
  ['PostgreSQL', true],
  ['PGlite', false],
])('TradeStore writes (%s)', (_name, postgres) => {
  let database: TestDatabase | undefined;
  let dataDir: string;
  let handle: DatabaseHandle<TradeStoreDatabase>;
  let store: TradeStore;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'qautlra-store-'));
    if (postgres) database = await TestDatabase.create('trade_store');
    handle = await openTradeDatabase({ url: database?.url, dataDir });
    store = new TradeStore(handle);
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function account(cookie: string): QifiAccount {
    return new QifiAccount({
      accountCookie: cookie,
      initCash: 1e9,
      tradingDay: '20250327',
      presetFor: defaultPresetFor,
    });
  }

  function order(target: QifiAccount, orderId: string, price: number) {
    const placed = target.insertOrder(
      {
        order_id: orderId,
        exchange_id: 'SHFE',
        instrument_id: 'rb2601',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 1,
        price_type: 'LIMIT',
        limit_price: price,
      },
      Date.parse('2025-03-27T02:00:00Z'),
    );
    if (!placed.ok) throw new Error(placed.rejection.message);
  }

  it('writes every table of a small batch at once, and a batch of 2,500 orders and trades in chunks', async () => {
    const small = account('small');
    const big = account('big');
    await store.createAccount(small, simBank('small'));
    await store.createAccount(big, simBank('big'));

    order(small, 's1', 3000);
    const fill = small.receiveDeal('s1', { price: 3000, volume: 1 }, Date.now());
    if (!fill.ok) throw new Error(fill.rejection.message);
    store.stage(small, ['s1'], [fill.value]);
    store.stageBank({ ...simBank('small'), balance: 123 });
    store.stageSettlement('small', '20250326', 'statement');
    store.stageSettlement('small', '20250326', 'statement, written twice in one batch');
    await store.commit();
    const smallStored = await store.loadAccount('small');
    expect(Object.keys(smallStored?.document.orders ?? {})).toEqual(['s1']);
    expect(Object.keys(smallStored?.document.trades ?? {})).toEqual(['s1|1']);
    expect(smallStored?.banks[0]?.balance).toBe(123);
    expect(await store.settlement('small', '20250326')).toBe(
      'statement, written twice in one batch',
    );

    const ids = Array.from({ length: 2_500 }, (_, index) => `b${index}`);
    const trades = [];
    for (const id of ids) {
      order(big, id, 3000);
      const dealt = big.receiveDeal(id, { price: 3000, volume: 1 }, Date.now());
      if (!dealt.ok) throw new Error(dealt.rejection.message);
      trades.push(dealt.value);
    }
    store.stage(big, ids, trades);
    await store.commit();
    const bigStored = await store.loadAccount('big');
    expect(Object.keys(bigStored?.document.orders ?? {})).toHaveLength(2_500);
    expect(Object.keys(bigStored?.document.trades ?? {})).toHaveLength(2_500);
    expect(bigStored?.document.positions['SHFE.rb2601']?.volume_long).toBe(2_500);
  });

  it('keeps text and numbers exactly through the jsonb parameters (quotes, backslashes, CJK, emoji)', async () => {
    const odd = account('odd');
    await store.createAccount(odd, simBank('odd'));
    const id = `q"'\\n\\\\中文😀$1`;
    order(odd, id, 3000.1);
    const fill = odd.receiveDeal(id, { price: 3000.1, volume: 1 }, Date.now());
    if (!fill.ok) throw new Error(fill.rejection.message);
    store.stage(odd, [id], [fill.value]);
    store.stageBank({ ...simBank('odd'), bank_name: '银行 "x" \\', balance: 0.1 + 0.2 });
    await store.commit();
    const stored = await store.loadAccount('odd');
    expect(Object.keys(stored?.document.orders ?? {})).toEqual([id]);
    expect(stored?.document.orders[id]?.limit_price).toBe(3000.1);
    expect(Object.values(stored?.document.trades ?? {})[0]?.order_id).toBe(id);
    expect(stored?.document.accounts.balance).toBe(odd.toQifi('').accounts.balance);
    expect(stored?.banks[0]?.balance).toBe(0.1 + 0.2);
  });

  it.each([
    [0, 2],
    [200, 1],
  ])(
    'with %i ms between commits, three commits asked in one turn after a write take %i more write(s)',
    async (interval, expected) => {
      const paced = new TradeStore(handle, undefined, interval);
      const cookie = `paced${interval}`;
      const one = account(cookie);
      await paced.createAccount(one, simBank(cookie));
      paced.stage(one);
      await paced.commit();
      const before = paced.writes;
      const done: Promise<void>[] = [];
      for (const id of ['p1', 'p2', 'p3']) {
        order(one, id, 3000);
        paced.stage(one, [id]);
        done.push(paced.commit());
      }
      await Promise.all(done);
      expect(paced.writes - before).toBe(expected);
      const stored = await paced.loadAccount(cookie);
      expect(Object.keys(stored?.document.orders ?? {}).sort()).toEqual(['p1', 'p2', 'p3']);
    },
  );

  it('answers a commit asked by a caller the previous commit just resolved (it once waited for ever)', async () => {
    const one = account('again');
    await store.createAccount(one, simBank('again'));
    order(one, 'a1', 3000);
    store.stage(one, ['a1']);
    await store.commit();
    // Asked in the turn the last write resolved its callers, before the drain loop had finished.
    order(one, 'a2', 3000);
    store.stage(one, ['a2']);
    await store.commit();
    const stored = await store.loadAccount('again');
    expect(Object.keys(stored?.document.orders ?? {}).sort()).toEqual(['a1', 'a2']);
  });

  it('writes through the driver as a prepared statement on PostgreSQL', async () => {
    expect(handle.pool !== undefined).toBe(postgres);
    if (!database) return;
    // One connection: the session that wrote is the one asked.
    const pool = new Pool({ connectionString: database.url, max: 1 });
    try {
      const single = new TradeStore({ db: handle.db, pool });
      const one = account('prepared');
      await single.createAccount(one, simBank('prepared'));
      single.stage(one);
      await single.commit();
      const prepared = await pool.query<{ name: string }>(
        "SELECT name FROM pg_prepared_statements WHERE name = 'trade_store_write'",
      );
      expect(prepared.rows).toHaveLength(1);
      expect((await single.loadAccount('prepared'))?.document.account_cookie).toBe('prepared');
    } finally {
      await pool.end();
    }
  });
});
