import { BadRequestException, Injectable, NotFoundException, PipeTransform } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  DIRECTIONS,
  OFFSETS,
  PRICE_TYPES,
  TIME_CONDITIONS,
  VOLUME_CONDITIONS,
} from '@qautlra/diff';
import {
  MQ_TOPICS,
  MqMessageError,
  parseMqMessage,
  TraderCommand,
  withDefaultTopic,
} from '../intake/mq-message';
import { TraderAccounts } from '../account/trader-accounts.service';

/**
 * The intake message of `POST /api/orders` — the RabbitMQ body (`qatrader-rs` §5.3), for the
 * docs; {@link IntakeMessagePipe} checks it with the one parser the queues use. Fields by topic:
 * `sendorder` (exchange_id, code, order_direction, order_offset, volume, price, …),
 * `cancel_order` (order_id), `transfer` / `query_bank` (bank_id, future_password, bank_password,
 * currency, amount), `query_settlement` (trading_day), `change_password`, `peek`, `login`.
 */
export class IntakeMessageDto {
  @ApiPropertyOptional({ enum: MQ_TOPICS, default: 'sendorder' })
  topic?: string;

  @ApiPropertyOptional({
    example: 'demo',
    description: 'the account; may be left out when this trader bridges one',
  })
  account_cookie?: string;

  @ApiPropertyOptional({ example: 'SHFE' })
  exchange_id?: string;

  @ApiPropertyOptional({ example: 'rb888', description: 'instrument code (sendorder)' })
  code?: string;

  @ApiPropertyOptional({ enum: DIRECTIONS })
  order_direction?: string;

  @ApiPropertyOptional({ enum: OFFSETS })
  order_offset?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 1 })
  volume?: number;

  @ApiPropertyOptional({ example: 3500, description: 'limit price (required for LIMIT)' })
  price?: number;

  @ApiPropertyOptional({ enum: PRICE_TYPES, default: 'LIMIT' })
  price_type?: string;

  @ApiPropertyOptional({ enum: VOLUME_CONDITIONS, default: 'ANY' })
  volume_condition?: string;

  @ApiPropertyOptional({ enum: TIME_CONDITIONS, description: 'GFD for LIMIT, else IOC' })
  time_condition?: string;

  @ApiPropertyOptional({ example: 'my-strategy.0001', maxLength: 128 })
  order_id?: string;

  @ApiPropertyOptional({ description: 'transfer / query_bank' })
  bank_id?: string;

  @ApiPropertyOptional({ format: 'password', description: 'transfer / query_bank' })
  future_password?: string;

  @ApiPropertyOptional({ format: 'password', description: 'transfer / query_bank' })
  bank_password?: string;

  @ApiPropertyOptional({ default: 'CNY', description: 'transfer / query_bank' })
  currency?: string;

  @ApiPropertyOptional({ description: 'transfer: > 0 deposit, < 0 withdrawal' })
  amount?: number;

  @ApiPropertyOptional({ type: 'integer', example: 20261126, description: 'query_settlement' })
  trading_day?: number;

  @ApiPropertyOptional({ format: 'password', description: 'change_password' })
  old_password?: string;

  @ApiPropertyOptional({ format: 'password', description: 'change_password' })
  new_password?: string;

  @ApiPropertyOptional({ description: 'login' })
  bid?: string;

  @ApiPropertyOptional({ description: 'login' })
  user_name?: string;

  @ApiPropertyOptional({ format: 'password', description: 'login' })
  password?: string;
}

/** An intake message parsed for the account it names. */
export interface IntakeRequest {
  account: string;
  command: TraderCommand;
}

/**
 * A REST intake body → the command for its account, through the parser RabbitMQ and BullMQ
 * messages go through (`topic` defaults to `sendorder`, `account_cookie` to the only account). A
 * message the parser refuses is a 400 with its code (`INVALID_MESSAGE`, `UNKNOWN_TOPIC`,
 * `WRONG_ACCOUNT`) and the field at fault in `details`.
 */
@Injectable()
export class IntakeMessagePipe implements PipeTransform<unknown, IntakeRequest> {
  constructor(private readonly trader: TraderAccounts) {}

  transform(body: unknown): IntakeRequest {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new BadRequestException({
        code: 'INVALID_MESSAGE',
        message: 'the body must be a JSON object',
      });
    const cookie = (body as { account_cookie?: unknown }).account_cookie;
    const names = this.trader.accountNames();
    const account = typeof cookie === 'string' ? cookie : names.length === 1 ? names[0] : undefined;
    if (account === undefined)
      throw new BadRequestException({
        code: 'INVALID_MESSAGE',
        message: 'account_cookie names the account (this trader bridges several)',
        details: [{ field: 'account_cookie', problems: ['required: this trader bridges several'] }],
      });
    if (!this.trader.account(account))
      throw new NotFoundException(`account ${account} is not bridged by this trader`);
    try {
      return { account, command: parseMqMessage(withDefaultTopic(body), account) };
    } catch (error) {
      if (!(error instanceof MqMessageError)) throw error;
      throw new BadRequestException({
        code: error.code,
        message: error.message,
        details: error.field ? [{ field: error.field, problems: [error.message] }] : [],
      });
    }
  }
}
