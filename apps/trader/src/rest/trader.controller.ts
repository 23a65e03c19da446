import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import { TraderAuthGuard } from './trader-auth.guard';
import { TraderAccounts } from '../account/trader-accounts.service';
import { TraderStatusService } from '../status.service';
import { IntakeMessageDto, IntakeMessagePipe, IntakeRequest } from './dto';

const ORDER_EXAMPLE = {
  topic: 'sendorder',
  account_cookie: 'demo',
  exchange_id: 'SHFE',
  code: 'rb888',
  order_direction: 'BUY',
  order_offset: 'OPEN',
  volume: 1,
  price: 3500,
  order_id: 'my-strategy.0001',
};

/** Status, the account's QIFI document and events, and order intake over REST. OpenAPI at /api/docs. */
@ApiTags('trader')
@Controller('api')
export class TraderController {
  constructor(
    private readonly trader: TraderAccounts,
    private readonly statuses: TraderStatusService,
  ) {}

  @Get('status')
  @ApiOperation({
    summary: 'Connection state per account (trade server session, intake, event transport)',
  })
  @ApiOkResponse({ schema: ref('TraderStatus') })
  status() {
    return this.statuses.status();
  }

  @Get('accounts')
  @ApiOperation({ summary: 'The accounts this trader bridges' })
  @ApiOkResponse({ schema: { type: 'array', items: { type: 'string' } } })
  accounts() {
    return this.trader.accountNames();
  }

  @Get('accounts/:account')
  @UseGuards(TraderAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "The account's QIFI document as the trader keeps it" })
  @ApiOkResponse({ schema: ref('Qifi') })
  account(@Param('account') name: string) {
    return this.accountOf(name).document;
  }

  @Get('accounts/:account/events')
  @UseGuards(TraderAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Recent error events (refused messages, risk rejections) and published trades',
  })
  @ApiOkResponse({ schema: ref('TraderRecent') })
  events(@Param('account') name: string) {
    this.accountOf(name);
    return this.trader.recentOf(name);
  }

  @Post('orders')
  @UseGuards(TraderAuthGuard)
  @ApiBearerAuth()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Any intake message (the RabbitMQ format: topic sendorder, cancel_order, transfer, query_settlement, query_bank, change_password, peek, login); answers once the trade server shows the order, or with the error',
  })
  @ApiBody({ type: IntakeMessageDto, examples: { sendorder: { value: ORDER_EXAMPLE } } })
  @ApiCreatedResponse({
    description: 'the trade server shows the order (a refusal is 422 with its code)',
    schema: ref('IntakeAccepted'),
  })
  async order(@Body(IntakeMessagePipe) intake: IntakeRequest) {
    const result = await this.trader.submit(this.accountOf(intake.account), intake.command);
    if (!result.ok)
      throw new HttpException(
        { statusCode: 422, code: result.code, message: result.message, order_id: result.order_id },
        422,
      );
    return result;
  }

  private accountOf(name: string) {
    const account = this.trader.account(name);
    if (!account) throw new NotFoundException(`account ${name} is not bridged by this trader`);
    return account;
  }
}
