/**
 * Roles and login troubleshooting. Roles are Cognito groups: assigning them changes the person's login, and
 * the audit record says who changed what and why. "Why can't this person get in" reads the LMS profile and
 * the login together and says, in the administrator's words, what stands in the way.
 */
import { type AccessReport, LOGIN_HISTORY_DAYS, type Login } from '../domain/access.ts';
import { ConflictError, NotFoundError, OutOfScopeError } from '../domain/errors.ts';
import { type Actor, isSelf, ROLES, type Role } from '../domain/principal.ts';
import type { LinkedLogin, ScimProvisioning, User } from '../domain/user.ts';
import { accessScope, canSeeUser } from './access-scope.ts';
import { auditChange } from './context.ts';
import { type EnrollmentDeps, explainEnrollment } from './enrollment.ts';
import { type LoginLinkDeps, linkLogin, linkRefusal, profileOfLogin } from './login-links.ts';
import type { AdminSeats, AuditTrail, IdentityDirectory, SignInHistory } from './ports.ts';
import { createUser, reactivateUser, type UserDeps } from './users.ts';

export type IdentityDeps = EnrollmentDeps &
  LoginLinkDeps & {
    directory: IdentityDirectory;
    audit: AuditTrail;
    signIns: SignInHistory;
    seats: AdminSeats;
  };

/**
 * The login a profile is: the one linked to it; when none is yet, the login with its email, linked now if the
 * link rules allow ({@link linkRefusal}). `reason` says why there is none to use.
 */
export async function loginOfProfile(
  deps: Pick<IdentityDeps, 'directory' | 'users' | 'providers' | 'runtime'>,
  actor: Actor,
  user: User,
): Promise<
  | { login: Login; linkedLogin: LinkedLogin; found?: undefined; reason?: undefined }
  | { login: undefined; found?: Login; reason: string }
> {
  if (user.linkedLogin) {
    const login = await deps.directory.login(user.linkedLogin.username);
    return login
      ? { login, linkedLogin: user.linkedLogin }
      : {
          login: undefined,
          reason: `The linked sign-in account ${user.linkedLogin.username} no longer exists.`,
        };
  }
  const account = await deps.directory.account(user.email);
  if (!account) return { login: undefined, reason: `No sign-in account exists for ${user.email}.` };
  const refusal = await linkRefusal(deps, account, user);
  const found = await deps.directory.login(account.username);
  if (refusal || !found)
    return {
      login: undefined,
      ...(found ? { found } : {}),
      reason: `A sign-in account has the email ${user.email}, but it is not linked to this profile: ${refusal ?? 'it was removed meanwhile'}.`,
    };
  const linked = await linkLogin(deps, actor, user, account, 'verified-email');
  return { login: found, linkedLogin: linked.linkedLogin };
}

/**
 * Steps: the person and their login exist -> nobody removes a role of their own -> the admin seat follows
 * (refused when it is the last active administrator's) -> groups set -> audited -> a removed role signs the
 * login out everywhere. A failed step puts back what the earlier ones changed: no unaudited change.
 */
export async function setUserRoles(
  deps: IdentityDeps,
  actor: Actor,
  userId: string,
  input: { roles: readonly Role[]; reason: string },
) {
  const user = await deps.users.get(userId);
  if (!user) throw new NotFoundError('user', userId);
  const { login } = await loginOfProfile(deps, actor, user);
  if (!login) {
    throw new ConflictError(
      `${user.email} has no sign-in account linked yet: roles are kept on the account, so create it (or let them sign in through SSO) first.`,
    );
  }
  const before = rolesOf(login);
  const after = ROLES.filter((role) => input.roles.includes(role));
  const removed = before.filter((role) => !after.includes(role));
  const added = after.filter((role) => !before.includes(role));
  if (isSelf(actor.principal, userId) && removed.length > 0) {
    throw new ConflictError('You cannot take a role of your own away; ask another administrator.', [
      { path: 'body.roles', message: `would remove your own ${removed.join(', ')} role` },
    ]);
  }
  const seat = added.includes('admin') ? 'grant' : removed.includes('admin') ? 'revoke' : undefined;
  const undoSeat = async () => {
    if (seat) await deps.seats[seat === 'grant' ? 'revoke' : 'grant'](userId);
  };
  if (seat) await deps.seats[seat](userId);
  try {
    await deps.directory.setRoleGroups(login.username, after);
  } catch (error) {
    await undoSeat();
    throw error;
  }
  try {
    await deps.audit.append(
      auditChange(
        deps.runtime,
        actor,
        'user.roles-changed',
        `user:${userId}`,
        { roles: before },
        { roles: after, reason: input.reason },
      ),
    );
  } catch (error) {
    await deps.directory.setRoleGroups(login.username, before);
    await undoSeat();
    throw error;
  }
  // Tokens issued before carry the removed role until they expire: end the login's sessions now.
  const signedOut = removed.length > 0 ? await deps.directory.signOut(login.username) : undefined;
  return { userId, roles: after, added, removed, ...(signedOut ? { signedOut } : {}) };
}

