/**
 * What happens in the LMS when someone signs in (Cognito triggers): the ID token gets the LMS claims, a
 * suspended LMS profile gets no token at all, and each sign-in is recorded for troubleshooting.
 */
import { OutOfScopeError } from '../domain/errors.ts';
import { ROLES } from '../http/route.ts';
import type { Runtime, SignInHistory, UserRepository } from './ports.ts';

export interface SignInDeps {
  users: Pick<UserRepository, 'get' | 'idByEmail'>;
  signIns: SignInHistory;
  runtime: Runtime;
}

/** Claims the pre-token-generation trigger adds; groups are the login's Cognito groups when Cognito sends them. */
export async function lmsClaims(
  deps: SignInDeps,
  email: string | undefined,
  groups: readonly string[] | undefined,
): Promise<Record<string, string>> {
  const userId = email ? await deps.users.idByEmail(email) : undefined;
  const user = userId ? await deps.users.get(userId) : undefined;
  // No LMS profile yet (a first SSO sign-in before provisioning): a token without LMS claims.
  if (!user) return {};
  if (user.status === 'suspended')
    throw new OutOfScopeError('Your LMS account is suspended. Contact your LMS administrator.');
  return {
    lms_user_id: user.id,
    ...(user.departmentId ? { lms_department_id: user.departmentId } : {}),
    ...(groups ? { lms_roles: ROLES.filter((role) => groups.includes(role)).join(',') } : {}),
  };
}

export async function recordSignIn(deps: SignInDeps, email: string | undefined, clientId: string | null) {
  const userId = email ? await deps.users.idByEmail(email) : undefined;
  if (!userId) return false;
  await deps.signIns.record({ userId, at: deps.runtime.now().toISOString(), clientId });
  return true;
}
