import { InProcessOrderQueue, jobIdOf } from './order-queue';

describe('InProcessOrderQueue', () => {
  it('runs commands in order and drops a duplicate while the first is in flight', async () => {
    const queue = new InProcessOrderQueue<string>();
    const seen: string[] = [];
    const finish: (() => void)[] = [];
    await queue.add({ command: 'a', dedupeKey: 'k' });
    await queue.add({ command: 'b' });
    await queue.process((command) => {
      seen.push(command);
      return new Promise<void>((resolve) => finish.push(resolve));
    });
    await queue.add({ command: 'a-again', dedupeKey: 'k' });
    expect(seen).toEqual(['a', 'b']);
    finish.forEach((resolve) => resolve());
    await new Promise((resolve) => setImmediate(resolve));
    await queue.add({ command: 'a-later', dedupeKey: 'k' });
    expect(seen).toEqual(['a', 'b', 'a-later']);
  });

  it('derives BullMQ job ids without `:` from the dedupe key', () => {
    expect(jobIdOf('user\norder:1')).toMatch(/^o-[\w-]+$/);
    expect(jobIdOf('u\na')).not.toBe(jobIdOf('u\nb'));
  });
});
