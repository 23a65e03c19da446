import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes } from 'node:crypto';
import { WindowRateLimit } from '@qautlra/platform';
import { SIM_BROKER, CTP_BROKER } from '../bus/transport';
import type { TradeServerConfig } from '../config';
import type { LoginAnswer } from '../gateway/trade-session';
import { TRADE_SERVER_CONFIG } from '../tokens';
import { ApiKeyRepository } from './api-key.repository';
import { login, LoginResult } from './login-policy';
import { hashPassword, verifyPassword } from './password';

import { UserRepository } from './user.repository';

/** Who a REST request acts for. */
export interface RestUser {
  userName: string;
  isAdmin: boolean;
}

export type Authentication = { ok: true; user: RestUser } | { ok: false; message: string };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Users' credentials for REST and the DIFF socket alike: password logins (with the lock policy and
 * the per-address limit on failures), JWTs, API keys, password changes.
 */
@Injectable()
export class AuthService {
  /** Failed logins per IP per minute before the address must wait (WebSocket and REST alike). */
  readonly loginFailures = new WindowRateLimit(20, 60_000);
  /** REST requests per second, per address and per authenticated user. */
  readonly restLimits = {
    perIp: new WindowRateLimit(200, 1_000),
    perUser: new WindowRateLimit(100, 1_000),
  };

  constructor(
    @Inject(TRADE_SERVER_CONFIG) private readonly config: TradeServerConfig,
    private readonly users: UserRepository,
    private readonly apiKeys: ApiKeyRepository,
    private readonly jwt: JwtService,
  ) {}

  checkPassword(userName: string, password: string): Promise<LoginResult> {
    return login(this.users, userName, password, Date.now());
  }

  /** A JWT for `Authorization: Bearer` (1 h); `iat_ms` lets a later password change void it. */
  issueToken(userName: string): Promise<string> {
    return this.jwt.signAsync({ sub: userName, iat_ms: Date.now() });
  }

  /** A new API key `<key_id>.<secret>` (shown once; only the secret's SHA-256 is kept). */
  async createApiKey(userName: string, label: string) {
    const keyId = randomBytes(6).toString('hex');
    const secret = randomBytes(24).toString('base64url');
    await this.apiKeys.create({
      key_id: keyId,
      user_name: userName,
      secret_sha256: sha256(secret),
      label,
    });
    return { key_id: keyId, api_key: `${keyId}.${secret}`, label };
  }

  /** The user a bearer token or an API key stands for. */
  async authenticate(credentials: { bearer?: string; apiKey?: string }): Promise<Authentication> {
    let userName: string | undefined;
    let issuedAtMs: number | undefined;
    if (credentials.bearer !== undefined) {
      try {
        const payload = await this.jwt.verifyAsync<{ sub: string; iat?: number; iat_ms?: number }>(
          credentials.bearer,
        );
        userName = payload.sub;
        issuedAtMs = payload.iat_ms ?? (payload.iat ?? 0) * 1000;
      } catch {
        return { ok: false, message: 'invalid or expired token' };
      }
    } else if (credentials.apiKey !== undefined) {
      const [keyId, secret] = credentials.apiKey.split('.');
      const row = keyId ? await this.apiKeys.find(keyId) : undefined;
      if (!row || !secret || row.secret_sha256 !== sha256(secret))
        return { ok: false, message: 'invalid API key' };
      userName = row.user_name;
    } else return { ok: false, message: 'send Authorization: Bearer <token> or X-API-Key' };
    const user = await this.users.findUser(userName);
    if (!user) return { ok: false, message: 'unknown user' };
    const changed = user.credentials_changed_at?.getTime();
    if (issuedAtMs !== undefined && changed !== undefined && issuedAtMs < changed)
      return {
        ok: false,
        message: 'token issued before the password changed or the user was locked: log in again',
      };
    return { ok: true, user: { userName: user.user_name, isAdmin: user.is_admin } };
  }

  /** The broker a `bid` names, or undefined. */
  brokerOf(bid: string): string | undefined {
    if (this.config.brokerAliases.includes(bid)) return SIM_BROKER;
    return this.config.ctp?.aliases.includes(bid) ? CTP_BROKER : undefined;
  }

  /** A DIFF `req_login`: the user's accounts at the broker `bid` names. */
  async diffLogin(bid: string, userName: string, password: string): Promise<LoginAnswer> {
    const broker = this.brokerOf(bid);
    if (!broker) return { ok: false, message: `用户登录失败: unknown broker ${bid}` };
    const result = await this.checkPassword(userName, password);
    if (!result.ok) return { ok: false, message: result.message };
    const accounts = result.accounts.filter((account) => account.broker === broker);
    if (accounts.length === 0)
      return { ok: false, message: `用户登录失败: no account at broker ${bid}` };
    return {
      ok: true,
      userName: result.userName,
      accounts: accounts.map((account) => account.account_cookie),
    };
  }

  async verifyPassword(userName: string, password: string): Promise<boolean> {
    const user = await this.users.findUser(userName);
    return user !== undefined && (await verifyPassword(password, user.password_hash));
  }

  async changePassword(userName: string, password: string): Promise<void> {
    await this.users.setPasswordHash(userName, await hashPassword(password));
  }
}
