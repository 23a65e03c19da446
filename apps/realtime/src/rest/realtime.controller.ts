import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  HttpException,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { TradeIdentity } from '@qautlra/clients';
import { ref } from '@qautlra/platform';
import type { Response } from 'express';
import { AlertService, wireEvent } from '../alerts/alert.service';
import { RealtimeService } from '../realtime.service';
import { parseRoom, RoomNameError } from '../rooms/room-name';
import type { RoomAnswer } from '../rooms/session';
import { AccountQueryDto, AlertRuleDto, LegacySubscriptionDto, RoomQueryDto } from './dto';
import { IdentifiedRequest, RealtimeApi } from './realtime-auth.guard';

const LEGACY_MESSAGES = {
  sub: { ok: '订阅成功', failed: '订阅失败' },
  unsub: { ok: '取消订阅成功', failed: '取消订阅失败' },
};

/** The original's REST subscription routes: `{sid, room}` for an open `/ws/` session. */
@ApiTags('original protocol')
@Controller()
export class LegacyController {
  constructor(private readonly realtime: RealtimeService) {}

  @Post('realtime_sub')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Subscribes an open /ws/ session (its `sid` from `auth`) to a room (the session's own rights apply)",
    security: [],
  })
  @ApiOkResponse({ schema: ref('LegacyReply') })
  async sub(@Body() body: LegacySubscriptionDto, @Res({ passthrough: true }) res: Response) {
    const session = this.realtime.session(body.sid);
    const answer: RoomAnswer = session
      ? await this.realtime.subscribe(session, body.room)
      : { code: 404, message: `no open session ${body.sid}` };
    return legacy(res, answer, LEGACY_MESSAGES.sub);
  }

  @Post('realtime_unsub')
  @HttpCode(200)
  @ApiOperation({ summary: 'Takes an open /ws/ session out of a room', security: [] })
  @ApiOkResponse({ schema: ref('LegacyReply') })
  async unsub(@Body() body: LegacySubscriptionDto, @Res({ passthrough: true }) res: Response) {
    const session = this.realtime.session(body.sid);
    const answer: RoomAnswer = session
      ? await this.realtime.unsubscribe(session, body.room)
      : { code: 404, message: `no open session ${body.sid}` };
    return legacy(res, answer, LEGACY_MESSAGES.unsub);
  }
}

/** The reply `{code, data, msg}`, with the HTTP status of its code. */
function legacy(res: Response, answer: RoomAnswer, messages: { ok: string; failed: string }) {
  res.status(answer.code);
  return {
    code: answer.code,
    data: answer.code === 200 ? (answer.room ?? '') : answer.message,
    msg: answer.code === 200 ? messages.ok : messages.failed,
  };
}

const ERROR_CODES: Readonly<Record<number, string>> = {
  400: 'INVALID_ROOM',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  429: 'TOO_MANY_ROOMS',
};

/** A refusal of the room layer as the platform's HTTP error. */
function refuse(answer: RoomAnswer): never {
  throw new HttpException(
    {
      statusCode: answer.code,
      code: ERROR_CODES[answer.code] ?? 'REFUSED',
      message: answer.message,
    },
    answer.code,
  );
}

/** Rooms' states for programs: accounts, portfolios, factors, any room by name. */
@RealtimeApi('rooms')
@Controller('api')
export class RoomsController {
  constructor(private readonly realtime: RealtimeService) {}

  @Get('rooms')
  @ApiOperation({
    summary: 'Rooms this instance relays (with members) and, when leading, computes',
  })
  @ApiOkResponse({ schema: ref('Rooms') })
  rooms() {
    return this.realtime.rooms();
  }

  @Get('rooms/state')
  @ApiOperation({
    summary: "Any room's whole state by name (`?room=FACTOR:SHFE.rb888:1m:MA(20)`)",
  })
  @ApiOkResponse({ schema: ref('RoomState') })
  state(@Req() request: IdentifiedRequest, @Query() query: RoomQueryDto) {
    return this.roomState(request.identity, query.room);
  }

  @Get('accounts/:account')
  @ApiOperation({ summary: 'An account re-marked on live quotes (the `ACCOUNT:<cookie>` room)' })
  @ApiOkResponse({ schema: ref('AccountRoom') })
  async account(@Req() request: IdentifiedRequest, @Param('account') account: string) {
    return (await this.roomState(request.identity, `ACCOUNT:${account}`)).state;
  }

