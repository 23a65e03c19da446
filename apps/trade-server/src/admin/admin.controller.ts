import {
  BadRequestException,
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Put,
  SetMetadata,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import { ADMIN_ROUTE, TradeApi } from '../rest/auth.guard';
import {
  AccountStateDto,
  CreateAccountDto,
  CreateUserDto,
  RiskLimitsDto,
  riskOverrides,
  SettleDto,
  TransferDto,
  wireRiskLimits,
} from '../rest/dto';
import { AdminRefusal, AdminService } from './admin.service';

/** An admin refusal as its HTTP answer. */
async function answer<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof AdminRefusal)) throw error;
    switch (error.kind) {
      case 'NOT_FOUND':
        throw new NotFoundException(error.message);
      case 'INVALID':
        throw new BadRequestException(error.message);
      case 'REFUSED':
        throw new UnprocessableEntityException({
          code: 'TRANSFER_REFUSED',
          message: error.message,
        });
      case 'EXISTS':
      case 'NO_ANSWER':
        throw new UnprocessableEntityException(error.message);
    }
  }
}

/** Users, accounts and the kill switch, for admin users. */
@TradeApi('admin')
@SetMetadata(ADMIN_ROUTE, true)
@Controller('api/admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('users')
  @ApiOperation({ summary: 'Lists the users' })
  @ApiOkResponse({ schema: { type: 'array', items: ref('User') } })
  users() {
    return this.admin.listUsers();
  }

  @Post('users')
  @ApiOperation({ summary: 'Creates a user (admin or not)' })
  @ApiCreatedResponse({ schema: ref('User') })
  async createUser(@Body() body: CreateUserDto) {
    const isAdmin = body.is_admin === true;
    await answer(this.admin.createUser(body.user_name, body.password, isAdmin));
    return { user_name: body.user_name, is_admin: isAdmin };
  }

  @Post('accounts')
  @ApiOperation({ summary: 'Opens a sim account for a user, with cash and risk limits' })
  @ApiCreatedResponse({ schema: ref('AccountCreated') })
  async createAccount(@Body() body: CreateAccountDto) {
    const cash = body.cash ?? 1_000_000;
    await answer(
      this.admin.createAccount(
        body.user_name,
        body.account_cookie,
        cash,
        body.risk_limits === undefined ? undefined : riskOverrides(body.risk_limits),
      ),
    );
    return { account_cookie: body.account_cookie, user_name: body.user_name, broker: 'sim', cash };
  }

  @Post('accounts/:account/transfer')
  @ApiOperation({ summary: 'Deposit (amount > 0) or withdraw (amount < 0), bypassing the bank' })
  @ApiCreatedResponse({ schema: ref('Transferred') })
  async transfer(@Param('account') account: string, @Body() body: TransferDto) {
    const message = await answer(this.admin.transfer(account, body.amount));
    return { account, amount: body.amount, message };
  }

  @Put('accounts/:account/state')
  @ApiOperation({
    summary: 'ACTIVE, REDUCING (only position-reducing orders) or HALTED (kill switch)',
  })
  @ApiOkResponse({ schema: ref('AccountStateSet') })
  async setState(@Param('account') account: string, @Body() body: AccountStateDto) {
    await answer(this.admin.setState(account, body.state));
    return { account, state: body.state };
  }

  @Put('accounts/:account/limits')
  @ApiBody({
    type: RiskLimitsDto,
    examples: { limits: { value: { max_order_volume: 100, max_orders_per_second: 20 } } },
  })
  @ApiOperation({ summary: 'Sets risk limits of an account (the ones named; the others kept)' })
  @ApiOkResponse({ schema: ref('LimitsSet') })
  async setLimits(@Param('account') account: string, @Body() body: RiskLimitsDto) {
    const limits = await answer(this.admin.setLimits(account, riskOverrides(body)));
    return { account, limits: wireRiskLimits(limits) };
  }

  @Post('settle')
  @ApiOperation({ summary: 'Settles every sim account into trading_day (YYYYMMDD)' })
  @ApiCreatedResponse({ schema: ref('SettleQueued') })
  async settle(@Body() body: SettleDto) {
    await this.admin.settle(body.trading_day);
    return { trading_day: body.trading_day, queued: true };
  }
}
