/**
 * Erasure: a person's right to be forgotten, on request (`POST /users/{id}/erase`) or by the retention policy.
 * Steps: refuse what must not be erased (already erased, under legal hold, yourself, the last active
 * administrator, a confirmation that does not name them) before anything changes -> delete their login
 * (Cognito) -> anonymise the profile in one transaction with its claims released and the `user.erased`
 * audit record (which holds only the id) -> drop their admin seat -> delete their sign-in history and
 * redact their own audit trail and enrollments. Personal data elsewhere (audit records they made, their attempts' learner
 * name, xAPI statements) is redacted by the next retention run's sweep (`redactPersonalData`), which finds
 * it by their id. Learning records stay, with the id only: the id now names an anonymous profile.
 *
 * Legal hold (`PUT/DELETE /users/{id}/legal-hold`) blocks erasure while it stands.
 */
import {
  BusinessRuleError,
  ConflictError,
  LastAdminError,
  NotFoundError,
  StaleVersionError,
} from '../domain/errors.ts';
import { type Actor, actorId, isSelf } from '../domain/principal.ts';
import type { User } from '../domain/user.ts';
import { auditChange } from './context.ts';
import type { AdminSeats, Runtime, UserRepository } from './ports.ts';

/** What replaces a personal value wherever one is redacted. */
export const REDACTED = '[erased]';

/** The name an erased profile shows (given and family name), so reports read "Erased person". */
export const ERASED_NAME = { givenName: 'Erased', familyName: 'person' } as const;

/** A non-routable address (RFC 2606 `.invalid`), unique per person, so the profile still has an email. */
export function erasedEmail(userId: string): string {
  return `erased-${userId}@erased.invalid`;
}

/** The typed confirmation `POST /users/{id}/erase` needs: `erase <their email>`. */
export function erasePhrase(user: Pick<User, 'email'>): string {
  return `erase ${user.email}`;
}

/** The person's login in the sign-in directory (Cognito). */
export interface LoginEraser {
  /** Deletes the login (AdminDeleteUser); `none` when there is none by that name. */
  deleteLogin(username: string): Promise<'deleted' | 'none'>;
}

/** The personal data kept beside the profile, reachable by the person's id. */
export interface PersonalDataStore {
  /** Deletes the person's sign-in history; answers how many sign-ins went. */
  deleteSignIns(userId: string): Promise<number>;
  /**
   * Redacts the records reachable by the person's id: their own audit trail (`user:<id>`) and their
   * enrollments, where `values` (their email, external id, login) are also redacted wherever they appear.
   * Answers how many records changed.
   */
  redactOwnRecords(userId: string, values: ReadonlySet<string>): Promise<number>;
}

export interface ErasureDeps {
  users: UserRepository;
  adminSeats: Pick<AdminSeats, 'holds' | 'activeCount' | 'forget'>;
  logins: LoginEraser;
  personalData: PersonalDataStore;
  runtime: Runtime;
}

/** What one erasure did, as `POST /users/{id}/erase` answers it (ids and counts only). */
export interface ErasureReport {
  user: User;
  login: 'deleted' | 'none';
  signInsDeleted: number;
  recordsRedacted: number;
}

/** The person is under legal hold: nobody erases them until the hold is released. */
export class LegalHoldError extends ConflictError {
  constructor(user: User) {
    super(
      `The user ${user.id} is under legal hold (${user.legalHold?.reason}, set by ${user.legalHold?.setBy} on ${user.legalHold?.setAt.slice(0, 10)}): release the hold before erasing them.`,
      [{ path: 'legalHold', message: user.legalHold?.reason ?? 'under legal hold' }],
    );
  }
}

/**
 * Erases a person. `confirm` is what the admin typed (`erase <email>`); the retention policy passes
 * `{ byPolicy: true }` instead.
 */
