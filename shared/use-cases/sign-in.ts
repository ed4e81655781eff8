/**
 * What happens in the LMS when someone signs up or in (Cognito triggers): a suspended LMS profile gets no
 * login and no token, a federated first sign-in is linked or provisioned, the tokens get the LMS claims (and
 * carry a native admin's admin group only right after a sign-in Cognito challenged with TOTP), and each
 * sign-in is recorded for troubleshooting.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { linkedIdentities } from '../domain/access.ts';
import { Id } from '../domain/common.ts';
import { BusinessRuleError, OutOfScopeError } from '../domain/errors.ts';
import { COGNITO_ATTRIBUTE } from '../domain/identity-provider.ts';
import type { Actor } from '../domain/principal.ts';
import { ROLES, type Role } from '../domain/principal.ts';
import type { User } from '../domain/user.ts';
import { addStaticMembers } from './cohorts.ts';
import type {
  CohortRepository,
  DepartmentRepository,
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

/**
 * Whether an `admin` group in a token needs TOTP on the login (`ADMIN_MFA`). `required` in AWS (CDK sets it
 * on the pre-token-generation trigger); unset means `off`, which is what the local stack runs with, because
 * cognito-local has no TOTP and its seeded admin must keep working.
 */
export type AdminMfaSetting = 'required' | 'off';

/** The claim telling the web client why a member of `admin` got a token without the admin role. */
export const ADMIN_MFA_CLAIM = 'lms_admin_mfa';

/**
 * Why a member of `admin` got a token without the admin role ({@link ADMIN_MFA_CLAIM}):
 * - `setup-required`: the login has no TOTP; the web client leads them through TOTP setup.
 * - `reauthenticate`: TOTP is on, but the token comes from a refresh (or a remembered device), which Cognito
 *   does not challenge with TOTP; the web client asks for a fresh sign-in (with TOTP).
 * - `unverified`: the login's MFA methods could not be read.
 */
export type AdminMfaGate = 'setup-required' | 'reauthenticate' | 'unverified';

/** Cognito's name of TOTP in a login's `UserMFASettingList`. */
const TOTP = 'SOFTWARE_TOKEN_MFA';

/**
 * The trigger sources of a token issued right after an interactive sign-in, which Cognito challenges with
 * TOTP when the login has it on: SRP sign-in, the hosted sign-in page, and the answer to a new-password
 * challenge. Not `TokenGeneration_RefreshTokens` (a refresh token skips MFA) nor
 * `TokenGeneration_AuthenticateDevice` (a remembered device skips MFA; the pool tracks no devices today),
 * nor any source Cognito adds later. This holds while the pool's first factor is a password: passwordless
 * first factors (passkeys, email or SMS codes) are not followed by a TOTP challenge, so enabling them means
 * revisiting this list.
 */
const TOTP_CHALLENGED_SOURCES: ReadonlySet<string> = new Set([
  'TokenGeneration_Authentication',
  'TokenGeneration_HostedAuth',
  'TokenGeneration_NewPasswordChallenge',
]);

/** The MFA methods a Cognito login has turned on (`UserMFASettingList` of AdminGetUser, e.g. `SOFTWARE_TOKEN_MFA`). */
export interface LoginMfa {
  enabledMethods(userPoolId: string, username: string): Promise<readonly string[]>;
}

export interface TokenDeps extends SignInDeps {
  adminMfa: AdminMfaSetting;
  loginMfa: LoginMfa;
  logger?: Pick<Logger, 'warn'>;
}

/** What the pre-token-generation trigger knows of the login a token is for (V1 event). */
export interface TokenRequest {
  /** The event's `triggerSource` (`TokenGeneration_Authentication`, `TokenGeneration_RefreshTokens`, ...). */
  source: string;
  userPoolId: string;
  userName: string;
  userAttributes: Readonly<Record<string, string | undefined>>;
  /** The login's Cognito groups, when Cognito sends them. */
  groups: readonly string[] | undefined;
}

