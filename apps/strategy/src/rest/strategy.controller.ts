import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiCreatedResponse,
} from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import { StrategyRuntimeService } from '../strategy-runtime.service';
import { CreateInstanceDto, LogsQueryDto, ParamsDto, StopDto } from './dto';
import { StrategyApi } from './strategy-auth.guard';

const INSTANCE = { schema: ref('Instance') };
const INSTANCES = { schema: { type: 'array' as const, items: ref('Instance') } };

@StrategyApi('strategies')
@Controller('api')
export class StrategyController {
  constructor(private readonly runtime: StrategyRuntimeService) {}

  @Get('strategies')
  @ApiOperation({
    summary: 'The strategies offered (the backtests’ catalogue): name, description, parameters',
  })
  @ApiOkResponse({ schema: { type: 'array', items: ref('StrategyEntry') } })
  strategies() {
    return this.runtime.strategies().map(({ file: _file, ...entry }) => entry);
  }

  @Get('instances')
  @ApiOperation({ summary: 'Live instances: status, why held, connections, positions, account' })
  @ApiOkResponse(INSTANCES)
  list() {
    return this.runtime.list();
  }

  @Post('instances')
  @ApiOperation({ summary: 'Create an instance (and start it unless start is false)' })
  @ApiCreatedResponse(INSTANCE)
  create(@Body() body: CreateInstanceDto) {
    return this.runtime.create(body);
  }

  @Get('instances/:id')
  @ApiOperation({ summary: 'One instance' })
  @ApiOkResponse(INSTANCE)
  one(@Param('id', ParseUUIDPipe) id: string) {
    return this.runtime.view(this.runtime.get(id));
  }

  @Delete('instances/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a stopped instance and its logs' })
  @ApiNoContentResponse({ description: 'removed' })
  async remove(@Param('id', ParseUUIDPipe) id: string) {
    await this.runtime.remove(id);
  }

  @Post('instances/:id/start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start (a stopped instance starts again as a new generation)' })
  @ApiOkResponse(INSTANCE)
  start(@Param('id', ParseUUIDPipe) id: string) {
    return this.runtime.start(id);
  }

  @Post('instances/:id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause: keeps positions and subscriptions, sends nothing' })
  @ApiOkResponse(INSTANCE)
  pause(@Param('id', ParseUUIDPipe) id: string) {
    return this.runtime.pause(id);
  }

  @Post('instances/:id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume after a pause, a limit, an error or the kill switch' })
  @ApiOkResponse(INSTANCE)
  resume(@Param('id', ParseUUIDPipe) id: string) {
    return this.runtime.resume(id);
  }

  @Post('instances/:id/stop')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop, optionally cancelling its orders and closing its positions first',
  })
  @ApiOkResponse(INSTANCE)
  stop(@Param('id', ParseUUIDPipe) id: string, @Body() body: StopDto) {
    return this.runtime.stop(id, body.flatten ?? false);
  }

  @Post('instances/:id/kill')
  @HttpCode(200)
  @ApiOperation({ summary: 'Kill switch of one instance: cancel its live orders and hold it' })
  @ApiOkResponse(INSTANCE)
  kill(@Param('id', ParseUUIDPipe) id: string) {
    return this.runtime.kill(id);
  }

  @Post('kill')
  @HttpCode(200)
  @ApiOperation({ summary: 'Global kill switch: every instance cancels its live orders and holds' })
  @ApiOkResponse(INSTANCES)
  killAll() {
    return this.runtime.killAll();
  }

  @Put('instances/:id/params')
  @ApiOperation({ summary: 'Hot reload of parameters: positions and subscriptions stay' })
  @ApiOkResponse(INSTANCE)
  params(@Param('id', ParseUUIDPipe) id: string, @Body() body: ParamsDto) {
    return this.runtime.reload(id, body.params);
  }

  @Get('instances/:id/orders')
  @ApiOperation({ summary: 'The instance’s orders today, as the trade server shows them' })
  @ApiOkResponse({ schema: ref('InstanceOrders') })
  orders(@Param('id', ParseUUIDPipe) id: string) {
    return this.runtime.get(id).orders();
  }

  @Get('instances/:id/trades')
  @ApiOperation({ summary: 'The instance’s fills today' })
  @ApiOkResponse({ schema: ref('InstanceTrades') })
  trades(@Param('id', ParseUUIDPipe) id: string) {
    return this.runtime.get(id).trades();
  }

  @Get('instances/:id/pnl')
  @ApiOperation({
    summary: 'The account’s balance and profit, sampled at most once a second since start',
  })
  @ApiOkResponse({ schema: { type: 'array', items: ref('PnlPoint') } })
  pnl(@Param('id', ParseUUIDPipe) id: string) {
    return this.runtime.get(id).pnl;
  }

  @Get('instances/:id/qifi')
  @ApiOperation({
    summary: 'The account as a QIFI document (from the trade server; passwords empty)',
  })
  @ApiOkResponse({ schema: ref('Qifi') })
  qifi(@Param('id', ParseUUIDPipe) id: string) {
    return this.runtime.get(id).qifi();
  }

  @Get('instances/:id/logs')
  @ApiOperation({ summary: 'The instance’s log, oldest first' })
  @ApiOkResponse({ schema: { type: 'array', items: ref('InstanceLog') } })
  logs(@Param('id', ParseUUIDPipe) id: string, @Query() query: LogsQueryDto) {
    return this.runtime.logs(id, query.limit ?? 200);
  }
}
