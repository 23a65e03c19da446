import { applyMergePatch } from '@qautlra/diff';
import { waitFor } from '@qautlra/testing';
import WebSocket from 'ws';

export type Message = Record<string, any>;

/** A `/ws/market` client that records every message and merges `rtn_data` quotes like a DIFF client. */
export class MarketClient {
  readonly messages: Message[] = [];
  quotes: Record<string, Record<string, unknown>> = {};
  private readonly socket: WebSocket;
  readonly opened: Promise<void>;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString('utf8')) as Message;
      this.messages.push(message);
      if (message.aid === 'rtn_data') {
        for (const patch of message.data as Message[])
          this.quotes = applyMergePatch(this.quotes, patch.quotes) as typeof this.quotes;
      }
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  frames(): Message[] {
    return this.messages.filter((message) => message.aid === 'rtn_data');
  }

  async next(predicate: (message: Message) => boolean, after = 0): Promise<Message> {
    return waitFor(() => this.messages.slice(after).find(predicate), {
      what: 'a matching message',
    });
  }

  close(): void {
    this.socket.close();
  }
}

export function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== null));
}

export function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
}