  @Get('portfolios/:user')
  @ApiOperation({ summary: "A user's accounts together (the `PORTFOLIO:<user>` room)" })
  @ApiOkResponse({ schema: ref('PortfolioRoom') })
  async portfolio(@Req() request: IdentifiedRequest, @Param('user') user: string) {
    return (await this.roomState(request.identity, `PORTFOLIO:${user}`)).state;
  }

  @Get('factors/:instrument/:frequency/:indicator')
  @ApiOperation({
    summary:
      'Live bars of an instrument with an indicator (`/api/factors/SHFE.rb888/1m/MA(20)`; `*` for bars alone)',
  })
  @ApiOkResponse({ schema: ref('FactorRoom') })
  async factor(
    @Req() request: IdentifiedRequest,
    @Param('instrument') instrument: string,
    @Param('frequency') frequency: string,
    @Param('indicator') indicator: string,
  ) {
    return (
      await this.roomState(request.identity, `FACTOR:${instrument}:${frequency}:${indicator}`)
    ).state;
  }

  private async roomState(identity: TradeIdentity | undefined, name: string) {
    const { answer, state } = await this.realtime.read(identity, name);
    if (answer.code !== 200 || !state) refuse(answer);
    return { room: answer.room!, state };
  }
}

/** Alert rules and the alerts they raised, per account. */
@RealtimeApi('alerts')
@Controller('api/alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertService,
    private readonly realtime: RealtimeService,
  ) {}

  @Get(':account')
  @ApiOperation({ summary: "An account's alert rules and its latest alerts" })
  @ApiOkResponse({ schema: ref('AlertList') })
  async list(@Req() request: IdentifiedRequest, @Param('account') account: string) {
    own(request.identity, account);
    const [rules, events] = await Promise.all([
      this.alerts.rules(account),
      this.alerts.events(account),
    ]);
    return { rules, events: events.map(wireEvent) };
  }

  @Post('rules')
  @ApiOperation({ summary: 'Adds an alert rule to one of your accounts' })
  @ApiCreatedResponse({ schema: ref('AlertRule') })
  async add(@Req() request: IdentifiedRequest, @Body() body: AlertRuleDto) {
    const identity = own(request.identity, body.account);
    let target = body.target ?? null;
    if (body.kind === 'factor_above' || body.kind === 'factor_below') {
      if (!target) throw new BadRequestException('a factor rule names its factor room in `target`');
      try {
        const room = parseRoom(target);
        if (room.kind !== 'FACTOR' || !room.indicator)
          throw new RoomNameError('a factor rule watches a FACTOR room with an indicator');
        target = room.name;
      } catch (error) {
        if (error instanceof RoomNameError)
          throw new BadRequestException(`target: ${error.message}`);
        throw error;
      }
    }
    const hosts = this.realtime.config.webhookHosts;
    if (body.webhook && hosts.length > 0 && !hosts.includes(new URL(body.webhook).hostname))
      throw new BadRequestException(
        `webhook: only hosts ${hosts.join(', ')} (REALTIME_WEBHOOK_HOSTS)`,
      );
    try {
      return await this.alerts.addRule({
        account: body.account,
        user_name: identity.userName,
        kind: body.kind,
        threshold: body.threshold,
        target,
        webhook: body.webhook ?? null,
      });
    } catch (error) {
      if (error instanceof RangeError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  @Delete('rules/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Removes an alert rule (`?account=` names its account)' })
  @ApiNoContentResponse({ description: 'removed' })
  async remove(
    @Req() request: IdentifiedRequest,
    @Param('id') id: string,
    @Query() query: AccountQueryDto,
  ) {
    own(request.identity, query.account);
    if (!(await this.alerts.deleteRule(id, query.account)))
      throw new NotFoundException(`no alert rule ${id} on ${query.account}`);
  }
}

/** The identity, when it owns `account` (or is an admin). */
function own(identity: TradeIdentity | undefined, account: string): TradeIdentity {
  if (!identity) throw new ForbiddenException('no identity');
  if (!identity.isAdmin && !identity.accounts.has(account))
    throw new NotFoundException(`no account ${account} of yours`);
  return identity;
}
