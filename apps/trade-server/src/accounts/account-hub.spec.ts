import { applyDiffData, JsonObject, NotifyEntry } from '@qautlra/diff';
import { accountChannel, InProcessEventBus } from '../bus/event-bus';
import type { AccountEvent, TradeCommand } from '../engine/trade-events';
import { AccountHub, AccountListener } from './account-hub';

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A listener that applies what it gets the way a DIFF client would. */
function mirrorListener() {
  const state = { snapshot: {} as JsonObject, resets: 0, notifies: [] as NotifyEntry[] };
  const listener: AccountListener = {
    onPatch: (_account, part, reset) => {
      if (reset) state.resets += 1;
      state.snapshot = applyDiffData(state.snapshot, [JSON.parse(part)]) as JsonObject;
    },
    onNotify: (notify) => state.notifies.push(...notify),
  };
  return { state, listener };
}

describe('AccountHub', () => {
  const bus = new InProcessEventBus();
  const publish = (event: AccountEvent) =>
    bus.publish(accountChannel(event.account), JSON.stringify(event));

  it('asks for a snapshot, then follows patches in sequence; a gap asks again', async () => {
    const commands: TradeCommand[] = [];
    const hub = new AccountHub(bus, (command) => {
      commands.push(command);
      return Promise.resolve();
    });
    const { state, listener } = mirrorListener();
    const watching = hub.watch('a1', listener);
    await flush();
    expect(commands).toEqual([{ type: 'snapshot', account: 'a1' }]);
    publish({
      account: 'a1',
      epoch: 'e',
      seq: 5,
      snapshot: { orders: { x: { status: 'ALIVE' } }, positions: {} },
    });
    await watching;
    publish({
      account: 'a1',
      epoch: 'e',
      seq: 6,
      patch: { orders: { x: { status: 'FINISHED' } } },
    });
    publish({
      account: 'a1',
      epoch: 'e',
      seq: 7,
      patch: { orders: { x: null } },
      notify: [{ type: 'MESSAGE', level: 'INFO', code: 0, content: 'hi' }],
    });
    await flush();
    expect(state.snapshot).toEqual({ trade: { a1: { positions: {} } } });
    expect(hub.section('a1')).toEqual({ positions: {} });
    expect(state.notifies.map((entry) => entry.content)).toEqual(['hi']);
    // seq 9 after 7: one event was missed — the mirror is not patched and a snapshot is requested.
    publish({ account: 'a1', epoch: 'e', seq: 9, patch: { positions: { p: { volume_long: 1 } } } });
    await flush();
    expect(hub.section('a1')).toEqual({ positions: {} });
    expect(commands).toHaveLength(2);
    // A new engine run (epoch) also needs a snapshot.
    publish({
      account: 'a1',
      epoch: 'f',
      seq: 1,
      snapshot: { positions: { p: { volume_long: 1 } } },
    });
    await flush();
    expect(hub.section('a1')).toEqual({ positions: { p: { volume_long: 1 } } });
    expect(state.resets).toBe(2);
    await hub.unwatch('a1', listener);
    publish({ account: 'a1', epoch: 'f', seq: 2, patch: { positions: { q: {} } } });
    await flush();
    expect(hub.section('a1')).toBeUndefined();
  });

  it('gives a second listener the section it already holds', async () => {
    const hub = new AccountHub(bus, () => Promise.resolve());
    const first = mirrorListener();
    const watching = hub.watch('a2', first.listener);
    await flush();
    publish({ account: 'a2', epoch: 'e', seq: 1, snapshot: { accounts: { CNY: { balance: 5 } } } });
    await watching;
    const second = mirrorListener();
    await hub.watch('a2', second.listener);
    expect(second.state.snapshot).toEqual({ trade: { a2: { accounts: { CNY: { balance: 5 } } } } });
  });

  it('asks every mirror for a snapshot again when the bus is back after a drop', async () => {
    const reconnect: (() => void)[] = [];
    const dropping = Object.assign(new InProcessEventBus(), {
      onReconnected: (listener: () => void) => reconnect.push(listener),
    });
    const commands: TradeCommand[] = [];
    const hub = new AccountHub(dropping, (command) => {
      commands.push(command);
      return Promise.resolve();
    });
    void hub.watch('r1', mirrorListener().listener);
    void hub.watch('r2', mirrorListener().listener);
    await flush();
    expect(commands).toHaveLength(2);
    // The snapshots asked before the drop were never answered: asked again regardless.
    for (const listener of reconnect) listener();
    expect(commands.slice(2)).toEqual([
      { type: 'snapshot', account: 'r1' },
      { type: 'snapshot', account: 'r2' },
    ]);
  });
});