export async function erasePerson(
  deps: ErasureDeps,
  actor: Actor,
  id: string,
  confirmation: { confirm: string } | { byPolicy: true },
): Promise<ErasureReport> {
  const before = await deps.users.get(id);
  if (!before) throw new NotFoundError('user', id);
  if (before.erasedAt) throw new ConflictError(`The user ${id} was already erased on ${before.erasedAt}.`);
  if (before.legalHold) throw new LegalHoldError(before);
  if (isSelf(actor.principal, id))
    throw new ConflictError('You cannot erase yourself; ask another administrator.');
  if ('confirm' in confirmation && confirmation.confirm !== erasePhrase(before))
    throw new BusinessRuleError(
      `Type "erase <their email>" to confirm erasing this person: it cannot be undone.`,
      [{ path: 'body.confirm', message: 'must be "erase " followed by the person\'s email' }],
    );
  // Checked before the login goes; the profile's transaction checks it again on the count itself.
  if (
    before.status === 'active' &&
    (await deps.adminSeats.holds(id)) &&
    (await deps.adminSeats.activeCount()) <= 1
  )
    throw new LastAdminError(id);

  const login = await deps.logins.deleteLogin(before.linkedLogin?.username ?? before.email);
  const now = deps.runtime.now().toISOString();
  const after = anonymised(before, now);
  await deps.users.update(
    before,
    after,
    // The audit record names the person by id only: nothing in it identifies them.
    auditChange(deps.runtime, actor, 'user.erased', `user:${id}`, null, {
      id,
      erasedAt: now,
      byPolicy: 'byPolicy' in confirmation,
    }),
  );
  if (await deps.adminSeats.holds(id)) await deps.adminSeats.forget(id);
  const signInsDeleted = await deps.personalData.deleteSignIns(id);
  const recordsRedacted = await deps.personalData.redactOwnRecords(id, identifyingValues(before));
  return { user: after, login, signInsDeleted, recordsRedacted };
}

/** What names the person in text, lower-cased: email, external id, SCIM userName, login. */
function identifyingValues(user: User): Set<string> {
  const values = [
    user.email,
    user.externalId,
    user.scim?.userName,
    user.linkedLogin?.username,
    user.linkedLogin?.sub,
  ];
  return new Set(
    values.filter((value): value is string => Boolean(value)).map((value) => value.toLowerCase()),
  );
}

/**
 * The profile with everything that identifies the person replaced: names, email, external id, job title,
 * location, hire date, custom attributes, manager, login link and SCIM record. The department stays (the
 * compliance report counts the person's records in it), and so does the status, suspended if it was not.
 */
export function anonymised(user: User, now: string): User {
  return {
    ...user,
    ...ERASED_NAME,
    email: erasedEmail(user.id),
    managerId: null,
    jobTitle: null,
    location: null,
    externalId: null,
    hireDate: null,
    customAttributes: {},
    stickyFields: [],
    linkedLogin: null,
    scim: null,
    status: 'suspended',
    suspendedAt: user.suspendedAt ?? now,
    // A suspension reason is free text, often about the person.
    suspensionReason: 'Erased',
    erasedAt: now,
    legalHold: null,
    updatedAt: now,
    version: user.version + 1,
  };
}

/** Places a legal hold on the person (replacing one that stands), audited. */
export function setLegalHold(
  deps: Pick<ErasureDeps, 'users' | 'runtime'>,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  reason: string,
): Promise<User> {
  return changeHold(deps, actor, id, expectedVersion, 'user.legal-hold-set', (now) => ({
    reason,
    setBy: actorId(actor.principal),
    setAt: now,
  }));
}

/** Releases the person's legal hold (nothing to do when there is none), audited. */
export function releaseLegalHold(
  deps: Pick<ErasureDeps, 'users' | 'runtime'>,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
): Promise<User> {
  return changeHold(deps, actor, id, expectedVersion, 'user.legal-hold-released', () => null);
}

