import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { TradeIdentityClient } from '@qautlra/clients';
import { httpUrlOf, sameSecret } from '@qautlra/platform';
import type { Request } from 'express';
import type { TraderConfig } from '../config';
import { TRADER_CONFIG } from '../tokens';

/** Whether a bearer token or API key has the trade server's shape (anything else is not asked about). */
export function looksLikeTradeServerCredential(kind: 'jwt' | 'api_key', value: string): boolean {
  return TradeIdentityClient.plausible(value, kind);
}

/**
 * The trader's REST routes that trade or read an account: `Authorization: Bearer <api_token>`, or a
 * credential of the trade server — its JWT (`Bearer`) or API key (`X-API-Key`) — of a user who owns
 * the account (asked of the trade server, remembered for 30 s; a value without the shape of one is
 * refused without asking).
 */
@Injectable()
export class TraderAuthGuard implements CanActivate {
  /** The trade server (of the first account) says who a credential is and what it owns. */
  private readonly identities?: TradeIdentityClient;

  constructor(@Inject(TRADER_CONFIG) private readonly config: TraderConfig) {
    const wsuri = config.accounts[0]?.wsuri;
    if (wsuri) this.identities = new TradeIdentityClient({ url: httpUrlOf(wsuri, '') });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    const apiKey = request.headers['x-api-key'];
    if (bearer !== undefined && sameSecret(bearer, this.config.apiToken)) return true;
    // Only what has the shape of a trade-server JWT or API key is asked about (and cached).
    const credential: string | undefined = bearer
      ? looksLikeTradeServerCredential('jwt', bearer)
        ? bearer
        : undefined
      : typeof apiKey === 'string' && looksLikeTradeServerCredential('api_key', apiKey)
        ? apiKey
        : undefined;
    if (credential) {
      const body = request.body as { account_cookie?: unknown } | undefined;
      const account =
        (request.params as Record<string, string | undefined>).account ??
        (typeof body?.account_cookie === 'string' ? body.account_cookie : undefined) ??
        (this.config.accounts.length === 1 ? this.config.accounts[0]?.account : undefined);
      const owned = await this.accountsOf(credential);
      if (account !== undefined && owned.has(account)) return true;
    }
    throw new UnauthorizedException(
      'Authorization: Bearer <api_token> (printed at start), or the trade server JWT / X-API-Key of the account owner, is required',
    );
  }

  /** The accounts the trade server says this credential's user owns (empty when it refuses). */
  private async accountsOf(credential: string): Promise<ReadonlySet<string>> {
    try {
      return (await this.identities?.verify(credential))?.accounts ?? new Set();
    } catch {
      // The trade server is not reachable: the credential cannot be checked, so it is refused.
      return new Set();
    }
  }
}