/** Why this person can or cannot get in (and, with a course, why they can or cannot take it). */
export async function accessReport(
  deps: IdentityDeps,
  actor: Actor,
  userId: string,
  courseId: string | undefined,
): Promise<AccessReport> {
  const user = await deps.users.get(userId);
  if (!user) throw new NotFoundError('user', userId);
  const scope = await accessScope(actor.principal, deps);
  if (!canSeeUser(scope, user)) throw new OutOfScopeError(`The user ${userId} is outside what you may see.`);
  const [linked, lastSignIns] = await Promise.all([
    loginOfProfile(deps, actor, user),
    deps.signIns.recent(userId, RECENT_SIGN_INS),
  ]);
  // An unlinked login found by email is shown, so the administrator sees what stands in the way.
  const login = linked.login ?? linked.found ?? null;
  const roles = login ? rolesOf(login) : [];
  const reasons: string[] = [];
  if (user.status === 'suspended') {
    reasons.push(
      `The LMS profile is suspended${user.suspendedAt ? ` since ${user.suspendedAt.slice(0, 10)}` : ''}${user.suspensionReason ? `: ${user.suspensionReason}` : ''}. Reactivate it to let them in.`,
    );
  }
  if (user.scim) reasons.push(scimReason(user.scim));
  if (!linked.login)
    reasons.push(
      linked.found
        ? `${linked.reason} The person gets no LMS access until it is.`
        : `${linked.reason} An administrator creates it, or the person signs in through SSO once.`,
    );
  if (login) {
    if (!login.enabled) reasons.push('The sign-in account is disabled.');
    const status = STATUS_REASONS[login.status];
    if (status) reasons.push(status);
    if (!login.emailVerified && login.identities.length === 0)
      reasons.push('The email address is not verified: password resets cannot reach it.');
    for (const identity of login.identities)
      reasons.push(`Signs in through ${identity.provider} (as ${identity.userId}).`);
    if (roles.length === 0)
      reasons.push('The account has no LMS role: sign-in works, but every request answers 403.');
    if (
      roles.includes('admin') &&
      login.status !== 'EXTERNAL_PROVIDER' &&
      !login.mfa.includes('SOFTWARE_TOKEN_MFA')
    )
      reasons.push(
        'Holds the admin role but has no authenticator app (TOTP): where admin MFA is required (in AWS), their tokens leave the admin role out until they set one up.',
      );
    const last = lastSignIns[0];
    reasons.push(
      last
        ? `Last signed in ${last.at.slice(0, 16).replace('T', ' ')} UTC.`
        : `No sign-in recorded in the last ${LOGIN_HISTORY_DAYS} days.`,
    );
    const failures = (login.recentSignIns ?? []).filter((event) => event.outcome === 'Fail');
    if (failures.length > 0)
      reasons.push(
        `${failures.length} of the last ${login.recentSignIns?.length} sign-in attempts failed, the latest on ${failures[0]?.at.slice(0, 16).replace('T', ' ')} UTC.`,
      );
  }
  const usable = linked.login;
  const canSignIn =
    user.status === 'active' &&
    usable !== undefined &&
    usable.enabled &&
    SIGN_IN_STATUSES.has(usable.status) &&
    roles.length > 0;
  if (canSignIn) reasons.unshift('Nothing stands in the way: the person can sign in.');
  const course = courseId ? await explainEnrollment(deps, actor, userId, courseId) : null;
  return {
    userId,
    email: user.email,
    lmsStatus: user.status,
    roles,
    linkedLogin: linked.login ? linked.linkedLogin : null,
    login,
    scim: user.scim,
    lastSignIns,
    canSignIn,
    reasons,
    course,
  };
}