export interface TokenShape {
  claims: Record<string, string>;
  /** The groups the tokens carry instead of the login's own; absent when they carry the login's own. */
  groups?: string[];
}

/**
 * The LMS claims of a token, and its groups when the admin role must be held back. Steps:
 * 1. `ADMIN_MFA=required`, the login is in `admin` and is a native Cognito login: read its MFA methods.
 *    Logins outside `admin` (learners, on every hourly refresh) are never read.
 * 2. No TOTP among them: the token carries the groups without `admin`, and `lms_admin_mfa: setup-required`,
 *    so the person still signs in (never locked out) and the web client can walk them through TOTP setup.
 *    When the methods cannot be read, the admin group is held back too (`lms_admin_mfa: unverified`).
 * 3. TOTP is on: the admin group stays only in a token issued right after a sign-in Cognito challenged with
 *    TOTP ({@link TOTP_CHALLENGED_SOURCES}). A refresh gets the groups without `admin` and
 *    `lms_admin_mfa: reauthenticate`, so admin lasts one ID-token lifetime (1 hour), like sudo. Otherwise a
 *    refresh token taken with the password alone before TOTP was turned on would become admin once it is.
 *    Other groups are refreshed as they are.
 * 4. The LMS claims ({@link lmsClaims}) from the groups the token carries.
 *
 * Federated logins are not checked: their IdP owns MFA. So a native admin whose login an IdP was linked to
 * ({@link admitSignUp}, only for the IdP the email's domain is routed to) keeps admin when signing in
 * through that IdP, under the IdP's MFA; through the password they get this check.
 *
 * Not solved here, as with Cognito's own MFA_SETUP: whoever holds an admin's password before the admin has
 * enrolled TOTP can enrol their own authenticator with that sign-in's access token. The first enrolment
 * must come from the real admin (e.g. right after their invitation).
 */
export async function tokenClaims(deps: TokenDeps, request: TokenRequest): Promise<TokenShape> {
  const withoutAdmin = request.groups?.filter((group) => group !== 'admin');
  const gate = await adminMfaGate(deps, request);
  if (!gate || !withoutAdmin)
    return { claims: await lmsClaims(deps, request.userAttributes.email, request.groups) };
  const claims = await lmsClaims(deps, request.userAttributes.email, withoutAdmin);
  return { claims: { ...claims, [ADMIN_MFA_CLAIM]: gate }, groups: withoutAdmin };
}

/** Why the admin group is held back from this token, or undefined when it is not. */
async function adminMfaGate(deps: TokenDeps, request: TokenRequest): Promise<AdminMfaGate | undefined> {
  if (deps.adminMfa !== 'required' || !request.groups?.includes('admin')) return undefined;
  if (isFederatedLogin(request.userName, request.userAttributes)) return undefined;
  let methods: readonly string[];
  try {
    methods = await deps.loginMfa.enabledMethods(request.userPoolId, request.userName);
  } catch (error) {
    deps.logger?.warn('Could not read the MFA methods of an admin login: admin group held back', {
      userName: request.userName,
      error: (error as Error).name,
    });
    return 'unverified';
  }
  if (!methods.includes(TOTP)) return 'setup-required';
  return TOTP_CHALLENGED_SOURCES.has(request.source) ? undefined : 'reauthenticate';
}

/**
 * A login Cognito holds for an identity provider: status `EXTERNAL_PROVIDER`, or a user name
 * `<ProviderName>_<id>` of one of its `identities`. A native login that a provider was linked to keeps its
 * own user name (and its Cognito MFA), so it is not one.
 */
