import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { serviceUrls } from './service-urls';

/** A PostgreSQL database of its own for one test file (created on the local server, dropped after). */
export class TestDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(prefix = 'test'): Promise<TestDatabase> {
    const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const admin = new Client({ connectionString: serviceUrls.postgres });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serviceUrls.postgres);
    url.pathname = `/${name}`;
    return new TestDatabase(name, url.toString());
  }

  /** Runs one query on this database. */
  async query<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    const admin = new Client({ connectionString: serviceUrls.postgres });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
    await admin.end();
  }
}
