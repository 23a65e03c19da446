import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { WindowRateLimit } from '../gateway/rate-limit';
import { TradeService } from '../trade.service';

/** Who a REST request acts for. */
export interface RestUser {
  userName: string;
  isAdmin: boolean;
}

export type AuthedRequest = Request & { user?: RestUser };

export const PUBLIC_ROUTE = 'trade:public';
export const ADMIN_ROUTE = 'trade:admin';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** API keys are `<key_id>.<secret>`; the store keeps the secret's SHA-256. */
export async function createApiKey(trade: TradeService, userName: string, label: string) {
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  await trade.db
    .insertInto('trade_api_key')
    .values({ key_id: keyId, user_name: userName, secret_sha256: sha256(secret), label })
    .execute();
  return { key_id: keyId, api_key: `${keyId}.${secret}`, label };
}

/**
 * REST authentication and rate limits: `Authorization: Bearer <JWT from /api/auth/login>` or
 * `X-API-Key: <key>`; admin routes need an admin user. Every request counts against its IP and,
 * once authenticated, its user (HTTP 429 with `retry_after_ms` over the limit).
 */
@Injectable()
export class TradeAuthGuard implements CanActivate {
  private readonly perIp = new WindowRateLimit(200, 1_000);
  private readonly perUser = new WindowRateLimit(100, 1_000);

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly trade: TradeService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const now = Date.now();
    const ip = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    if (!this.perIp.hit(ip, now)) throw tooMany(this.perIp.retryAfterMs(ip, now));
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const user = await this.authenticate(request);
    if (!this.perUser.hit(user.userName, now))
      throw tooMany(this.perUser.retryAfterMs(user.userName, now));
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ROUTE, targets) && !user.isAdmin)
      throw new ForbiddenException('admin only');
    request.user = user;
    return true;
  }

  private async authenticate(request: Request): Promise<RestUser> {
    const header = request.headers.authorization;
    const apiKey = request.headers['x-api-key'];
    let userName: string | undefined;
    let issuedAtMs: number | undefined;
    if (typeof header === 'string' && header.startsWith('Bearer ')) {
      try {
        const payload = await this.jwt.verifyAsync<{ sub: string; iat?: number; iat_ms?: number }>(
          header.slice(7),
        );
        userName = payload.sub;
        issuedAtMs = payload.iat_ms ?? (payload.iat ?? 0) * 1000;
      } catch {
        throw new UnauthorizedException('invalid or expired token');
      }
    } else if (typeof apiKey === 'string') {
      const [keyId, secret] = apiKey.split('.');
      const row = keyId
        ? await this.trade.db
            .selectFrom('trade_api_key')
            .select(['user_name', 'secret_sha256'])
            .where('key_id', '=', keyId)
            .executeTakeFirst()
        : undefined;
      if (!row || !secret || row.secret_sha256 !== sha256(secret))
        throw new UnauthorizedException('invalid API key');
      userName = row.user_name;
    } else {
      throw new UnauthorizedException('send Authorization: Bearer <token> or X-API-Key');
    }
    const user = await this.trade.users.findUser(userName);
    if (!user) throw new UnauthorizedException('unknown user');
    const changed = user.credentials_changed_at?.getTime();
    if (issuedAtMs !== undefined && changed !== undefined && issuedAtMs < changed)
      throw new UnauthorizedException(
        'token issued before the password changed or the user was locked: log in again',
      );
    return { userName: user.user_name, isAdmin: user.is_admin };
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
