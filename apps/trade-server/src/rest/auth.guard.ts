import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthService, RestUser } from '../auth/auth.service';

export type { RestUser };
export type AuthedRequest = Request & { user?: RestUser };

export const PUBLIC_ROUTE = 'trade:public';
export const ADMIN_ROUTE = 'trade:admin';

/**
 * REST authentication and rate limits: `Authorization: Bearer <JWT from /api/auth/login>` or
 * `X-API-Key: <key>`; admin routes need an admin user. Every request counts against its IP and,
 * once authenticated, its user (HTTP 429 with `retry_after_ms` over the limit).
 */
@Injectable()
export class TradeAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const now = Date.now();
    const ip = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    // The limits live in the service: every controller's guard counts against the same ones.
    const { perIp, perUser } = this.auth.restLimits;
    if (!perIp.hit(ip, now)) throw tooMany(perIp.retryAfterMs(ip, now));
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const user = await this.authenticate(request);
    if (!perUser.hit(user.userName, now)) throw tooMany(perUser.retryAfterMs(user.userName, now));
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ROUTE, targets) && !user.isAdmin)
      throw new ForbiddenException('admin only');
    request.user = user;
    return true;
  }

  private async authenticate(request: Request): Promise<RestUser> {
    const header = request.headers.authorization;
    const apiKey = request.headers['x-api-key'];
    const outcome = await this.auth.authenticate(
      typeof header === 'string' && header.startsWith('Bearer ')
        ? { bearer: header.slice(7) }
        : typeof apiKey === 'string'
          ? { apiKey }
          : {},
    );
    if (!outcome.ok) throw new UnauthorizedException(outcome.message);
    return outcome.user;
  }
}

function tooMany(retryAfterMs: number): HttpException {
  return new HttpException(
    {
      statusCode: 429,
      message: `rate limit exceeded, retry after ${retryAfterMs} ms`,
      retry_after_ms: retryAfterMs,
    },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}

/**
 * A REST controller of the trade server: behind the guard, documented under `tag` with both ways
 * to authenticate (bearer JWT, `X-API-Key`).
 */
export function TradeApi(tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    ApiSecurity('api-key'),
    UseGuards(TradeAuthGuard),
  );
}
