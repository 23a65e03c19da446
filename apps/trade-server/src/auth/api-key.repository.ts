import type { Kysely } from 'kysely';
import type { TradeStoreDatabase } from '../store/trade-store';

/** REST API keys in SQL: a key's id, owner, label and the SHA-256 of its secret. */
export class ApiKeyRepository {
  constructor(private readonly db: Kysely<TradeStoreDatabase>) {}

  async create(key: { key_id: string; user_name: string; secret_sha256: string; label: string }) {
    await this.db.insertInto('trade_api_key').values(key).execute();
  }

  find(keyId: string): Promise<{ user_name: string; secret_sha256: string } | undefined> {
    return this.db
      .selectFrom('trade_api_key')
      .select(['user_name', 'secret_sha256'])
      .where('key_id', '=', keyId)
      .executeTakeFirst();
  }
}
