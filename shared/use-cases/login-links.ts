/**
 * Which LMS profile a login is: the one linked to its `sub`, claimed uniquely, made once and never moved by an
 * email change. The link is made when a profile is created for an existing login, when a first SSO sign-in
 * provisions the profile, or when a login first matches a profile by a verified email (`linkByEmail`):
 * - a native login's email must be verified;
 * - a federated login's email must be in one of its identity provider's domains (the provider speaks for
 *   those addresses, and only those);
 * - the profile must not be linked to another login.
 * A login that links to nobody is a caller with no LMS identity.
 */
import type { LoginAccount } from '../domain/access.ts';
import { ConflictError, StaleVersionError } from '../domain/errors.ts';
import type { Actor } from '../domain/principal.ts';
import { type LinkedLogin, normaliseEmail, type User } from '../domain/user.ts';
import { auditChange } from './context.ts';
import type {
  AdminSeats,
  IdentityDirectory,
  IdentityProviderRepository,
  Runtime,
  UserRepository,
} from './ports.ts';

export interface LoginLinkDeps {
  users: Pick<UserRepository, 'get' | 'idByEmail' | 'idByLogin' | 'update'>;
  providers: Pick<IdentityProviderRepository, 'idByName' | 'get'>;
  runtime: Runtime;
}

/** A profile with the login linked to it. */
export type LinkedUser = User & { linkedLogin: LinkedLogin };

export type LinkOutcome = { user: User; linked: boolean } | { user: undefined; reason: string };

/**
 * The profile a login is: the one linked to it, or, when none is yet, the profile its verified email names
 * (linked now). Steps: by `sub` -> else by email, if the login may speak for it -> link, audited.
 */
export async function profileOfLogin(
  deps: LoginLinkDeps,
  actor: Actor,
  account: LoginAccount,
  by: LinkedLogin['by'],
): Promise<LinkOutcome> {
  const linkedId = await deps.users.idByLogin(account.sub);
  const linked = linkedId ? await deps.users.get(linkedId) : undefined;
  if (linked) return { user: linked, linked: false };
  return linkByEmail(deps, actor, account, by);
}

/** Links the login to the profile with its email, when the rules above allow it; otherwise says why not. */
export async function linkByEmail(
  deps: LoginLinkDeps,
  actor: Actor,
  account: LoginAccount,
  by: LinkedLogin['by'],
): Promise<LinkOutcome> {
  if (!account.email) return { user: undefined, reason: 'the login has no email' };
  const userId = await deps.users.idByEmail(account.email);
  const user = userId ? await deps.users.get(userId) : undefined;
  if (!user) return { user: undefined, reason: `no LMS profile has the email ${account.email}` };
  const refusal = await linkRefusal(deps, account, user);
  if (refusal) return { user: undefined, reason: refusal };
  return { user: await linkLogin(deps, actor, user, account, by), linked: true };
}

/** Why this login may not be linked to this profile (or a profile about to be created), or undefined when it may. */
export async function linkRefusal(
  deps: Pick<LoginLinkDeps, 'providers'>,
  account: LoginAccount,
  user: Pick<User, 'email' | 'linkedLogin'>,
): Promise<string | undefined> {
  if (user.linkedLogin && user.linkedLogin.sub !== account.sub)
    return 'the profile is already linked to another login';
  if (!account.email || account.email !== user.email) return 'the login’s email is not the profile’s email';
  if (account.provider) {
    const providerId = await deps.providers.idByName(account.provider);
    const provider = providerId ? await deps.providers.get(providerId) : undefined;
    const domain = account.email.slice(account.email.lastIndexOf('@') + 1);
    if (!provider?.domains.includes(domain))
      return `the email’s domain ${domain} is not one of the domains of the identity provider ${account.provider}`;
    return undefined;
  }
  return account.emailVerified ? undefined : 'the login’s email is not verified';
}

/**
 * Links the login to the profile, audited (`user.login-linked`). The login's claim is conditional: a login
 * already linked to another profile is a ConflictError, and a profile linked meanwhile is re-read: when it
 * is now linked to this very login (a concurrent first sign-in), that is the answer.
 */
