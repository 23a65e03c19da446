import { login } from './login-policy';
import { hashPassword } from './password';
import { TradeUser, UserRepository } from './user.repository';

/** A user table of one user, in memory (the repository's methods that login calls). */
class OneUser {
  constructor(private readonly user: TradeUser) {}
  findUser(name: string) {
    return Promise.resolve(name === this.user.user_name ? this.user : undefined);
  }
  recordFailure() {
    return Promise.resolve(1);
  }
  clearFailures() {
    return Promise.resolve();
  }
  accountsOf() {
    return Promise.resolve([]);
  }
}

describe('login policy', () => {
  it('hashes once for an unknown user as for a known one, and answers both alike', async () => {
    const users = new OneUser({
      user_name: 'alice',
      password_hash: await hashPassword('right'),
      failed_logins: 0,
      locked_until: null,
      is_admin: false,
      credentials_changed_at: null,
    }) as unknown as UserRepository;
    const hashed: string[] = [];
    const verify = (password: string, hash: string) => {
      hashed.push(hash.split('$')[0] ?? '');
      return Promise.resolve(false);
    };
    const known = await login(users, 'alice', 'wrong', 0, undefined, verify);
    const unknown = await login(users, 'mallory', 'wrong', 0, undefined, verify);
    expect(hashed).toEqual(['scrypt', 'scrypt']);
    expect(unknown).toEqual(known);
  });
});