async function changeHold(
  deps: Pick<ErasureDeps, 'users' | 'runtime'>,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  action: string,
  hold: (now: string) => User['legalHold'],
): Promise<User> {
  const before = await deps.users.get(id);
  if (!before) throw new NotFoundError('user', id);
  if (before.erasedAt)
    throw new ConflictError(
      `The user ${id} was erased on ${before.erasedAt}: there is nothing left to hold.`,
    );
  if (expectedVersion !== undefined && before.version !== expectedVersion)
    throw new StaleVersionError('user', id, expectedVersion, before.version);
  const now = deps.runtime.now().toISOString();
  const legalHold = hold(now);
  if (legalHold === null && !before.legalHold) return before;
  const after: User = { ...before, legalHold, updatedAt: now, version: before.version + 1 };
  await deps.users.update(
    before,
    after,
    auditChange(
      deps.runtime,
      actor,
      action,
      `user:${id}`,
      { legalHold: before.legalHold ?? null },
      {
        legalHold,
      },
    ),
  );
  return after;
}

/** Field names that hold personal data wherever they sit in an object that belongs to an erased person. */
const PERSONAL_FIELDS = [
  'email',
  'givenName',
  'familyName',
  'name',
  'displayName',
  'userName',
  'jobTitle',
  'location',
  'externalId',
  'hireDate',
  'customAttributes',
  'suspensionReason',
  'linkedLogin',
  'scim',
  'sub',
  'mbox',
  'phone',
] as const;

/** SCORM elements the LMS fills with the learner's name at launch, kept in their attempts' data model. */
const LEARNER_NAME_ELEMENTS = ['cmi.learner_name', 'cmi.core.student_name'] as const;

/**
 * A copy of `value` with the personal data of erased people replaced by {@link REDACTED}, and whether
 * anything changed. An object belongs to an erased person when its `id` or `userId` is theirs (a profile in
 * an audit record's before/after, an audit actor, an enrollment, an attempt): its {@link PERSONAL_FIELDS}
 * are redacted, and so are the learner-name elements anywhere beneath it. Any text equal (in any case) to one
 * of `values` (the person's email, external id, login: known while they are erased) is redacted wherever it
 * is (an enrollment's source names who enrolled them by email). Values that are not plain objects
 * or arrays (numbers as DynamoDB reads them, sets) are left as they are.
 *
 * @example redactPersonalData({ actor: { userId: 'u1', email: 'a@b.c' } }, new Set(['u1']))
 * // { value: { actor: { userId: 'u1', email: '[erased]' } }, changed: true }
 */
export function redactPersonalData(
  value: unknown,
  erased: ReadonlySet<string>,
  values: ReadonlySet<string> = new Set(),
): { value: unknown; changed: boolean } {
  let changed = false;
  const walk = (node: unknown, theirs: boolean): unknown => {
    if (typeof node === 'string' && values.has(node.toLowerCase())) {
      changed = true;
      return REDACTED;
    }
    if (Array.isArray(node)) return node.map((item) => walk(item, theirs));
    if (!isPlainObject(node)) return node;
    const owned = isTheirs(node, erased);
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      const personal =
        (owned && (PERSONAL_FIELDS as readonly string[]).includes(key)) ||
        ((theirs || owned) && (LEARNER_NAME_ELEMENTS as readonly string[]).includes(key));
      if (personal && child !== null && child !== undefined && child !== REDACTED) {
        copy[key] = REDACTED;
        changed = true;
      } else copy[key] = walk(child, theirs || owned);
    }
    return copy;
  };
  const result = walk(value, false);
  return { value: result, changed };
}

/**
 * An xAPI statement whose actor is an erased person's account (the LMS identifies learners by an account
 * named with their id) keeps that account only: a name or any other identifier the content added goes.
 */
export function redactStatementActor(
  statement: Record<string, unknown>,
  erased: ReadonlySet<string>,
): Record<string, unknown> | undefined {
  const actor = statement.actor;
  if (!isPlainObject(actor) || !isPlainObject(actor.account)) return undefined;
  if (typeof actor.account.name !== 'string' || !erased.has(actor.account.name)) return undefined;
  if (Object.keys(actor).every((key) => key === 'objectType' || key === 'account')) return undefined;
  return { ...statement, actor: { objectType: 'Agent', account: actor.account } };
}

function isTheirs(node: Record<string, unknown>, erased: ReadonlySet<string>): boolean {
  return (
    (typeof node.id === 'string' && erased.has(node.id)) ||
    (typeof node.userId === 'string' && erased.has(node.userId))
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
