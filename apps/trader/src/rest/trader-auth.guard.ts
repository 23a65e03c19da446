import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { httpUrlOf, sameSecret } from '@qautlra/platform';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import type { TraderConfig } from '../config';
import { TRADER_CONFIG } from '../tokens';

/** The shapes of the trade server's credentials: a JWT (three base64url parts) and `<key_id>.<secret>`. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;
const API_KEY_SHAPE = /^[0-9a-f]{12}\.[\w-]{32}$/;
const MAX_CREDENTIAL_LENGTH = 4_096;

/** Whether a bearer token or API key has the trade server's shape (anything else is not asked about). */
export function looksLikeTradeServerCredential(kind: 'jwt' | 'api_key', value: string): boolean {
  if (value.length > MAX_CREDENTIAL_LENGTH) return false;
  return (kind === 'jwt' ? JWT_SHAPE : API_KEY_SHAPE).test(value);
}

/** How long a trade-server credential's accounts are remembered (ms). */
const CACHE_MS = 30_000;
const CACHE_SIZE = 1_000;

/**
 * The trader's REST routes that trade or read an account: `Authorization: Bearer <api_token>`, or a
 * credential of the trade server — its JWT (`Bearer`) or API key (`X-API-Key`) — of a user who owns
 * the account (asked of the trade server, remembered for 30 s; a value without the shape of one is
 * refused without asking).
 */
@Injectable()
export class TraderAuthGuard implements CanActivate {
  private readonly known = new Map<string, { accounts: Set<string>; until: number }>();

  constructor(@Inject(TRADER_CONFIG) private readonly config: TraderConfig) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    const apiKey = request.headers['x-api-key'];
    if (bearer !== undefined && sameSecret(bearer, this.config.apiToken)) return true;
    // Only what has the shape of a trade-server JWT or API key is asked about (and cached).
    const credential: Record<string, string> | undefined = bearer
      ? looksLikeTradeServerCredential('jwt', bearer)
        ? { authorization: `Bearer ${bearer}` }
        : undefined
      : typeof apiKey === 'string' && looksLikeTradeServerCredential('api_key', apiKey)
        ? { 'x-api-key': apiKey }
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
  private async accountsOf(credential: Record<string, string>): Promise<Set<string>> {
    const key = createHash('sha256')
      .update(Object.values(credential)[0] ?? '')
      .digest('hex');
    const now = Date.now();
    const cached = this.known.get(key);
    if (cached && cached.until > now) return cached.accounts;
    const accounts = new Set<string>();
    const wsuri = this.config.accounts[0]?.wsuri;
    if (wsuri) {
      try {
        const response = await fetch(httpUrlOf(wsuri, '/api/accounts'), {
          headers: credential,
          signal: AbortSignal.timeout(5_000),
        });
        if (response.ok)
          for (const row of (await response.json()) as { account_cookie?: unknown }[])
            if (typeof row.account_cookie === 'string') accounts.add(row.account_cookie);
      } catch {
        // The trade server is not reachable: the credential cannot be checked, so it is refused.
      }
    }
    if (this.known.size >= CACHE_SIZE) this.known.clear();
    this.known.set(key, { accounts, until: now + CACHE_MS });
    return accounts;
  }
}
