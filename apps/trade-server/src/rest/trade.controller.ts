import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  Req,
  SetMetadata,
  UnauthorizedException,
  UnprocessableEntityException,
  UseGuards,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { DiffProtocolError, InsertOrder, JsonObject, parseDiffClientMessage } from '@qautlra/diff';
import { ACCOUNT_TRADING_STATES, AccountTradingState, riskLimits } from '@qautlra/risk';
import { isBoundedMoney, MAX_MONEY } from '@qautlra/qifi';
import { login } from '../auth/login-policy';
import { hashPassword } from '../auth/password';
import { TradeService } from '../trade.service';
import {
  ADMIN_ROUTE,
  AuthedRequest,
  createApiKey,
  PUBLIC_ROUTE,
  RestUser,
  TradeAuthGuard,
} from './auth.guard';

const body = (value: unknown): Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequestException('the body must be a JSON object');
  return value as Record<string, unknown>;
};
const text = (record: Record<string, unknown>, key: string): string => {
  const value = record[key];
  if (typeof value !== 'string' || value.length === 0 || value.length > 128)
    throw new BadRequestException(`${key} must be a non-empty string of at most 128 characters`);
  return value;
};
const userOf = (request: AuthedRequest): RestUser => request.user as RestUser;

/** REST for people and programs: login, API keys, accounts, orders. OpenAPI at /api/docs. */
@ApiTags('trade')
@ApiBearerAuth()
@ApiSecurity('api-key')
@UseGuards(TradeAuthGuard)
@Controller('api')
export class TradeController {
  constructor(
    private readonly trade: TradeService,
    @Inject(JwtService) private readonly jwt: JwtService,
  ) {}

