import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { serviceUrls, waitFor } from '@qautlra/testing';
import { originOf, RedisEventBus } from '../src/bus/event-bus';

/** The Redis event bus between two instances on the real Redis. */
describe('RedisEventBus (Redis)', () => {
  const connections: Redis[] = [];
  const connect = () => {
    const client = new Redis(serviceUrls.redis, { maxRetriesPerRequest: null });
    connections.push(client);
    return client;
  };
  const channel = `qtest-bus-${randomUUID()}`;
  let pinger: Redis;
  beforeAll(() => {
    pinger = connect();
  });

  afterAll(() => {
    for (const client of connections) client.disconnect();
  });

  it("delivers an instance's own events once, in order, and the others' through Redis", async () => {
    const a = new RedisEventBus(connect(), connect());
    const b = new RedisEventBus(connect(), connect());
    const atA: string[] = [];
    const atB: string[] = [];
    await a.subscribe(channel, (message) => atA.push(message));
    await b.subscribe(channel, (message) => atB.push(message));
    for (let index = 0; index < 20; index += 1) a.publish(channel, `{"from":"a","n":${index}}`);
    // In-process, at once: before any Redis round trip could have brought them back.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(atA).toEqual(Array.from({ length: 20 }, (_, index) => `{"from":"a","n":${index}}`));
    b.publish(channel, '{"from":"b"}');
    const fromA = Array.from({ length: 20 }, (_, index) => `{"from":"a","n":${index}}`);
    await waitFor(() => atA.length >= 21 && atB.length >= 21, { intervalMs: 5 });
    // A marker published last by each, so any late duplicate of the earlier ones would have arrived.
    a.publish(channel, '{"end":"a"}');
    b.publish(channel, '{"end":"b"}');
    await waitFor(() => atA.includes('{"end":"b"}') && atB.includes('{"end":"a"}'), {
      intervalMs: 5,
    });
    await waitFor(() => atA.includes('{"end":"a"}') && atB.includes('{"end":"b"}'), {
      intervalMs: 5,
    });
    expect(atA.filter((message) => message.includes('"a"'))).toEqual([...fromA, '{"end":"a"}']);
    expect(atB.filter((message) => message.includes('"a"'))).toEqual([...fromA, '{"end":"a"}']);
    expect(atA.filter((message) => message === '{"from":"b"}')).toHaveLength(1);
    expect(atB.filter((message) => message === '{"from":"b"}')).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it('takes a message without a sender id (an earlier version) as it is', async () => {
    const bus = new RedisEventBus(connect(), connect());
    const seen: string[] = [];
    await bus.subscribe(channel, (message) => seen.push(message));
    await connect().publish(channel, '{"old":true}');
    await waitFor(() => seen.length === 1, { intervalMs: 5 });
    expect(seen).toEqual(['{"old":true}']);
    expect(originOf('{"x":1}')).toEqual({ body: '{"x":1}' });
    await bus.close();
  });

  it('stops publishing a quiet channel nobody else hears, and starts again when a listener announces itself', async () => {
    const quiet = `qtest-quiet-${randomUUID()}`;
    const a = new RedisEventBus(connect(), connect(), { quietWhenAlone: (name) => name === quiet });
    const b = new RedisEventBus(connect(), connect());
    const atA: string[] = [];
    const atB: string[] = [];
    await a.subscribe(quiet, (message) => atA.push(message));
    let n = 0;
    const send = () => a.publish(quiet, `{"n":${(n += 1)}}`);
    // Alone: after a PUBLISH answered "only my own subscriber", the next ones stay in-process.
    await waitFor(
      () => {
        send();
        return a.skipped > 0;
      },
      { intervalMs: 5 },
    );
    // A listener elsewhere subscribes, then announces itself (its command reaches the worker).
    await b.subscribe(quiet, (message) => atB.push(message));
    a.expectListeners(quiet);
    const skippedBefore = a.skipped;
    for (let index = 0; index < 30; index += 1) {
      send();
      await pinger.ping(); // a Redis round trip between two events: the last one's answer is in
    }
    const last = `{"n":${n}}`;
    await waitFor(() => atB.includes(last), { intervalMs: 5 });
    expect(a.skipped).toBe(skippedBefore);
    expect(atB).toHaveLength(30);
    // The own handler heard every event, in order, once.
    expect(atA).toEqual(Array.from({ length: n }, (_, index) => `{"n":${index + 1}}`));
    // The listener leaves: the channel goes quiet again.
    await b.unsubscribe(quiet, () => undefined);
    await b.close();
    await waitFor(
      () => {
        send();
        return a.skipped > skippedBefore;
      },
      { intervalMs: 5 },
    );
    await a.close();
  });

  it('never goes quiet while another instance listens, even one that never announced itself', async () => {
    const quiet = `qtest-quiet-${randomUUID()}`;
    const a = new RedisEventBus(connect(), connect(), { quietWhenAlone: (name) => name === quiet });
    const b = new RedisEventBus(connect(), connect());
    const atB: string[] = [];
    await a.subscribe(quiet, () => undefined);
    await b.subscribe(quiet, (message) => atB.push(message));
    for (let index = 1; index <= 40; index += 1) {
      a.publish(quiet, `{"n":${index}}`);
      await pinger.ping();
    }
    await waitFor(() => atB.length === 40, { intervalMs: 5 });
    expect(a.skipped).toBe(0);
    await a.close();
    await b.close();
  });

  it('says when it is back after its subscriber connection dropped, and hears again', async () => {
    const loud = `qtest-loud-${randomUUID()}`;
    const subscriber = connect();
    const id = Number(await subscriber.client('ID'));
    const b = new RedisEventBus(connect(), subscriber);
    const a = new RedisEventBus(connect(), connect());
    let reconnections = 0;
    b.onReconnected(() => (reconnections += 1));
    const atB: string[] = [];
    await b.subscribe(loud, (message) => atB.push(message));
    await pinger.client('KILL', 'ID', String(id));
    await waitFor(() => reconnections === 1, { intervalMs: 10 });
    a.publish(loud, '{"after":true}');
    await waitFor(() => atB.includes('{"after":true}'), { intervalMs: 5 });
    await a.close();
    await b.close();
  });
});
