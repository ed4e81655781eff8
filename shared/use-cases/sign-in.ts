/**
 * What happens in the LMS when someone signs up or in (Cognito triggers): a suspended LMS profile gets no
 * login and no token, a federated first sign-in is linked or provisioned, the tokens get the LMS claims (and
 * carry a native admin's admin group only right after a sign-in Cognito challenged with TOTP), and each
 * sign-in is recorded for troubleshooting.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type LoginAccount, loginAccount } from '../domain/access.ts';
import { BusinessRuleError, ConflictError, OutOfScopeError, StaleVersionError } from '../domain/errors.ts';
import { COGNITO_ATTRIBUTE } from '../domain/identity-provider.ts';
import type { Actor } from '../domain/principal.ts';
import { ROLES, type Role } from '../domain/principal.ts';
import type { LinkedLogin, User } from '../domain/user.ts';
import { addStaticMembers } from './cohorts.ts';
import { type DepartmentMatch, matchDepartment } from './departments.ts';
import { type LoginLinkDeps, linkByEmail, linkRefusal, profileOfLogin } from './login-links.ts';
import type {
  AdminSeats,
  CohortRepository,
  IdentityDirectory,
  IdentityProviderRepository,
  LoginLinker,
  SignInHistory,
  UserRepository,
} from './ports.ts';
import { createUser, type UserDeps, updateUser } from './users.ts';

export type SignInDeps = UserDeps &
  LoginLinkDeps & {
    signIns: SignInHistory;
  };

/**
 * Claims the pre-token-generation trigger adds, from the profile the login is ({@link profileOfLogin}: by
 * `sub`, linked by verified email at a first sign-in); groups are the login's Cognito groups when Cognito
 * sends them. A login that is no one's gets a token without LMS claims, and no LMS access.
 */
