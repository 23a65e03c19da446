import { batchOf, InProcessOrderQueue } from './order-queue';

describe('InProcessOrderQueue', () => {
  it('runs commands in order and drops a duplicate while the first is in flight', async () => {
    const queue = new InProcessOrderQueue<string>();
    const seen: string[] = [];
    const finish: (() => void)[] = [];
    await queue.add({ command: 'a', dedupeKey: 'k' });
    await queue.add({ command: 'b' });
    await queue.process((commands) => {
      seen.push(...commands);
      return new Promise<void>((resolve) => finish.push(resolve));
    });
    await queue.add({ command: 'a-again', dedupeKey: 'k' });
    expect(seen).toEqual(['a', 'b']);
    finish.forEach((resolve) => resolve());
    await new Promise((resolve) => setImmediate(resolve));
    await queue.add({ command: 'a-later', dedupeKey: 'k' });
    expect(seen).toEqual(['a', 'b', 'a-later']);
  });

  it('reports a failing command instead of rejecting unhandled, and stopping waits for the running one', async () => {
    const errors: unknown[] = [];
    const queue = new InProcessOrderQueue<string>((error) => errors.push(error));
    let finish = () => undefined as void;
    let finished = false;
    await queue.process(([command]) =>
      command === 'fail'
        ? Promise.reject(new Error('database gone'))
        : new Promise<void>((resolve) => {
            finish = () => {
              finished = true;
              resolve();
            };
          }),
    );
    await queue.add({ command: 'fail' });
    await queue.add({ command: 'slow' });
    let stoppedEarly = false;
    const stopped = queue.stopProcessing().then(() => (stoppedEarly = !finished));
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([new Error('database gone')]);
    finish();
    await stopped;
    expect(stoppedEarly).toBe(false);
  });

  it('reads a batch job and a single-command job queued by an earlier version', () => {
    expect(batchOf({ commands: [{ type: 'a' }, { type: 'b' }] }).commands).toEqual([
      { type: 'a' },
      { type: 'b' },
    ]);
    expect(batchOf({ type: 'insert', account: 'x' })).toEqual({
      commands: [{ type: 'insert', account: 'x' }],
    });
    // Who added the batch, when it says so as text.
    expect(batchOf({ commands: [], origin: 'i1' }).origin).toBe('i1');
    expect(batchOf({ commands: [], origin: 7 }).origin).toBeUndefined();
  });
});