  @Post('auth/login')
  @HttpCode(200)
  @SetMetadata(PUBLIC_ROUTE, true)
  @ApiOperation({ summary: 'User name and password → JWT (1 h) for `Authorization: Bearer`' })
  @ApiBody({ schema: { example: { user_name: 'demo', password: 'demo' } } })
  async login(@Body() raw: unknown, @Req() request: AuthedRequest) {
    const record = body(raw);
    // The same per-address limit on failed logins as the WebSocket's.
    const ip = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const failures = this.trade.loginFailures;
    if (failures.exhausted(ip, Date.now()))
      throw new HttpException(
        {
          statusCode: 429,
          code: 'TOO_MANY_LOGINS',
          message: 'too many failed logins from this address, try again later',
          retry_after_ms: failures.retryAfterMs(ip, Date.now()),
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    const result = await login(
      this.trade.users,
      text(record, 'user_name'),
      text(record, 'password'),
      Date.now(),
    );
    if (!result.ok) {
      failures.hit(ip, Date.now());
      throw new UnauthorizedException({ code: result.reason, message: result.message });
    }
    // `iat_ms`: a token issued before a password change or lock is refused (`iat` is whole seconds).
    const token = await this.jwt.signAsync({ sub: result.userName, iat_ms: Date.now() });
    return { token, token_type: 'Bearer', expires_in: 3600, user_name: result.userName };
  }

  @Post('auth/api-keys')
  @ApiOperation({ summary: 'Creates an API key for `X-API-Key` (shown once)' })
  @ApiBody({ schema: { example: { label: 'my strategy' } } })
  apiKey(@Req() request: AuthedRequest, @Body() raw: unknown) {
    const label =
      typeof (raw as { label?: unknown })?.label === 'string'
        ? (raw as { label: string }).label
        : '';
    return createApiKey(this.trade, userOf(request).userName, label.slice(0, 100));
  }

  @Get('accounts')
  @ApiOperation({ summary: "The caller's accounts" })
  async accounts(@Req() request: AuthedRequest) {
    return this.trade.users.accountsOf(userOf(request).userName);
  }

  @Get('accounts/:account')
  @ApiOperation({
    summary: 'One account as QIFI fields: accounts, positions, orders, trades, transfers, banks',
  })
  async account(@Req() request: AuthedRequest, @Param('account') account: string) {
    return this.sectionOf(request, account);
  }

  @Get('accounts/:account/positions')
  async positions(@Req() request: AuthedRequest, @Param('account') account: string) {
    return (await this.sectionOf(request, account)).positions;
  }

  @Get('accounts/:account/orders')
  async orders(@Req() request: AuthedRequest, @Param('account') account: string) {
    return (await this.sectionOf(request, account)).orders;
  }

  @Get('accounts/:account/trades')
  async trades(@Req() request: AuthedRequest, @Param('account') account: string) {
    return (await this.sectionOf(request, account)).trades;
  }

  @Get('accounts/:account/settlement')
  @ApiOperation({ summary: 'Settlement statements (all days, or `trading_day=YYYYMMDD`)' })
  async settlement(
    @Req() request: AuthedRequest,
    @Param('account') account: string,
    @Query('trading_day') tradingDay?: string,
  ) {
    await this.own(request, account);
    const all = await this.trade.store.settlements(account);
    return tradingDay ? all.filter((row) => row.trading_day === tradingDay) : all;
  }

  @Post('accounts/:account/orders')
  @ApiOperation({
    summary: 'Places an order (DIFF insert_order fields); waits for the broker’s answer',
  })
  @ApiBody({
    schema: {
      example: {
        order_id: 'my-1',
        exchange_id: 'SHFE',
        instrument_id: 'rb888',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 1,
        price_type: 'LIMIT',
        limit_price: 3300,
      },
    },
  })
  async placeOrder(
    @Req() request: AuthedRequest,
    @Param('account') account: string,
    @Body() raw: unknown,
  ) {
    const user = await this.own(request, account);
    let order: InsertOrder;
    try {
      const message = parseDiffClientMessage({
        ...body(raw),
        aid: 'insert_order',
        user_id: account,
      });
      order = message as InsertOrder;
    } catch (error) {
      if (error instanceof DiffProtocolError)
        throw new BadRequestException({ code: error.code, message: error.message });
      throw error;
    }
    const orderId = order.order_id ?? randomUUID();
    const reply = await this.trade.request(
      {
        command: { type: 'insert', user, account, order: { ...order, order_id: orderId } },
        dedupeKey: `${user}\n${orderId}`,
      },
      (candidate) => candidate.command === 'insert' && candidate.order_id === orderId,
    );
    const section = await this.trade.section(account);
    const stored = (section?.orders as JsonObject | undefined)?.[orderId];
    if (!reply)
      return {
        order_id: orderId,
        accepted: undefined,
        message: 'queued; no answer yet',
        order: stored,
      };
    // One contract for every refusal (risk rule or account engine): 422 ORDER_REFUSED, with the
    // refused order when the account keeps it.
    if (!reply.ok)
      throw new UnprocessableEntityException({
        code: 'ORDER_REFUSED',
        message: reply.message,
        order_id: orderId,
        ...(stored === undefined ? {} : { order: stored }),
      });
    return { order_id: orderId, accepted: true, message: reply.message, order: stored };
  }

  @Delete('accounts/:account/orders/:orderId')
  @ApiOperation({ summary: 'Cancels a live order' })
  async cancelOrder(
    @Req() request: AuthedRequest,
    @Param('account') account: string,
    @Param('orderId') orderId: string,
  ) {
    const user = await this.own(request, account);
    const reply = await this.trade.request(
      { command: { type: 'cancel', user, account, order_id: orderId } },
      (candidate) => candidate.command === 'cancel' && candidate.order_id === orderId,
    );
    if (reply && !reply.ok)
      throw new UnprocessableEntityException({ code: 'CANCEL_REFUSED', message: reply.message });
    return {
      order_id: orderId,
      cancelled: reply?.ok ?? undefined,
      message: reply?.message ?? 'queued',
    };
  }

  // ---- admin ----

  @Get('admin/users')
  @SetMetadata(ADMIN_ROUTE, true)
  @ApiTags('admin')
  users() {
    return this.trade.users.listUsers();
  }

  @Post('admin/users')
  @SetMetadata(ADMIN_ROUTE, true)
  @ApiTags('admin')
  @ApiBody({ schema: { example: { user_name: 'alice', password: 's3cret', is_admin: false } } })
  async createUser(@Body() raw: unknown) {
    const record = body(raw);
    const userName = text(record, 'user_name');
    if (await this.trade.users.findUser(userName))
      throw new UnprocessableEntityException(`user ${userName} exists`);
    await this.trade.users.createUser(
      userName,
      await hashPassword(text(record, 'password')),
      record.is_admin === true,
    );
    return { user_name: userName, is_admin: record.is_admin === true };
  }

  @Post('admin/accounts')
  @SetMetadata(ADMIN_ROUTE, true)
  @ApiTags('admin')
  @ApiBody({
    schema: { example: { account_cookie: 'alice-1', user_name: 'alice', cash: 1000000 } },
  })
  async createAccount(@Body() raw: unknown) {
    const record = body(raw);
    const accountCookie = text(record, 'account_cookie');
    const userName = text(record, 'user_name');
    const cash = record.cash === undefined ? 1_000_000 : record.cash;
    if (typeof cash !== 'number' || !(cash >= 0) || !isBoundedMoney(cash))
      throw new BadRequestException(`cash must be a number from 0 to ${MAX_MONEY}`);
    if (!(await this.trade.users.findUser(userName)))
      throw new NotFoundException(`user ${userName} not found`);
    if (await this.trade.users.findAccount(accountCookie))
      throw new UnprocessableEntityException(`account ${accountCookie} exists`);
    if (record.risk_limits !== undefined) this.limitsOf(record.risk_limits);
    await this.trade.createAccount(userName, accountCookie, cash);
    if (record.risk_limits !== undefined) await this.applyLimits(accountCookie, record.risk_limits);
    return { account_cookie: accountCookie, user_name: userName, broker: 'sim', cash };
  }

  @Post('admin/accounts/:account/transfer')
  @SetMetadata(ADMIN_ROUTE, true)
  @ApiTags('admin')
  @ApiOperation({ summary: 'Deposit (amount > 0) or withdraw (amount < 0), bypassing the bank' })
  @ApiBody({ schema: { example: { amount: 100000 } } })
  async transfer(@Param('account') account: string, @Body() raw: unknown) {
    const amount = body(raw).amount;
    if (typeof amount !== 'number' || !isBoundedMoney(amount) || amount === 0)
      throw new BadRequestException(`amount must be a non-zero number within ±${MAX_MONEY}`);
    await this.existing(account);
    const requestId = randomUUID();
    const reply = await this.trade.request(
      {
        command: {
          type: 'transfer',
          account,
          bank_id: '',
          bank_password: '',
          amount,
          request_id: requestId,
          admin: true,
        },
      },
      (candidate) => candidate.request_id === requestId,
    );
    if (!reply) throw new UnprocessableEntityException('the broker worker did not answer');
    if (!reply.ok)
      throw new UnprocessableEntityException({ code: 'TRANSFER_REFUSED', message: reply.message });
    return { account, amount, message: reply.message };
  }

  @Put('admin/accounts/:account/state')
  @SetMetadata(ADMIN_ROUTE, true)
  @ApiTags('admin')
  @ApiOperation({
    summary: 'ACTIVE, REDUCING (only position-reducing orders) or HALTED (kill switch)',
  })
  @ApiBody({ schema: { example: { state: 'HALTED' } } })
  async setState(@Param('account') account: string, @Body() raw: unknown) {
    const state = body(raw).state;
    if (!ACCOUNT_TRADING_STATES.includes(state as AccountTradingState))
      throw new BadRequestException(`state must be one of ${ACCOUNT_TRADING_STATES.join(', ')}`);
    await this.existing(account);
    await this.trade.users.setAccountState(account, state as AccountTradingState);
    await this.trade.request(
      { command: { type: 'set_state', account, state: state as AccountTradingState } },
      (candidate) => candidate.command === 'set_state',
    );
    return { account, state };
  }

  @Put('admin/accounts/:account/limits')
  @SetMetadata(ADMIN_ROUTE, true)
  @ApiTags('admin')
  @ApiBody({ schema: { example: { maxOrderVolume: 100, maxOrdersPerSecond: 20 } } })
  async setLimits(@Param('account') account: string, @Body() raw: unknown) {
    await this.existing(account);
    return { account, limits: await this.applyLimits(account, raw) };
  }

  @Post('admin/settle')
  @SetMetadata(ADMIN_ROUTE, true)
  @ApiTags('admin')
  @ApiOperation({
    summary: 'Settles every sim account into trading_day (YYYYMMDD; default: the next trade day)',
  })
  @ApiBody({ schema: { example: { trading_day: '20261126' } } })
  async settle(@Body() raw: unknown) {
    const day = (raw as { trading_day?: unknown } | undefined)?.trading_day;
    if (typeof day !== 'string' || !/^\d{8}$/.test(day))
      throw new BadRequestException('trading_day must be YYYYMMDD');
    await this.trade.enqueue({ command: { type: 'settle', trading_day: day } });
    return { trading_day: day, queued: true };
  }

  private limitsOf(raw: unknown) {
    try {
      return riskLimits(body(raw));
    } catch (error) {
      throw new BadRequestException((error as Error).message);
    }
  }

  private async applyLimits(account: string, raw: unknown) {
    const limits = this.limitsOf(raw);
    const overrides = body(raw);
    await this.trade.users.setRiskLimits(account, overrides);
    await this.trade.request(
      { command: { type: 'set_limits', account, limits: overrides } },
      (candidate) => candidate.command === 'set_limits',
    );
    return limits;
  }

  private async existing(account: string): Promise<void> {
    if (!(await this.trade.users.findAccount(account)))
      throw new NotFoundException(`account ${account} not found`);
  }

  /** The caller's own account, else 404 (another user's account does not exist for them). */
  private async own(request: AuthedRequest, account: string): Promise<string> {
    const user = userOf(request);
    const row = await this.trade.users.findAccount(account);
    if (!row || row.user_name !== user.userName)
      throw new NotFoundException(`account ${account} not found`);
    return user.userName;
  }

  private async sectionOf(request: AuthedRequest, account: string): Promise<JsonObject> {
    await this.own(request, account);
    const section = await this.trade.section(account);
    if (!section) throw new NotFoundException(`account ${account} not loaded`);
    return {
      account_cookie: account,
      trading_day: (section.session as JsonObject)?.trading_day,
      ...section,
    };
  }
}
