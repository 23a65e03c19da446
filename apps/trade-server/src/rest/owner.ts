import { NotFoundException } from '@nestjs/common';
import type { AccountsService } from '../accounts/accounts.service';
import type { AuthedRequest, RestUser } from './auth.guard';

/** The user the guard authenticated. */
export const userOf = (request: AuthedRequest): RestUser => request.user as RestUser;

/** The caller's own account, else 404 (another user's account does not exist for them). */
export async function ownAccount(
  accounts: AccountsService,
  request: AuthedRequest,
  account: string,
): Promise<string> {
  const user = userOf(request).userName;
  if (!(await accounts.owns(user, account)))
    throw new NotFoundException(`account ${account} not found`);
  return user;
}
