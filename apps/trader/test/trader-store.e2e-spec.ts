import { openAppDatabase, type DatabaseHandle } from '@qautlra/platform';
import { QifiAccount } from '@qautlra/qifi';
import { TestDatabase } from '@qautlra/testing';
import { TRADER_MIGRATIONS, TraderDatabase, TraderStore } from '../src/store/trader-store';

/** Issue 16: the trader's QIFI writes cost what changed, not the size of the day. */
describe('trader store: incremental QIFI writes (PostgreSQL)', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle<TraderDatabase>;
  let store: TraderStore;

  beforeAll(async () => {
    database = await TestDatabase.create('trader_store');
    handle = await openAppDatabase<TraderDatabase>({
      url: database.url,
      dataDir: '',
      migrations: TRADER_MIGRATIONS,
      migrationTable: 'trader_migration',
    });
    store = new TraderStore(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  it('a save writes the head and the changed orders only; the document reads back whole', async () => {
    const engine = new QifiAccount({
      accountCookie: 'inc',
      initCash: 10_000_000,
      tradingDay: '20250327',
    });
    for (let i = 0; i < 2_000; i += 1)
      engine.insertOrder(
        {
          order_id: `o${i}`,
          exchange_id: 'SHFE',
          instrument_id: 'rb2505',
          direction: 'BUY',
          offset: 'OPEN',
          volume: 1,
          limit_price: 3000,
        },
        Date.parse('2025-03-27T02:00:00Z'),
      );
    const document = engine.toQifi();
    await store.saveDocument(document, true);
    const versions = async () =>
      new Map(
        (
          await database.query<{ order_id: string; xmin: string }>(
            "SELECT order_id, xmin::text FROM trader_qifi_order WHERE account_cookie = 'inc'",
          )
        ).map((row) => [row.order_id, row.xmin]),
      );
    const before = await versions();
    expect(before.size).toBe(2_000);
    const head = await database.query<{ size: number }>(
      "SELECT length(document::text) AS size FROM qifi_account WHERE account_cookie = 'inc'",
    );
    expect(head[0]!.size).toBeLessThan(10_000); // the head holds no orders
    engine.cancelOrder('o7');
    const changed = engine.toQifi();
    await store.saveDocument(changed, false, { orders: ['o7'], trades: [] });
    const after = await versions();
    const rewritten = [...after].filter(([id, xmin]) => before.get(id) !== xmin).map(([id]) => id);
    expect(rewritten).toEqual(['o7']);
    const read = await store.findDocument('inc');
    expect(Object.keys(read!.orders)).toHaveLength(2_000);
    expect(read!.orders.o7).toMatchObject({ status: 'FINISHED', last_msg: '已撤单' });
    const view = await database.query<{ document: { orders: Record<string, unknown> } }>(
      "SELECT document FROM trader_qifi_document WHERE account_cookie = 'inc'",
    );
    expect(Object.keys(view[0]!.document.orders)).toHaveLength(2_000);
  });
});
