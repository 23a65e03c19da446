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
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import { randomUUID } from 'node:crypto';
import { InsertOrder, JsonObject } from '@qautlra/diff';
import { riskLimits } from '@qautlra/risk';
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
import {
  AccountStateDto,
  ApiKeyRequestDto,
  CreateAccountDto,
  CreateUserDto,
  InsertOrderDto,
  InsertOrderFields,
  InsertOrderPipe,
  LoginDto,
  RiskLimitsDto,
  riskOverrides,
  SettleDto,
  SettlementQueryDto,
  TransferDto,
  wireRiskLimits,
} from './dto';
import { SETTLEMENTS } from './schemas';

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
  @ApiOperation({
    summary: 'User name and password → JWT (1 h) for `Authorization: Bearer`',
    security: [],
  })
  @ApiOkResponse({ schema: ref('LoginResult') })
  async login(@Body() body: LoginDto, @Req() request: AuthedRequest) {
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
    const result = await login(this.trade.users, body.user_name, body.password, Date.now());
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
  @ApiCreatedResponse({ schema: ref('ApiKey') })
  apiKey(@Req() request: AuthedRequest, @Body() body: ApiKeyRequestDto) {
    return createApiKey(this.trade, userOf(request).userName, body.label ?? '');
  }

  @Get('accounts')
  @ApiOperation({ summary: "The caller's accounts" })
  @ApiOkResponse({ schema: { type: 'array', items: ref('AccountSummary') } })
  async accounts(@Req() request: AuthedRequest) {
    return this.trade.users.accountsOf(userOf(request).userName);
  }

  @Get('accounts/:account')
  @ApiOperation({
    summary: 'One account as QIFI fields: accounts, positions, orders, trades, transfers, banks',
  })
  @ApiOkResponse({ schema: ref('TradeSection') })
  async account(@Req() request: AuthedRequest, @Param('account') account: string) {
    return this.sectionOf(request, account);
  }

  @Get('accounts/:account/positions')
  @ApiOperation({ summary: 'Positions of an account (QIFI), by instrument' })
  @ApiOkResponse({ schema: ref('Positions') })
  async positions(@Req() request: AuthedRequest, @Param('account') account: string) {
    return (await this.sectionOf(request, account)).positions;
  }

  @Get('accounts/:account/orders')
  @ApiOperation({ summary: 'Orders of the trading day (QIFI), by order id' })
  @ApiOkResponse({ schema: ref('Orders') })
  async orders(@Req() request: AuthedRequest, @Param('account') account: string) {
    return (await this.sectionOf(request, account)).orders;
  }

  @Get('accounts/:account/trades')
  @ApiOperation({ summary: 'Trades of the trading day (QIFI), by trade id' })
  @ApiOkResponse({ schema: ref('Trades') })
  async trades(@Req() request: AuthedRequest, @Param('account') account: string) {
    return (await this.sectionOf(request, account)).trades;
  }

  @Get('accounts/:account/settlement')
  @ApiOperation({ summary: 'Settlement statements (all days, or `trading_day=YYYYMMDD`)' })
  @ApiOkResponse({ schema: SETTLEMENTS })
  async settlement(
    @Req() request: AuthedRequest,
    @Param('account') account: string,
    @Query() query: SettlementQueryDto,
  ) {
    await this.own(request, account);
    const all = await this.trade.store.settlements(account);
    return query.trading_day ? all.filter((row) => row.trading_day === query.trading_day) : all;
  }

  @Post('accounts/:account/orders')
  @ApiOperation({
    summary: 'Places an order (DIFF insert_order fields); waits for the broker’s answer',
  })
  @ApiBody({ type: InsertOrderDto })
  @ApiCreatedResponse({
    description: 'accepted (a refusal is 422 ORDER_REFUSED with the refused order)',
    schema: ref('OrderPlaced'),
  })
  async placeOrder(
    @Req() request: AuthedRequest,
    @Param('account') account: string,
    @Body(InsertOrderPipe) fields: InsertOrderFields,
  ) {
    const user = await this.own(request, account);
    const order: InsertOrder = { ...fields, aid: 'insert_order', user_id: account };
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
  @ApiOkResponse({ schema: ref('OrderCancelled') })
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
  @ApiOperation({ summary: 'Lists the users' })
  @ApiOkResponse({ schema: { type: 'array', items: ref('User') } })
  users() {
    return this.trade.users.listUsers();
  }

  @Post('admin/users')
  @SetMetadata(ADMIN_ROUTE, true)
  @ApiTags('admin')
  @ApiOperation({ summary: 'Creates a user (admin or not)' })
  @ApiCreatedResponse({ schema: ref('User') })
  async createUser(@Body() body: CreateUserDto) {
    const userName = body.user_name;
    const isAdmin = body.is_admin === true;
    if (await this.trade.users.findUser(userName))
      throw new UnprocessableEntityException(`user ${userName} exists`);
    await this.trade.users.createUser(userName, await hashPassword(body.password), isAdmin);
    return { user_name: userName, is_admin: isAdmin };
  }

  @Post('admin/accounts')
  @SetMetadata(ADMIN_ROUTE, true)
  @ApiTags('admin')
  @ApiOperation({ summary: 'Opens a sim account for a user, with cash and risk limits' })
  @ApiCreatedResponse({ schema: ref('AccountCreated') })
  async createAccount(@Body() body: CreateAccountDto) {
    const accountCookie = body.account_cookie;
    const userName = body.user_name;
    const cash = body.cash ?? 1_000_000;
    if (!(await this.trade.users.findUser(userName)))
      throw new NotFoundException(`user ${userName} not found`);
    if (await this.trade.users.findAccount(accountCookie))
      throw new UnprocessableEntityException(`account ${accountCookie} exists`);
    if (body.risk_limits !== undefined) this.limitsOf(body.risk_limits);
    await this.trade.createAccount(userName, accountCookie, cash);
    if (body.risk_limits !== undefined) await this.applyLimits(accountCookie, body.risk_limits);
    return { account_cookie: accountCookie, user_name: userName, broker: 'sim', cash };
  }

  @Post('admin/accounts/:account/transfer')
  @SetMetadata(ADMIN_ROUTE, true)
  @ApiTags('admin')
  @ApiOperation({ summary: 'Deposit (amount > 0) or withdraw (amount < 0), bypassing the bank' })
  @ApiCreatedResponse({ schema: ref('Transferred') })
  async transfer(@Param('account') account: string, @Body() body: TransferDto) {
    const amount = body.amount;
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
  @ApiOkResponse({ schema: ref('AccountStateSet') })
  async setState(@Param('account') account: string, @Body() body: AccountStateDto) {
    const state = body.state;
    await this.existing(account);
    await this.trade.users.setAccountState(account, state);
    await this.trade.request(
      { command: { type: 'set_state', account, state } },
      (candidate) => candidate.command === 'set_state',
    );
    return { account, state };
  }

  @Put('admin/accounts/:account/limits')
  @SetMetadata(ADMIN_ROUTE, true)
  @ApiTags('admin')
  @ApiBody({
    type: RiskLimitsDto,
    examples: { limits: { value: { max_order_volume: 100, max_orders_per_second: 20 } } },
  })
  @ApiOperation({ summary: 'Sets risk limits of an account (the ones named; the others kept)' })
  @ApiOkResponse({ schema: ref('LimitsSet') })
  async setLimits(@Param('account') account: string, @Body() body: RiskLimitsDto) {
    await this.existing(account);
    return { account, limits: wireRiskLimits(await this.applyLimits(account, body)) };
  }

  @Post('admin/settle')
  @SetMetadata(ADMIN_ROUTE, true)
  @ApiTags('admin')
  @ApiOperation({
    summary: 'Settles every sim account into trading_day (YYYYMMDD)',
  })
  @ApiCreatedResponse({ schema: ref('SettleQueued') })
  async settle(@Body() body: SettleDto) {
    const day = body.trading_day;
    await this.trade.enqueue({ command: { type: 'settle', trading_day: day } });
    return { trading_day: day, queued: true };
  }

  private limitsOf(body: RiskLimitsDto) {
    try {
      return riskLimits(riskOverrides(body));
    } catch (error) {
      throw new BadRequestException((error as Error).message);
    }
  }

  private async applyLimits(account: string, body: RiskLimitsDto) {
    const limits = this.limitsOf(body);
    const overrides = riskOverrides(body);
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
