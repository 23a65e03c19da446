import { applyDiffData, JsonObject, NotifyEntry } from '@qautlra/diff';
import { waitFor } from '@qautlra/testing';
import WebSocket from 'ws';

/**
 * A DIFF trade client as the original trader behaves: it keeps a merged snapshot of every
 * `rtn_data` and sends `peek_message` after each one it receives.
 */
export class DiffClient {
  snapshot: JsonObject = {};
  readonly notifies: NotifyEntry[] = [];
  readonly frames: JsonObject[] = [];
  closeCode?: number;
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as JsonObject;
      this.frames.push(message);
      if (message.aid !== 'rtn_data') return;
      const parts = message.data as unknown[];
      this.snapshot = applyDiffData(this.snapshot, parts) as JsonObject;
      for (const part of parts) {
        const notify = (part as { notify?: Record<string, NotifyEntry> }).notify;
        if (notify) this.notifies.push(...Object.values(notify));
      }
      if (this.autoPeek && ws.readyState === WebSocket.OPEN) this.send({ aid: 'peek_message' });
    });
    ws.on('close', (code) => (this.closeCode = code));
  }

  autoPeek = true;

  static async connect(url: string): Promise<DiffClient> {
    const ws = new WebSocket(url, 'rust-websocket');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new DiffClient(ws);
  }

  /** Connects, logs in and waits for the account's section. */
  static async login(url: string, user: string, password: string, account = user, bid = 'sim') {
    const client = await DiffClient.connect(url);
    client.send({ aid: 'req_login', bid, user_name: user, password });
    client.send({ aid: 'peek_message' });
    await client.until(() => client.account(account) !== undefined);
    return client;
  }

  get socket(): WebSocket {
    return this.ws;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  account(account: string): JsonObject | undefined {
    return (this.snapshot.trade as JsonObject | undefined)?.[account] as JsonObject | undefined;
  }

  order(account: string, orderId: string): JsonObject | undefined {
    return (this.account(account)?.orders as JsonObject | undefined)?.[orderId] as
      JsonObject | undefined;
  }

  hasNotify(fragment: string): boolean {
    return this.notifies.some((entry) => entry.content.includes(fragment));
  }

  async until(predicate: () => boolean, what = 'client state', timeoutMs = 10_000): Promise<void> {
    await waitFor(predicate, { timeoutMs, what });
  }

  close(): void {
    this.ws.close();
  }
}

/** An `insert_order` frame: 1 lot of SHFE rb2601, BUY OPEN LIMIT 3301, overridden by `fields`. */
export const insertOrder = (
  account: string,
  orderId: string,
  fields: Record<string, unknown> = {},
) => ({
  aid: 'insert_order',
  user_id: account,
  order_id: orderId,
  exchange_id: 'SHFE',
  instrument_id: 'rb2601',
  direction: 'BUY',
  offset: 'OPEN',
  volume: 1,
  price_type: 'LIMIT',
  limit_price: 3301,
  ...fields,
});
