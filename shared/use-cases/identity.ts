/**
 * Roles and login troubleshooting. Roles are Cognito groups: assigning them changes the person's login, and
 * the audit record says who changed what and why. "Why can't this person get in" reads the LMS profile and
 * the login together and says, in the administrator's words, what stands in the way.
 */
import { type AccessReport, LOGIN_HISTORY_DAYS, type Login } from '../domain/access.ts';
import { BusinessRuleError, ConflictError, NotFoundError, OutOfScopeError } from '../domain/errors.ts';
import { type Actor, ROLES, type Role } from '../domain/principal.ts';
import { accessScope, canSeeUser } from './access-scope.ts';
import { auditChange } from './context.ts';
import { type EnrollmentDeps, explainEnrollment } from './enrollment.ts';
import type { AuditTrail, IdentityDirectory, SignInHistory } from './ports.ts';

export type IdentityDeps = EnrollmentDeps & {
  directory: IdentityDirectory;
  audit: AuditTrail;
  signIns: SignInHistory;
};

/**
 * Steps: the person and their login exist -> an admin does not take their own admin role away -> groups
 * set -> audited (groups put back if the audit record cannot be written).
 */
export async function setUserRoles(
  deps: IdentityDeps,
  actor: Actor,
  userId: string,
  input: { roles: readonly Role[]; reason: string },
) {
  const user = await deps.users.get(userId);
  if (!user) throw new NotFoundError('user', userId);
  const login = await deps.directory.login(user.email);
  if (!login) {
    throw new ConflictError(
      `${user.email} has no sign-in account yet: roles are kept on the account, so create it (or let them sign in through SSO) first.`,
    );
  }
  const before = rolesOf(login);
  const self =
    actor.principal.email !== null && actor.principal.email.toLowerCase() === user.email.toLowerCase();
  if (self && before.includes('admin') && !input.roles.includes('admin')) {
    throw new BusinessRuleError('You cannot take your own admin role away; ask another administrator.', [
      { path: 'body.roles', message: 'would remove your own admin role' },
    ]);
  }
  const after = ROLES.filter((role) => input.roles.includes(role));
  await deps.directory.setRoleGroups(login.username, after);
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
    // No unaudited change: put the groups back as they were.
    await deps.directory.setRoleGroups(login.username, before);
    throw error;
  }
  return {
    userId,
    roles: after,
    added: after.filter((role) => !before.includes(role)),
    removed: before.filter((role) => !after.includes(role)),
  };
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
  const [found, lastSignIns] = await Promise.all([
    deps.directory.login(user.email),
    deps.signIns.recent(userId, RECENT_SIGN_INS),
  ]);
  const login = found ?? null;
  const roles = login ? rolesOf(login) : [];
  const reasons: string[] = [];
  if (user.status === 'suspended') {
    reasons.push(
      `The LMS profile is suspended${user.suspendedAt ? ` since ${user.suspendedAt.slice(0, 10)}` : ''}${user.suspensionReason ? `: ${user.suspensionReason}` : ''}. Reactivate it to let them in.`,
    );
  }
  if (!login) {
    reasons.push(
      `No sign-in account exists for ${user.email}: an administrator creates it, or the person signs in through SSO once.`,
    );
  } else {
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
  const canSignIn =
    user.status === 'active' &&
    login !== null &&
    login.enabled &&
    SIGN_IN_STATUSES.has(login.status) &&
    roles.length > 0;
  if (canSignIn) reasons.unshift('Nothing stands in the way: the person can sign in.');
  const course = courseId ? await explainEnrollment(deps, actor, userId, courseId) : null;
  return {
    userId,
    email: user.email,
    lmsStatus: user.status,
    roles,
    login,
    lastSignIns,
    canSignIn,
    reasons,
    course,
  };
}

/** Sign-ins shown in the report. */
const RECENT_SIGN_INS = 5;

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
