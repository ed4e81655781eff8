/**
 * What happens in the LMS when someone signs up or in (Cognito triggers): a suspended LMS profile gets no
 * login and no token, a federated first sign-in is linked or provisioned, the ID token gets the LMS claims,
 * and each sign-in is recorded for troubleshooting.
 */
import { OutOfScopeError } from '../domain/errors.ts';
import { ROLES, type Role } from '../http/route.ts';
import { addStaticMembers } from './cohorts.ts';
import type { Actor } from './context.ts';
import type {
  CohortRepository,
  IdentityDirectory,
  IdentityProviderRepository,
  LoginLinker,
  Runtime,
  SignInHistory,
  UserRepository,
} from './ports.ts';
import { createUser, type UserDeps } from './users.ts';

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

export type ProvisionDeps = UserDeps & {
  providers: Pick<IdentityProviderRepository, 'idByName' | 'get'>;
  cohorts: CohortRepository;
  directory: Pick<IdentityDirectory, 'setRoleGroups'>;
};

/**
 * A person's first sign-in through an identity provider (Cognito user name `<provider>_<id>`): their LMS
 * profile is created from the IdP's attributes, and the provider's group rules give their roles (learner
 * when none matches) and static cohorts. Someone who already has a profile keeps it as it is.
 */
export async function provisionFederatedUser(
  deps: ProvisionDeps,
  actor: Actor,
  signUp: { userName: string; attributes: Record<string, string | undefined> },
): Promise<{ userId?: string; roles?: Role[] }> {
  const email = signUp.attributes.email;
  const separator = signUp.userName.indexOf('_');
  if (!email || separator <= 0) return {};
  const providerId = await deps.providers.idByName(signUp.userName.slice(0, separator));
  const provider = providerId ? await deps.providers.get(providerId) : undefined;
  if (!provider || (await deps.users.idByEmail(email))) return {};
  const groups = parseGroups(signUp.attributes['custom:idp_groups']);
  const rules = provider.groupRules.filter((rule) => groups.includes(rule.group));
  const roles = ROLES.filter((role) => rules.some((rule) => rule.roles.includes(role)));
  const user = await createUser(deps, actor, {
    email,
    givenName: signUp.attributes.given_name || email.slice(0, email.indexOf('@')),
    familyName: signUp.attributes.family_name || '-',
    externalId: signUp.attributes['custom:employee_id'] || undefined,
  });
  const granted: Role[] = roles.length > 0 ? roles : ['learner'];
  await deps.directory.setRoleGroups(signUp.userName, granted);
  for (const cohortId of new Set(rules.flatMap((rule) => rule.cohortIds)))
    await addStaticMembers(deps, actor, cohortId, [user.id]);
  return { userId: user.id, roles: granted };
}

/** The mapped groups attribute: a JSON list, or names separated by commas or spaces (IdPs differ). */
function parseGroups(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // not JSON: a plain list
  }
  return raw
    .replace(/^\[|\]$/g, '')
    .split(/[,\s]+/)
    .filter(Boolean);
}