export async function lmsClaims(
  deps: SignInDeps,
  actor: Actor,
  account: LoginAccount,
  groups: readonly string[] | undefined,
): Promise<Record<string, string>> {
  const { user } = await profileOfLogin(deps, actor, account, 'verified-email');
  if (!user) return {};
  if (user.status === 'suspended') {
    // Kept in the person's history, so the sign-ins report and the access check can say why.
    await deps.signIns.record({
      userId: user.id,
      at: deps.runtime.now().toISOString(),
      clientId: null,
      outcome: 'refused',
      reason: 'suspended',
      method: signInMethod(account),
    });
    throw new OutOfScopeError('Your LMS account is suspended. Contact your LMS administrator.');
  }
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
export async function tokenClaims(deps: TokenDeps, actor: Actor, request: TokenRequest): Promise<TokenShape> {
  const account = loginAccount(request.userName, request.userAttributes);
  const withoutAdmin = request.groups?.filter((group) => group !== 'admin');
  const gate = await adminMfaGate(deps, request, account);
  if (!gate || !withoutAdmin) return { claims: await lmsClaims(deps, actor, account, request.groups) };
  const claims = await lmsClaims(deps, actor, account, withoutAdmin);
  return { claims: { ...claims, [ADMIN_MFA_CLAIM]: gate }, groups: withoutAdmin };
}

/** Why the admin group is held back from this token, or undefined when it is not. */
async function adminMfaGate(
  deps: TokenDeps,
  request: TokenRequest,
  account: LoginAccount,
): Promise<AdminMfaGate | undefined> {
  if (deps.adminMfa !== 'required' || !request.groups?.includes('admin')) return undefined;
  if (account.provider) return undefined;
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
 * After a sign-in: the profile the login is ({@link profileOfLogin}) records it in its history (unless
 * suspended: {@link lmsClaims} refuses its token next, and records that). When the
 * login's email changed at the IdP (or was changed and verified in Cognito), the profile follows it as an
 * audited change, if the new address may speak for the profile (verified, or in the provider's domains) and
 * no other profile holds it; the link itself never moves.
 */
export async function recordSignIn(
  deps: SignInDeps,
  actor: Actor,
  account: LoginAccount,
  clientId: string | null,
  logger?: Pick<Logger, 'warn'>,
): Promise<{ userId?: string; emailFollowed?: boolean }> {
  const { user } = await profileOfLogin(deps, actor, account, 'verified-email');
  if (!user) return {};
  // Cognito runs this before the token's trigger, which refuses a suspended profile and records the refusal.
  if (user.status !== 'suspended')
    await deps.signIns.record({
      userId: user.id,
      at: deps.runtime.now().toISOString(),
      clientId,
      outcome: 'succeeded',
      reason: null,
      method: signInMethod(account),
    });
  if (!account.email || account.email === user.email) return { userId: user.id };
  const refusal = await linkRefusal(deps, account, { ...user, email: account.email });
  if (refusal) {
    logger?.warn('The login’s new email was not copied to the profile', { userId: user.id, reason: refusal });
    return { userId: user.id, emailFollowed: false };
  }
  try {
    await updateUser(deps, actor, user.id, user.version, { email: account.email });
    return { userId: user.id, emailFollowed: true };
  } catch (error) {
    if (!(error instanceof ConflictError || error instanceof StaleVersionError)) throw error;
    logger?.warn('The login’s new email was not copied to the profile', {
      userId: user.id,
      reason: error.message,
    });
    return { userId: user.id, emailFollowed: false };
  }
}

function signInMethod(account: LoginAccount): 'password' | 'federated' {
  return account.provider ? 'federated' : 'password';
}

export interface SignUpDeps {
  users: Pick<UserRepository, 'get' | 'idByEmail'>;
  providers: Pick<IdentityProviderRepository, 'byDomain'>;
  linker: LoginLinker;
}

/**
 * Before Cognito creates a login: a suspended LMS profile gets none (by the email signing up: there is no
 * login yet to know it by). A federated sign-in (Cognito's user name is `<provider>_<id>`) whose email domain
 * is routed to that provider, by a person who already has a native login, is linked to it instead of becoming
 * a second account; but never to a native login in the `admin` group unless the provider is trusted for
 * administrators (`trustedForAdmins`), so an IdP account cannot become an LMS admin by naming an admin's
 * email. Such a sign-in gets a login of its own, with no LMS profile.
 */
export async function admitSignUp(
  deps: SignUpDeps,
  signUp: { source: string; userPoolId: string; userName: string; email: string | undefined },
): Promise<{ linkedTo?: string; refusedAdminLink?: string }> {
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
  if (!routed.trustedForAdmins && (await deps.linker.groupsOf(signUp.userPoolId, native)).includes('admin'))
    return { refusedAdminLink: native };
  await deps.linker.link(signUp.userPoolId, native, routed.name, providerUserId);
  return { linkedTo: native };
}

export type ProvisionDeps = UserDeps & {
  providers: Pick<IdentityProviderRepository, 'idByName' | 'get'>;
  cohorts: CohortRepository;
  directory: Pick<IdentityDirectory, 'setRoleGroups'>;
  seats: Pick<AdminSeats, 'grant'>;
};

/**
 * A person's first sign-in through an identity provider (Cognito user name `<provider>_<id>`): their LMS
 * profile is created from the IdP's attributes, linked to the login, in the department the IdP names when
 * exactly one matches ({@link matchDepartment}; otherwise in none, and the outcome says why), and the
 * provider's group rules give their roles (learner when none matches) and static cohorts. Someone who
 * already has a profile keeps it as it is, linked to this login when the link rules allow
 * ({@link linkByEmail}). A provider speaks only for its own domains: an email outside them gets no profile.
 */
export async function provisionFederatedUser(
  deps: ProvisionDeps,
  actor: Actor,
  signUp: { userName: string; attributes: Record<string, string | undefined> },
): Promise<{ userId?: string; roles?: Role[]; department?: DepartmentMatch; refused?: string }> {
  const account = loginAccount(signUp.userName, signUp.attributes);
  const email = account.email;
  if (!email || !account.provider) return {};
  const providerId = await deps.providers.idByName(account.provider);
  const provider = providerId ? await deps.providers.get(providerId) : undefined;
  if (!provider) return {};
  if (await deps.users.idByEmail(email)) {
    const outcome = await linkByEmail(deps, actor, account, 'verified-email');
    return outcome.user ? { userId: outcome.user.id } : { refused: outcome.reason };
  }
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (!provider.domains.includes(domain))
    return { refused: `the email’s domain ${domain} is not one of ${provider.name}’s domains` };
  const login: LinkedLogin = {
    sub: account.sub,
    username: account.username,
    linkedAt: deps.runtime.now().toISOString(),
    by: 'provisioned',
  };
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
    user = await createUser(
      deps,
      actor,
      { ...profile, departmentId: department.matched ? department.departmentId : null },
      { login },
    );
  } catch (error) {
    // The only business rule of this write is the department's existence: it was deleted since the match.
    // The person still gets in, without it.
    if (!department.matched || !(error instanceof BusinessRuleError)) throw error;
    department = { matched: false, reason: `department ${department.departmentId} was deleted meanwhile` };
    user = await createUser(deps, actor, profile, { login });
  }
  const granted: Role[] = roles.length > 0 ? roles : ['learner'];
  if (granted.includes('admin')) await deps.seats.grant(user.id);
  await deps.directory.setRoleGroups(signUp.userName, granted);
  for (const cohortId of new Set(rules.flatMap((rule) => rule.cohortIds)))
    await addStaticMembers(deps, actor, cohortId, [user.id]);
  return { userId: user.id, roles: granted, department };
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
