import { createHash } from 'node:crypto';

/** Who a trade-server credential stands for, and the accounts that user owns. */
export interface TradeIdentity {
  userName: string;
  isAdmin: boolean;
  accounts: ReadonlySet<string>;
}

export interface TradeIdentityOptions {
  /** The trade server's REST base (`http://127.0.0.1:7988`). */
  url: string;
  /** How long a verified credential is trusted before it is asked about again (ms). */
  cacheMs?: number;
  /** How long a refused credential is refused without asking (ms). */
  refusedMs?: number;
  /** Credentials remembered at most (oldest dropped first). */
  maxEntries?: number;
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;
/** `<key_id>.<secret>`: 6 random bytes in hex, 24 in base64url (`POST /api/auth/api-keys`). */
const API_KEY_SHAPE = /^[0-9a-f]{12}\.[\w-]{32}$/;
const MAX_CREDENTIAL_LENGTH = 4_096;

/**
 * Checks credentials of the trade server — a JWT from `POST /api/auth/login` or an API key from
 * `POST /api/auth/api-keys` — by asking the trade server who they stand for (`GET /api/auth/me`)
 * and which accounts that user owns (`GET /api/accounts`). Answers are cached: verified ones for
 * `cacheMs`, refused ones for `refusedMs`, so a client cannot make this ask the trade server at will.
 */
export class TradeIdentityClient {
  /** By the credential's SHA-256 (the credentials themselves are not kept). */
  private readonly cache = new Map<string, { identity?: TradeIdentity; until: number }>();

  private readonly base: string;

  constructor(private readonly options: TradeIdentityOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  /**
   * Whether a text has the shape of a trade-server credential — of one `kind`, or of either — so
   * that nothing else is ever asked about.
   */
  static plausible(credential: string, kind?: 'jwt' | 'api_key'): boolean {
    if (credential.length === 0 || credential.length > MAX_CREDENTIAL_LENGTH) return false;
    if (kind === 'jwt') return JWT_SHAPE.test(credential);
    if (kind === 'api_key') return API_KEY_SHAPE.test(credential);
    return JWT_SHAPE.test(credential) || API_KEY_SHAPE.test(credential);
  }

  /** The identity, or undefined when the trade server refuses the credential. */
  async verify(credential: string, now = Date.now()): Promise<TradeIdentity | undefined> {
    if (!TradeIdentityClient.plausible(credential)) return undefined;
    const key = createHash('sha256').update(credential).digest('hex');
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.identity;
    const identity = await this.ask(credential);
    this.remember(key, {
      identity,
      until:
        now + (identity ? (this.options.cacheMs ?? 30_000) : (this.options.refusedMs ?? 5_000)),
    });
    return identity;
  }

  /** Forgets what was cached (e.g. after a password change was announced). */
  clear(): void {
    this.cache.clear();
  }

  private remember(credential: string, entry: { identity?: TradeIdentity; until: number }): void {
    this.cache.delete(credential);
    this.cache.set(credential, entry);
    const max = this.options.maxEntries ?? 10_000;
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value!);
  }

  private async ask(credential: string): Promise<TradeIdentity | undefined> {
    const headers: Record<string, string> = JWT_SHAPE.test(credential)
      ? { authorization: `Bearer ${credential}` }
      : { 'x-api-key': credential };
    const get = async (path: string) => {
      const response = await fetch(`${this.base}${path}`, {
        headers,
        signal: AbortSignal.timeout(5_000),
      });
      if (response.status === 401 || response.status === 403) return undefined;
      if (!response.ok) throw new Error(`trade server ${path}: HTTP ${response.status}`);
      return await response.json();
    };
    const me = (await get('/api/auth/me')) as
      { user_name?: unknown; is_admin?: unknown } | undefined;
    if (!me || typeof me.user_name !== 'string') return undefined;
    const list = await get('/api/accounts');
    const accounts = new Set(
      (Array.isArray(list) ? (list as { account_cookie?: unknown }[]) : []).flatMap((entry) =>
        typeof entry.account_cookie === 'string' ? [entry.account_cookie] : [],
      ),
    );
    return { userName: me.user_name, isAdmin: me.is_admin === true, accounts };
  }
}