function isFederatedLogin(userName: string, attributes: TokenRequest['userAttributes']): boolean {
  if (attributes['cognito:user_status'] === 'EXTERNAL_PROVIDER') return true;
  const name = userName.toLowerCase();
  return linkedIdentities(attributes.identities).some(({ provider }) =>
    name.startsWith(`${provider.toLowerCase()}_`),
  );
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

/** How the IdP's department value (`custom:department`) was matched to an LMS department, or why it was not. */
export type DepartmentMatch =
  | { matched: true; departmentId: string; by: 'id' | 'name' }
  | { matched: false; reason: string };

/**
 * A person's first sign-in through an identity provider (Cognito user name `<provider>_<id>`): their LMS
 * profile is created from the IdP's attributes, in the department the IdP names when exactly one matches
 * ({@link matchDepartment}; otherwise in none, and the outcome says why), and the provider's group rules
 * give their roles (learner when none matches) and static cohorts. Someone who already has a profile keeps
 * it as it is.
 */
export async function provisionFederatedUser(
  deps: ProvisionDeps,
  actor: Actor,
  signUp: { userName: string; attributes: Record<string, string | undefined> },
): Promise<{ userId?: string; roles?: Role[]; department?: DepartmentMatch }> {
  const email = signUp.attributes.email;
  const separator = signUp.userName.indexOf('_');
  if (!email || separator <= 0) return {};
  const providerId = await deps.providers.idByName(signUp.userName.slice(0, separator));
  const provider = providerId ? await deps.providers.get(providerId) : undefined;
  if (!provider || (await deps.users.idByEmail(email))) return {};
  const groups = parseGroups(signUp.attributes['custom:idp_groups']);
  const rules = provider.groupRules.filter((rule) => groups.includes(rule.group));
  const roles = ROLES.filter((role) => rules.some((rule) => rule.roles.includes(role)));
  const profile = {
    email,
    givenName: signUp.attributes.given_name || email.slice(0, email.indexOf('@')),
    familyName: signUp.attributes.family_name || '-',
    externalId: signUp.attributes['custom:employee_id'] || undefined,
  };
  let department = await matchDepartment(deps.departments, signUp.attributes[COGNITO_ATTRIBUTE.department]);
  let user: User;
  try {
    user = await createUser(deps, actor, {
      ...profile,
      departmentId: department.matched ? department.departmentId : null,
    });
  } catch (error) {
    // The only business rule of this write is the department's existence: it was deleted since the match.
    // The person still gets in, without it.
    if (!department.matched || !(error instanceof BusinessRuleError)) throw error;
    department = { matched: false, reason: `department ${department.departmentId} was deleted meanwhile` };
    user = await createUser(deps, actor, profile);
  }
  const granted: Role[] = roles.length > 0 ? roles : ['learner'];
  await deps.directory.setRoleGroups(signUp.userName, granted);
  for (const cohortId of new Set(rules.flatMap((rule) => rule.cohortIds)))
    await addStaticMembers(deps, actor, cohortId, [user.id]);
  return { userId: user.id, roles: granted, department };
}

/**
 * The LMS department an IdP's department value stands for: the department with that id, else the one
 * department anywhere in the tree with that name (ignoring case and surrounding whitespace). Names are
 * unique only among siblings, so a name two departments share matches neither. Departments have no
 * external code to match on.
 * @example matchDepartment(departments, ' sales emea ') // { matched: true, departmentId: '…', by: 'name' }
 */
async function matchDepartment(
  departments: Pick<DepartmentRepository, 'get' | 'named'>,
  raw: string | undefined,
): Promise<DepartmentMatch> {
  const value = raw?.trim();
  if (!value) return { matched: false, reason: 'the identity provider sent no department' };
  if (Id.safeParse(value).success) {
    const byId = await departments.get(value.toLowerCase());
    if (byId) return { matched: true, departmentId: byId.id, by: 'id' };
  }
  const named = await departments.named(value);
  const [only] = named;
  if (only && named.length === 1) return { matched: true, departmentId: only.id, by: 'name' };
  return {
    matched: false,
    reason:
      named.length === 0
        ? `no department named "${value}"`
        : `${named.length} departments are named "${value}"`,
  };
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
