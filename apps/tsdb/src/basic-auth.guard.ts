import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { TsdbConfig } from './config';
import { TSDB_CONFIG } from './tokens';

const same = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** HTTP basic auth with `P_USERNAME` / `P_PASSWORD` (Parseable's scheme). */
@Injectable()
export class BasicAuthGuard implements CanActivate {
  constructor(@Inject(TSDB_CONFIG) private readonly config: TsdbConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization ?? '';
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (match) {
      const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (
        colon >= 0 &&
        same(decoded.slice(0, colon), this.config.username) &&
        same(decoded.slice(colon + 1), this.config.password)
      )
        return true;
    }
    context
      .switchToHttp()
      .getResponse<Response>()
      .setHeader('WWW-Authenticate', 'Basic realm="qadb"');
    throw new UnauthorizedException('basic authentication required (P_USERNAME / P_PASSWORD)');
  }
}