/** Sign-ins shown in the report. */
const RECENT_SIGN_INS = 5;

/** The identity provider's hold on the person, in words: their profile follows the directory. */
function scimReason(scim: ScimProvisioning): string {
  const day = (at: string) => `${at.slice(0, 16).replace('T', ' ')} UTC`;
  const since = `Provisioned by an identity provider (SCIM) as ${scim.userName} since ${day(scim.provisionedAt)}`;
  return scim.deletedAt
    ? `${since}; deleted by it ${day(scim.deletedAt)}, which suspended the profile.`
    : `${since}; last updated by it ${day(scim.updatedAt)}. Its next update overwrites fields not marked sticky.`;
}

function rolesOf(login: Login): Role[] {
  return ROLES.filter((role) => login.groups.includes(role));
}

/** Statuses with which a sign-in succeeds (a temporary password is changed on the way in). */
const SIGN_IN_STATUSES = new Set(['CONFIRMED', 'EXTERNAL_PROVIDER', 'FORCE_CHANGE_PASSWORD']);

const STATUS_REASONS: Record<string, string> = {
  FORCE_CHANGE_PASSWORD:
    'The account still has its temporary password: the person must set a new one at their next sign-in.',
  RESET_REQUIRED: 'A password reset is required: the person must use "Forgot password" before signing in.',
  UNCONFIRMED: 'The account is not confirmed yet: the person has not completed sign-up.',
  ARCHIVED: 'The account is archived.',
  COMPROMISED: 'The account is flagged as compromised: its password must be reset.',
};

export type BreakGlassDeps = UserDeps &
  LoginLinkDeps & {
    directory: Pick<IdentityDirectory, 'account' | 'login' | 'setRoleGroups'>;
    audit: AuditTrail;
    seats: AdminSeats;
  };

/**
 * Break glass: gives the login with this email the admin role again when nobody can (every admin suspended,
 * demoted or gone, through the console or a bad import). Run by an operator holding AWS credentials for the
 * table and the user pool (scripts/break-glass.ts), never through the API. Steps: the login exists -> its
 * profile (linked, or linked now by the usual rules, or created for it) -> reactivated if suspended -> the
 * admin group and seat -> audited with the operator's reason. Idempotent.
 */
export async function restoreAdmin(
  deps: BreakGlassDeps,
  actor: Actor,
  input: { email: string; reason: string },
): Promise<{ userId: string; created: boolean; reactivated: boolean; roles: Role[] }> {
  const account = await deps.directory.account(input.email);
  if (!account)
    throw new NotFoundError('sign-in account', `${input.email} (create the login in the user pool first)`);
  let outcome = await profileOfLogin(deps, actor, account, 'verified-email');
  let created = false;
  if (!outcome.user && !(await deps.users.idByEmail(input.email))) {
    const login = {
      sub: account.sub,
      username: account.username,
      linkedAt: deps.runtime.now().toISOString(),
      by: 'profile-created' as const,
    };
    const local = input.email.slice(0, input.email.indexOf('@'));
    const user = await createUser(
      deps,
      actor,
      { email: input.email, givenName: local, familyName: '-' },
      { login },
    );
    outcome = { user, linked: true };
    created = true;
  }
  if (!outcome.user) throw new ConflictError(`The login cannot be linked to the profile: ${outcome.reason}.`);
  const user = outcome.user;
  const reactivated = user.status === 'suspended';
  if (reactivated) await reactivateUser(deps, actor, user.id, undefined);
  const login = await deps.directory.login(account.username);
  const before = login ? rolesOf(login) : [];
  const roles = ROLES.filter((role) => role === 'admin' || before.includes(role));
  await deps.seats.grant(user.id);
  await deps.directory.setRoleGroups(account.username, roles);
  await deps.audit.append(
    auditChange(
      deps.runtime,
      actor,
      'user.admin-restored',
      `user:${user.id}`,
      { roles: before },
      { roles, reason: input.reason },
    ),
  );
  return { userId: user.id, created, reactivated, roles };
}
