import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { TradeIdentity } from '@qautlra/clients';
import { WindowRateLimit } from '@qautlra/platform';
import type { Request } from 'express';
import { RealtimeService } from '../realtime.service';

export type IdentifiedRequest = Request & { identity?: TradeIdentity };

/**
 * REST requests carry a trade-server credential — `Authorization: Bearer <JWT>` or `X-API-Key` —
 * checked with the trade server (cached); at most 100 requests a second per address.
 */
@Injectable()
export class RealtimeAuthGuard implements CanActivate {
  private readonly perIp = new WindowRateLimit(100, 1_000);

  constructor(private readonly realtime: RealtimeService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IdentifiedRequest>();
    const ip = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    if (!this.perIp.hit(ip, Date.now()))
      throw new HttpException(
        { statusCode: 429, code: 'RATE_LIMITED', message: 'at most 100 requests a second' },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    const apiKey = request.headers['x-api-key'];
    const identity = await this.realtime.identify(bearer ?? apiKey);
    if (!identity)
      throw new UnauthorizedException({
        code: 'UNAUTHORIZED',
        message: 'a trade-server credential is needed: Authorization: Bearer <JWT> or X-API-Key',
      });
    request.identity = identity;
    return true;
  }
}

/** A controller of the realtime API behind the trade server's credentials. */
export function RealtimeApi(tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    ApiSecurity('api-key'),
    UseGuards(RealtimeAuthGuard),
  );
}
