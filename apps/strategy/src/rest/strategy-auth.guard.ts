import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { sameSecret } from '@qautlra/platform';
import type { Request } from 'express';
import type { StrategyConfig } from '../config';
import { STRATEGY_CONFIG } from '../tokens';

/** The runtime's bearer token (`STRATEGY_API_TOKEN`; `npm start` keeps one in ./data). */
@Injectable()
export class StrategyAuthGuard implements CanActivate {
  constructor(@Inject(STRATEGY_CONFIG) private readonly config: StrategyConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    if (bearer !== undefined && sameSecret(bearer, this.config.apiToken)) return true;
    throw new UnauthorizedException({
      code: 'UNAUTHORIZED',
      message:
        'Authorization: Bearer <STRATEGY_API_TOKEN> is needed (npm start keeps it in ./data/strategy-api-token)',
    });
  }
}

/** A controller of the runtime's API: its tag, bearer security and the guard. */
export function StrategyApi(tag: string): ClassDecorator {
  return applyDecorators(ApiTags(tag), ApiBearerAuth(), UseGuards(StrategyAuthGuard));
}
