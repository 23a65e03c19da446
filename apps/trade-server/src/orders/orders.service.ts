import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { InsertOrder, JsonObject } from '@qautlra/diff';
import type { QifiOrder } from '@qautlra/qifi';
import { AccountsService } from '../accounts/accounts.service';
import { accountChannel } from '../bus/event-bus';
import type { QueuedCommand } from '../bus/order-queue';
import type { TradeTransport } from '../bus/transport';
import { AccountEvent, CommandReply, repliesOf, TradeCommand } from '../engine/trade-events';
import { TRADE_TRANSPORT } from '../tokens';

/** Commands to the broker worker (through the queue) and their answers (on the account's channel). */
@Injectable()
export class OrdersService {
  constructor(
    @Inject(TRADE_TRANSPORT) private readonly transport: TradeTransport,
    private readonly accounts: AccountsService,
  ) {}

  /**
   * Places an order for `user` on `account` and waits for the broker's answer: accepted (with the
   * order as the account keeps it), refused (with the reason), or no answer yet (still queued).
   */
  async place(
    user: string,
    account: string,
    fields: Omit<InsertOrder, 'aid' | 'user_id'>,
  ): Promise<{ order_id: string; accepted?: boolean; message: string; order?: QifiOrder }> {
    const orderId = fields.order_id ?? randomUUID();
    const order: InsertOrder = {
      ...fields,
      aid: 'insert_order',
      user_id: account,
      order_id: orderId,
    };
    const reply = await this.request(
      { command: { type: 'insert', user, account, order }, dedupeKey: `${user}\n${orderId}` },
      (candidate) => candidate.command === 'insert' && candidate.order_id === orderId,
    );
    const section = await this.accounts.section(account);
    const stored = (section?.orders as JsonObject | undefined)?.[orderId] as QifiOrder | undefined;
    if (!reply) return { order_id: orderId, message: 'queued; no answer yet', order: stored };
    return { order_id: orderId, accepted: reply.ok, message: reply.message, order: stored };
  }

  /** Cancels a live order; `cancelled` is absent while the broker has not answered. */
  async cancel(
    user: string,
    account: string,
    orderId: string,
  ): Promise<{ order_id: string; cancelled?: boolean; message: string }> {
    const reply = await this.request(
      { command: { type: 'cancel', user, account, order_id: orderId } },
      (candidate) => candidate.command === 'cancel' && candidate.order_id === orderId,
    );
    return reply
      ? { order_id: orderId, cancelled: reply.ok, message: reply.message }
      : { order_id: orderId, message: 'queued' };
  }

  enqueue(entry: QueuedCommand<TradeCommand>): Promise<void> {
    return this.transport.queue.add(entry);
  }

  /**
   * Sends a command and waits for the reply on the account's channel. Resolves undefined after
   * `timeoutMs` without one (the command stays queued and will still run).
   */
  async request(
    entry: QueuedCommand<TradeCommand> & { command: { account: string } },
    matches: (reply: CommandReply) => boolean,
    timeoutMs = 5_000,
  ): Promise<CommandReply | undefined> {
    const bus = this.transport.bus;
    let resolve!: (reply: CommandReply | undefined) => void;
    const answer = new Promise<CommandReply | undefined>((done) => (resolve = done));
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    const channel = accountChannel(entry.command.account);
    const handler = (message: string) => {
      const reply = repliesOf(JSON.parse(message) as AccountEvent).find(matches);
      if (reply) resolve(reply);
    };
    await bus.subscribe(channel, handler);
    try {
      await this.transport.queue.add(entry);
      return await answer;
    } finally {
      clearTimeout(timer);
      await bus.unsubscribe(channel, handler);
    }
  }
}
