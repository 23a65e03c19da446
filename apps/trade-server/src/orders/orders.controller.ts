import {
  Body,
  Controller,
  Delete,
  Param,
  Post,
  Req,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import { AccountsService } from '../accounts/accounts.service';
import { AuthedRequest, TradeApi } from '../rest/auth.guard';
import { InsertOrderDto, InsertOrderFields, InsertOrderPipe } from '../rest/dto';
import { ownAccount } from '../rest/owner';
import { OrdersService } from './orders.service';

/** Orders over REST: the same commands the DIFF socket sends, answered once the broker has. */
@TradeApi('trade')
@Controller('api/accounts/:account/orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly accounts: AccountsService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Places an order (DIFF insert_order fields); waits for the broker’s answer',
  })
  @ApiBody({ type: InsertOrderDto })
  @ApiCreatedResponse({
    description: 'accepted (a refusal is 422 ORDER_REFUSED with the refused order)',
    schema: ref('OrderPlaced'),
  })
  async place(
    @Req() request: AuthedRequest,
    @Param('account') account: string,
    @Body(InsertOrderPipe) fields: InsertOrderFields,
  ) {
    const user = await ownAccount(this.accounts, request, account);
    const outcome = await this.orders.place(user, account, fields);
    // One contract for every refusal (risk rule or account engine): 422 ORDER_REFUSED, with the
    // refused order when the account keeps it.
    if (outcome.accepted === false)
      throw new UnprocessableEntityException({
        code: 'ORDER_REFUSED',
        message: outcome.message,
        order_id: outcome.order_id,
        ...(outcome.order === undefined ? {} : { order: outcome.order }),
      });
    return outcome;
  }

  @Delete(':orderId')
  @ApiOperation({ summary: 'Cancels a live order' })
  @ApiOkResponse({ schema: ref('OrderCancelled') })
  async cancel(
    @Req() request: AuthedRequest,
    @Param('account') account: string,
    @Param('orderId') orderId: string,
  ) {
    const user = await ownAccount(this.accounts, request, account);
    const outcome = await this.orders.cancel(user, account, orderId);
    if (outcome.cancelled === false)
      throw new UnprocessableEntityException({ code: 'CANCEL_REFUSED', message: outcome.message });
    return outcome;
  }
}
