import { migrate, openDatabase } from '@qautlra/platform';
import { serviceUrls } from '@qautlra/testing';
import { randomUUID } from 'node:crypto';
import { login } from '../src/auth/login-policy';
import { hashPassword } from '../src/auth/password';
import {
  TRADE_USER_MIGRATIONS,
  TradeUserDatabase,
  UserRepository,
} from '../src/auth/user.repository';

describe.each([
  ['PostgreSQL', serviceUrls.postgres],
  ['PGlite', undefined],
])('trade-server users on %s', (_name, url) => {
  it('logs in with the right password only, locks after repeated failures, and lists only the user’s accounts', async () => {
    const handle = await openDatabase<TradeUserDatabase>({ url });
    const alice = `alice-${randomUUID()}`;
    const bob = `bob-${randomUUID()}`;
    try {
      await migrate(handle.db, TRADE_USER_MIGRATIONS, 'trade_server_migration');
      const users = new UserRepository(handle.db);
      await users.createUser(alice, await hashPassword('right'));
      await users.createUser(bob, await hashPassword('other'));
      await users.createAccount({ account_cookie: `${alice}-a`, user_name: alice, broker: 'sim' });
      await users.createAccount({ account_cookie: `${alice}-b`, user_name: alice, broker: 'sim' });
      await users.createAccount({ account_cookie: `${bob}-a`, user_name: bob, broker: 'sim' });

      const now = Date.UTC(2025, 2, 28, 2, 0);
      const good = await login(users, alice, 'right', now);
      expect(good).toMatchObject({ ok: true, userName: alice });
      expect(good.ok && good.accounts.map((a) => a.account_cookie)).toEqual([
        `${alice}-a`,
        `${alice}-b`,
      ]);
      expect(await login(users, 'nobody', 'right', now)).toMatchObject({
        ok: false,
        reason: 'BAD_CREDENTIALS',
      });

      const policy = { maxFailures: 3, lockMs: 60_000 };
      for (let i = 0; i < 3; i += 1)
        expect(await login(users, alice, 'wrong', now, policy)).toMatchObject({
          ok: false,
          reason: 'BAD_CREDENTIALS',
        });
      expect(await login(users, alice, 'right', now + 1_000, policy)).toMatchObject({
        ok: false,
        reason: 'LOCKED',
      });
      expect(await login(users, alice, 'right', now + 61_000, policy)).toMatchObject({ ok: true });
      expect((await users.findUser(alice))?.failed_logins).toBe(0);

      expect(await users.setAccountState(`${bob}-a`, 'HALTED')).toBe(true);
      expect((await users.findAccount(`${bob}-a`))?.state).toBe('HALTED');
      expect(await users.setAccountState('missing', 'HALTED')).toBe(false);
    } finally {
      await handle.db.deleteFrom('trade_user').where('user_name', 'in', [alice, bob]).execute();
      await handle.close();
    }
  });
});
