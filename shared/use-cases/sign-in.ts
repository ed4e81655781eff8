/**
 * What happens in the LMS when someone signs in (Cognito triggers): the ID token gets the LMS claims, a
 * suspended LMS profile gets no token at all, and each sign-in is recorded for troubleshooting.
 */
import { OutOfScopeError } from '../domain/errors.ts';
import { ROLES } from '../http/route.ts';
import type {
  IdentityProviderRepository,
  LoginLinker,
  Runtime,
  SignInHistory,
  UserRepository,
} from './ports.ts';

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

export interface SignUpDeps extends Pick<SignInDeps, 'users'> {
  providers: Pick<IdentityProviderRepository, 'byDomain'>;
  linker: LoginLinker;
}

/**
 * Before Cognito creates a login: a suspended LMS profile gets none. A federated sign-in (Cognito's user name
 * is `<provider>_<id>`) whose email domain is routed to that provider, by a person who already has a native
 * login, is linked to it instead of becoming a second account.
 */
export async function admitSignUp(
  deps: SignUpDeps,
  signUp: { source: string; userPoolId: string; userName: string; email: string | undefined },
): Promise<{ linkedTo?: string }> {
  const userId = signUp.email ? await deps.users.idByEmail(signUp.email) : undefined;
  const user = userId ? await deps.users.get(userId) : undefined;
  if (user?.status === 'suspended')
    throw new OutOfScopeError('Your LMS account is suspended. Contact your LMS administrator.');
  if (signUp.source !== 'PreSignUp_ExternalProvider' || !signUp.email) return {};
  const separator = signUp.userName.indexOf('_');
  const provider = signUp.userName.slice(0, separator);
  const providerUserId = signUp.userName.slice(separator + 1);
  const routed = await deps.providers.byDomain(
    signUp.email.slice(signUp.email.lastIndexOf('@') + 1).toLowerCase(),
  );
  // Only the provider the email's domain is routed to speaks for that address.
  if (separator <= 0 || routed?.name.toLowerCase() !== provider.toLowerCase()) return {};
  const native = await deps.linker.nativeLogin(signUp.userPoolId, signUp.email);
  if (!native) return {};
  await deps.linker.link(signUp.userPoolId, native, routed.name, providerUserId);
  return { linkedTo: native };
}