export async function linkLogin(
  deps: Pick<LoginLinkDeps, 'users' | 'runtime'>,
  actor: Actor,
  user: User,
  account: LoginAccount,
  by: LinkedLogin['by'],
): Promise<LinkedUser> {
  if (user.linkedLogin?.sub === account.sub) return { ...user, linkedLogin: user.linkedLogin };
  const now = deps.runtime.now().toISOString();
  const after: LinkedUser = {
    ...user,
    linkedLogin: { sub: account.sub, username: account.username, linkedAt: now, by },
    updatedAt: now,
    version: user.version + 1,
  };
  try {
    await deps.users.update(
      user,
      after,
      auditChange(deps.runtime, actor, 'user.login-linked', `user:${user.id}`, user, after),
    );
    return after;
  } catch (error) {
    if (!(error instanceof StaleVersionError || error instanceof ConflictError)) throw error;
    const current = await deps.users.get(user.id);
    if (current?.linkedLogin?.sub === account.sub) return { ...current, linkedLogin: current.linkedLogin };
    throw error;
  }
}

/**
 * The login a new profile with this email is to be linked to as it is created: an existing login with that
 * email that the link rules allow and no other profile holds; null otherwise (it links at first sign-in).
 */
export async function loginForNewProfile(
  deps: Pick<LoginLinkDeps, 'users' | 'providers' | 'runtime'> & {
    directory: Pick<IdentityDirectory, 'account'>;
  },
  email: string,
): Promise<LinkedLogin | null> {
  const account = await deps.directory.account(email);
  if (!account || (await deps.users.idByLogin(account.sub))) return null;
  if (await linkRefusal(deps, account, { email: normaliseEmail(email), linkedLogin: null })) return null;
  return {
    sub: account.sub,
    username: account.username,
    linkedAt: deps.runtime.now().toISOString(),
    by: 'profile-created',
  };
}

export interface LinkLoginsDeps extends LoginLinkDeps {
  directory: Pick<IdentityDirectory, 'logins' | 'groupMembers'>;
  seats: AdminSeats;
}

export interface LinkLoginsResult {
  logins: number;
  linked: number;
  alreadyLinked: number;
  /** Logins that are no one's, by reason (no profile with the email, email not verified, ...). */
  notLinked: Record<string, number>;
  adminSeats: { granted: number; forgotten: number; holders: number };
}

/**
 * The link-logins job: links every existing login to the profile its verified email names, once (a login
 * already linked is left alone, so it can run again and again), then makes the admin seats match the
 * directory's `admin` group: the logins in it whose profile is linked hold a seat, and nobody else does.
 * Runs after each deploy of the user pool and daily, which also picks up changes made in the console.
 */
export async function linkLogins(deps: LinkLoginsDeps, actor: Actor): Promise<LinkLoginsResult> {
  const result: LinkLoginsResult = {
    logins: 0,
    linked: 0,
    alreadyLinked: 0,
    notLinked: {},
    adminSeats: { granted: 0, forgotten: 0, holders: 0 },
  };
  for await (const account of deps.directory.logins()) {
    result.logins++;
    const outcome = await profileOfLogin(deps, actor, account, 'migration');
    if (outcome.user) {
      if (outcome.linked) result.linked++;
      else result.alreadyLinked++;
    } else {
      // Counted by kind of reason: the emails in them would make the job's output personal data.
      const kind = outcome.reason.replace(/\S+@\S+/g, '<email>').replace(/domain \S+/g, 'domain <domain>');
      result.notLinked[kind] = (result.notLinked[kind] ?? 0) + 1;
    }
  }
  const admins = new Set<string>();
  for (const member of await deps.directory.groupMembers('admin')) {
    const userId = await deps.users.idByLogin(member.sub);
    if (userId) admins.add(userId);
  }
  const seated = new Set(await deps.seats.holders());
  for (const userId of admins) {
    if (seated.has(userId)) continue;
    await deps.seats.grant(userId);
    result.adminSeats.granted++;
  }
  for (const userId of seated) {
    if (admins.has(userId)) continue;
    await deps.seats.forget(userId);
    result.adminSeats.forgotten++;
  }
  result.adminSeats.holders = admins.size;
  return result;
}
