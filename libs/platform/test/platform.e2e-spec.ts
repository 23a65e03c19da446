import { serviceUrls } from '@qautlra/testing';
import { randomUUID } from 'node:crypto';
import { parseQifi, QifiAccount } from '@qautlra/qifi';
import {
  connectAmqp,
  createRedis,
  migrate,
  openDatabase,
  QIFI_STORE_MIGRATIONS,
  QifiDatabase,
  QifiRepository,
} from '@qautlra/platform';

function sampleDocument(accountCookie: string) {
  const account = new QifiAccount({ accountCookie, initCash: 1_000_000, tradingDay: '20250327' });
  account.insertOrder(
    {
      order_id: 'o1',
      exchange_id: 'SHFE',
      instrument_id: 'au2512',
      direction: 'BUY',
      offset: 'OPEN',
      volume: 1,
      limit_price: 600,
    },
    Date.parse('2025-03-27T01:30:00Z'),
  );
  account.receiveDeal('o1', { price: 600, volume: 1 }, Date.parse('2025-03-27T01:30:01Z'));
  return account.toQifi('2025-03-27 09:30:01');
}

describe.each([
  ['PostgreSQL', serviceUrls.postgres],
  ['PGlite', undefined],
])('QIFI store on %s (same migrations)', (_name, url) => {
  it('migrates, upserts and reads back a validated QIFI document', async () => {
    const handle = await openDatabase<QifiDatabase>({ url });
    try {
      await migrate(handle.db, QIFI_STORE_MIGRATIONS);
      // Running the migrations again is a no-op.
      expect(await migrate(handle.db, QIFI_STORE_MIGRATIONS)).toEqual([]);
      const repository = new QifiRepository(handle.db);
      const cookie = `e2e-${randomUUID()}`;
      const document = sampleDocument(cookie);
      await repository.save(document);
      document.accounts.deposit = 5;
      await repository.save(document);
      expect(await repository.find(cookie)).toEqual(parseQifi(JSON.stringify(document)));
      expect(await repository.find('missing')).toBeUndefined();
      await handle.db.deleteFrom('qifi_account').where('account_cookie', '=', cookie).execute();
    } finally {
      await handle.close();
    }
  });
});

describe('Redis', () => {
  it('round-trips a value through a real server', async () => {
    const redis = createRedis(serviceUrls.redis, 'e2e');
    try {
      await redis.connect();
      const key = `qautlra:e2e:${randomUUID()}`;
      await redis.set(key, 'value', 'EX', 30);
      expect(await redis.get(key)).toBe('value');
      await redis.del(key);
    } finally {
      redis.disconnect();
    }
  });
});

describe('RabbitMQ', () => {
  it('delivers a message through a direct exchange, like QAORDER_ROUTER', async () => {
    const connection = await connectAmqp(serviceUrls.amqp);
    try {
      const channel = await connection.createChannel();
      const exchange = `qautlra.e2e.${randomUUID()}`;
      await channel.assertExchange(exchange, 'direct', { durable: false, autoDelete: true });
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, exchange, 'acc1');
      const received = new Promise<string>((resolve) => {
        void channel.consume(queue, (message) => message && resolve(message.content.toString()), {
          noAck: true,
        });
      });
      channel.publish(
        exchange,
        'acc1',
        Buffer.from(JSON.stringify({ topic: 'sendorder', account_cookie: 'acc1' })),
      );
      expect(JSON.parse(await received)).toEqual({ topic: 'sendorder', account_cookie: 'acc1' });
      await channel.deleteExchange(exchange);
      await channel.close();
    } finally {
      await connection.close();
    }
  });
});
