import { Controller, Get, NotFoundException, Param, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { JsonObject } from '@qautlra/diff';
import { ref } from '@qautlra/platform';
import { AuthedRequest, TradeApi } from '../rest/auth.guard';
import { SettlementQueryDto } from '../rest/dto';
import { ownAccount, userOf } from '../rest/owner';
import { SETTLEMENTS } from '../rest/schemas';
import { AccountsService } from './accounts.service';

/** The caller's accounts as QIFI parts, and their settlement statements. */
@TradeApi('trade')
@Controller('api/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @ApiOperation({ summary: "The caller's accounts" })
  @ApiOkResponse({ schema: { type: 'array', items: ref('AccountSummary') } })
  list(@Req() request: AuthedRequest) {
    return this.accounts.accountsOf(userOf(request).userName);
  }

  @Get(':account')
  @ApiOperation({
    summary: 'One account as QIFI fields: accounts, positions, orders, trades, transfers, banks',
  })
  @ApiOkResponse({ schema: ref('TradeSection') })
  account(@Req() request: AuthedRequest, @Param('account') account: string) {
    return this.sectionOf(request, account);
  }

  @Get(':account/positions')
  @ApiOperation({ summary: 'Positions of an account (QIFI), by instrument' })
  @ApiOkResponse({ schema: ref('Positions') })
  async positions(@Req() request: AuthedRequest, @Param('account') account: string) {
    return (await this.sectionOf(request, account)).positions;
  }

  @Get(':account/orders')
  @ApiOperation({ summary: 'Orders of the trading day (QIFI), by order id' })
  @ApiOkResponse({ schema: ref('Orders') })
  async orders(@Req() request: AuthedRequest, @Param('account') account: string) {
    return (await this.sectionOf(request, account)).orders;
  }

  @Get(':account/trades')
  @ApiOperation({ summary: 'Trades of the trading day (QIFI), by trade id' })
  @ApiOkResponse({ schema: ref('Trades') })
  async trades(@Req() request: AuthedRequest, @Param('account') account: string) {
    return (await this.sectionOf(request, account)).trades;
  }

  @Get(':account/settlement')
  @ApiOperation({ summary: 'Settlement statements (all days, or `trading_day=YYYYMMDD`)' })
  @ApiOkResponse({ schema: SETTLEMENTS })
  async settlement(
    @Req() request: AuthedRequest,
    @Param('account') account: string,
    @Query() query: SettlementQueryDto,
  ) {
    await ownAccount(this.accounts, request, account);
    const all = await this.accounts.settlements(account);
    return query.trading_day ? all.filter((row) => row.trading_day === query.trading_day) : all;
  }

  private async sectionOf(request: AuthedRequest, account: string): Promise<JsonObject> {
    await ownAccount(this.accounts, request, account);
    const section = await this.accounts.section(account);
    if (!section) throw new NotFoundException(`account ${account} not loaded`);
    return {
      account_cookie: account,
      trading_day: (section.session as JsonObject)?.trading_day,
      ...section,
    };
  }
}
