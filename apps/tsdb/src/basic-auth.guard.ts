import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { sameSecret } from '@qautlra/platform';
import type { TsdbConfig } from './config';
import { TSDB_CONFIG } from './tokens';

/** User and password of an `Authorization: Basic …` header, or undefined. */
export function basicCredentials(
  header: string | undefined,
): { user: string; password: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Constant-time comparison of credentials with the configured ones. */
export function credentialsMatch(
  given: { user: string; password: string } | undefined,
  expected: { username: string; password: string },
): boolean {
  return (
    given !== undefined &&
    sameSecret(given.user, expected.username) &&
    sameSecret(given.password, expected.password)
  );
}

/** HTTP basic auth with `P_USERNAME` / `P_PASSWORD` (Parseable's scheme). */
@Injectable()
export class BasicAuthGuard implements CanActivate {
  constructor(@Inject(TSDB_CONFIG) private readonly config: TsdbConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (credentialsMatch(basicCredentials(request.headers.authorization), this.config)) return true;
    context
      .switchToHttp()
      .getResponse<Response>()
      .setHeader('WWW-Authenticate', 'Basic realm="qadb"');
    throw new UnauthorizedException('basic authentication required (P_USERNAME / P_PASSWORD)');
  }
}
