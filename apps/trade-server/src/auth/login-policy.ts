import { randomUUID } from 'node:crypto';
import { hashPassword, verifyPassword } from './password';
import { TradeAccount, UserRepository } from './user.repository';

export interface LoginPolicy {
  /** Consecutive failures that lock a user. */
  maxFailures: number;
  /** How long a lock lasts, ms. */
  lockMs: number;
}

/** A hash no password matches, checked for unknown users so that they take as long as known ones. */
let dummyHash: Promise<string> | undefined;

export const DEFAULT_LOGIN_POLICY: LoginPolicy = { maxFailures: 5, lockMs: 15 * 60_000 };

export type LoginResult =
  | { ok: true; userName: string; accounts: TradeAccount[] }
  | { ok: false; reason: 'BAD_CREDENTIALS' | 'LOCKED'; message: string };

/**
 * Checks a user name and password. A wrong password counts a failure; `maxFailures` in a row lock
 * the user for `lockMs` (even the right password is refused while locked); a success clears the
 * count. An unknown user and a wrong password get the same answer.
 */
export async function login(
  users: UserRepository,
  userName: string,
  password: string,
  nowMs: number,
  policy: LoginPolicy = DEFAULT_LOGIN_POLICY,
  verify: (password: string, hash: string) => Promise<boolean> = verifyPassword,
): Promise<LoginResult> {
  const user = await users.findUser(userName);
  if (user?.locked_until && user.locked_until.getTime() > nowMs)
    return {
      ok: false,
      reason: 'LOCKED',
      message: `用户登录失败: locked after ${policy.maxFailures} failed logins until ${user.locked_until.toISOString()}`,
    };
  // An unknown user costs one scrypt like a known one: the answer time does not tell who exists.
  const matches = user
    ? await verify(password, user.password_hash)
    : await verify(password, await (dummyHash ??= hashPassword(randomUUID()))).then(() => false);
  if (!user || !matches) {
    if (user) {
      const lock =
        user.failed_logins + 1 >= policy.maxFailures ? new Date(nowMs + policy.lockMs) : undefined;
      await users.recordFailure(user.user_name, lock);
    }
    return {
      ok: false,
      reason: 'BAD_CREDENTIALS',
      message: '用户登录失败: wrong user name or password',
    };
  }
  if (user.failed_logins > 0 || user.locked_until) await users.clearFailures(user.user_name);
  return { ok: true, userName: user.user_name, accounts: await users.accountsOf(user.user_name) };
}
