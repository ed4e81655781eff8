/**
 * The Statement resource for an authenticated session (xAPI 1.0.3 §7.2), and the cmi5 rules on the way in.
 *
 * Recording a batch:
 * 1. check every statement's schema (the batch is refused whole, naming each field);
 * 2. check it belongs to the session: its actor, its registration;
 * 3. read the session, the registration and the statements the batch names (its ids, what it voids);
 * 4. per statement, in order: a stored id with the same content is a retry (skipped), with other content a
 *    409; otherwise voiding checks, the cmi5 rules (cmi5 sessions), and its effect on the session and AU;
 * 5. when the course's moveOn is newly met, the LMS's `satisfied` statement;
 * 6. one transaction: the statements, the voided marks, the session and the registration at the versions
 *    read (another request in between: read again and redo, up to three times);
 * 7. report the attempt's progress (also on a retry, so a report that failed once is made again).
 */

import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  OutOfScopeError,
  StaleVersionError,
} from '../domain/errors.ts';
import type { FieldError } from '../http/problem.ts';
import type { AttemptProgress } from '../runtime/progress.ts';
import type { Page, Runtime } from '../use-cases/ports.ts';
import {
  type AuAchievement,
  type Cmi5SessionView,
  checkCmi5Statement,
  courseMoveOnMet,
} from './cmi5-rules.ts';
import { courseSatisfiedStatement } from './cmi5-statements.ts';
import type { LrsChange, LrsStore, StatementQuery, StoredStatement } from './ports.ts';
import { applyStatement, attemptOutcome } from './progress.ts';
import type { AuRecord, LrsSession, Registration } from './session.ts';
import {
  acceptStatement,
  agentKey,
  lmsAuthority,
  registrationOf,
  type Statement,
  sameStatement,
  statementErrors,
  versionErrors,
  voidedIdOf,
} from './statement.ts';

export interface LrsDeps {
  store: LrsStore;
  progress: AttemptProgress;
  runtime: Runtime;
}

/** Attempts of one batch when another request of the session wrote in between. */
const ATTEMPTS = 3;

/**
 * Voiding statements in one batch: each also marks its target, and a batch is one transaction of at most
 * 100 writes (50 statements, their targets, the session, the registration, a `satisfied`).
 */
export const MAX_VOIDING_PER_BATCH = 45;

export interface RecordOptions {
  /** PUT's `statementId`: the one statement must have it (or none). */
  statementId?: string;
  /** The xAPI version of the request: the `version` written into statements that have none. */
  xapiVersion: '1.0.3' | '2.0.0';
}

/** Records a batch of statements; answers their ids in order. */
export async function recordStatements(
  deps: LrsDeps,
  session: LrsSession,
  received: readonly Statement[],
  options: RecordOptions,
): Promise<string[]> {
  checkBatch(session, received, options);
  // Ids checked above: each is a UUID string, or absent and assigned here.
  const batch = received.map((statement) => ({
    ...statement,
    id: typeof statement.id === 'string' ? statement.id : (options.statementId ?? deps.runtime.newId()),
  }));
  for (let attempt = 1; ; attempt++) {
    try {
      return await recordOnce(deps, session.id, batch, options);
    } catch (error) {
      const raced = error instanceof StaleVersionError || error instanceof StatementRaceError;
      if (!raced || attempt >= ATTEMPTS) throw raced ? busy() : error;
      await new Promise((done) => setTimeout(done, Math.random() * 25 * attempt));
    }
  }
}

/** Steps 1 and 2: the schema, the ids, and that every statement is the session's learner's. */
function checkBatch(session: LrsSession, received: readonly Statement[], options: RecordOptions): void {
  const errors: FieldError[] = [];
  const ids = new Set<string>();
  received.forEach((statement, index) => {
    const at = `body.${index}`;
    errors.push(...statementErrors(statement, at), ...versionErrors(statement, at));
    const id = statement.id;
    if (typeof id === 'string') {
      if (ids.has(id)) errors.push({ path: `${at}.id`, message: 'appears twice in the batch' });
      ids.add(id);
    }
    if (options.statementId !== undefined && id !== undefined && id !== options.statementId)
      errors.push({ path: `${at}.id`, message: 'must be the statementId of the query' });
  });
  if (received.filter((statement) => voidedIdOf(statement) !== undefined).length > MAX_VOIDING_PER_BATCH)
    errors.push({ path: 'body', message: `at most ${MAX_VOIDING_PER_BATCH} voiding statements per batch` });
  if (errors.length > 0)
    throw new InvalidInputError(`Invalid statement: ${errors[0]?.path} ${errors[0]?.message}.`, errors);
  received.forEach((statement, index) => {
    if (agentKey(statement.actor) !== session.actorKey)
      throw new OutOfScopeError("A session records only its learner's statements.", [
        { path: `body.${index}.actor`, message: 'must be the actor of the launch' },
      ]);
    const registration = registrationOf(statement);
    if (registration !== undefined && registration !== session.registration)
      throw new OutOfScopeError('A session records statements of its own registration only.', [
        { path: `body.${index}.context.registration`, message: 'must be the registration of the launch' },
      ]);
  });
}

async function recordOnce(
  deps: LrsDeps,
  sessionId: string,
  batch: readonly (Statement & { id: string })[],
  options: RecordOptions,
): Promise<string[]> {
  const session = await deps.store.session(sessionId);
  if (!session) throw new NotFoundError('session', sessionId);
  const registration = await registrationOfSession(deps.store, session);
  const named = [...batch.map((statement) => statement.id), ...batch.flatMap((s) => voidedIdOf(s) ?? [])];
  const existing = await deps.store.statements(named);
  const stored = deps.runtime.now().toISOString();
  let working = { session, au: auOf(registration, session) };
  const change: LrsChange = { statements: [], voided: [], sessions: [], documents: [] };
  let initialized = false;
  let progressed = false;
  let replayed = false;

  batch.forEach((received, index) => {
    const at = `body.${index}`;
    const known = existing.get(received.id);
    if (known) {
      if (!sameStatement(received, known.statement, known.timestampAssigned))
        throw new ConflictError(`A different statement with id ${received.id} is already stored.`, [
          { path: `${at}.id`, message: 'taken by another statement' },
        ]);
      replayed = true;
      return;
    }
    const verb =
      session.standard === 'cmi5'
        ? checkCmi5Statement(received, sessionView(working.session), achievement(working.au), at)
        : null;
    const voids = voidedIdOf(received);
    if (voids !== undefined) markVoided(voids, received.id, existing, change, working.session, at);
    const accepted = acceptStatement(received, {
      id: received.id,
      stored,
      authority: lmsAuthority(session.homePage),
      version: options.xapiVersion === '2.0.0' ? '2.0.0' : '1.0.0',
    });
    change.statements.push({
      ...accepted,
      registration: session.registration,
      actorKey: session.actorKey,
      voidedBy: null,
      sessionId: session.id,
    });
    const effect = applyStatement(working.session, working.au, accepted.statement, verb, stored);
    working = { session: effect.session, au: effect.au };
    initialized ||= effect.initialized;
    progressed ||= effect.progressed;
  });

  const updated = withAu(registration, session.au.publisherId, working.au);
  const satisfiedNow =
    session.standard === 'cmi5' &&
    updated.courseSatisfiedAt === null &&
    courseMoveOnMet(session.course.auIds, session.course.notApplicableAuIds, achievements(updated));
  if (satisfiedNow && change.statements.length > 0) {
    updated.courseSatisfiedAt = stored;
    change.statements.push(
      lmsStatement(courseSatisfiedStatement({ id: deps.runtime.newId(), session, at: stored }), session),
    );
    progressed = true;
  }
  if (change.statements.length > 0) {
    change.sessions.push({ session: working.session, expected: session.version });
    change.registration = { registration: updated, expected: registration.version };
    await deps.store.commit(change).catch((error: unknown) => {
      // An id written by a concurrent request between our read and this write: read again.
      throw error instanceof ConflictError && !(error instanceof StaleVersionError)
        ? new StatementRaceError()
        : error;
    });
  }
  if (initialized || (replayed && working.session.initializedAt))
    await deps.progress.initialized(session.attemptId, working.session.initializedAt as string);
  if (progressed || replayed) await reportProgress(deps.progress, working.session, working.au, updated);
  return batch.map((statement) => statement.id);
}

/**
 * Voiding (xAPI §2.3.2): only the learner's own statements of this registration, never a voiding one. The
 * target is marked where it is: stored already, or earlier in this batch; an unknown target is no reason to
 * refuse (xAPI), and nothing is marked.
 */
function markVoided(
  id: string,
  by: string,
  existing: ReadonlyMap<string, StoredStatement>,
  change: LrsChange,
  session: LrsSession,
  at: string,
): void {
  const inBatch = change.statements.find((stored) => stored.statement.id === id);
  const target = inBatch ?? existing.get(id);
  if (!target) return;
  if (target.actorKey !== session.actorKey || target.registration !== session.registration)
    throw new OutOfScopeError('A session voids only its own registration’s statements.', [
      { path: `${at}.object.id`, message: 'not a statement of this registration' },
    ]);
  if (voidedIdOf(target.statement) !== undefined)
    throw new InvalidInputError('A voiding statement cannot be voided.', [
      { path: `${at}.object.id`, message: 'names a voiding statement' },
    ]);
  if (inBatch) inBatch.voidedBy ??= by;
  else if (target.voidedBy === null) change.voided.push({ id, by });
}

/** Reports the attempt's state as it now stands (a snapshot: sending it twice is harmless). */
export async function reportProgress(
  progress: AttemptProgress,
  session: LrsSession,
  au: AuRecord,
  registration: Registration,
): Promise<void> {
  await progress.record(session.attemptId, {
    outcome: attemptOutcome(session, au),
    ended: session.end !== null,
    courseSatisfied: session.standard === 'cmi5' ? registration.courseSatisfiedAt !== null : null,
  });
}

/** A statement the LMS writes, as stored. */
export function lmsStatement(statement: Statement, session: LrsSession): LrsChange['statements'][number] {
  return {
    statement,
    registration: session.registration,
    actorKey: session.actorKey,
    timestampAssigned: false,
    voidedBy: null,
    sessionId: session.id,
  };
}

export async function registrationOfSession(store: LrsStore, session: LrsSession): Promise<Registration> {
  const registration = await store.registration(session.courseId, session.userId, session.preview);
  if (registration?.id !== session.registration)
    throw new Error(`The registration ${session.registration} of session ${session.id} is missing.`);
  return registration;
}

function auOf(registration: Registration, session: LrsSession): AuRecord {
  const au = registration.aus[session.au.publisherId];
  if (!au) throw new Error(`The AU ${session.au.publisherId} of session ${session.id} has no record.`);
  return au;
}

export function withAu(registration: Registration, publisherId: string, au: AuRecord): Registration {
  return { ...registration, aus: { ...registration.aus, [publisherId]: au } };
}

export function achievements(registration: Registration) {
  return Object.fromEntries(
    Object.entries(registration.aus).map(([id, au]) => [id, { moveOn: au.moveOn, ...achievement(au) }]),
  );
}

function achievement(au: AuRecord): AuAchievement {
  return { completed: au.completedAt !== null, passed: au.passedAt !== null, failed: au.failedAt !== null };
}

function sessionView(session: LrsSession): Cmi5SessionView {
  return {
    sessionId: session.id,
    registration: session.registration,
    activityId: session.au.activityId,
    publisherId: session.au.publisherId,
    masteryScore: session.au.masteryScore,
    launchMode: session.au.launchMode,
    verbs: session.verbs,
    ended: session.end !== null,
  };
}

/** A statement id taken between our read and our write: the batch is read and checked again. */
class StatementRaceError extends Error {}

function busy(): ConflictError {
  return new ConflictError('Other requests of this session kept changing it; send the statements again.');
}

/** One page of the session's statements (voided ones left out), with the cursor of the next. */
export function listStatements(
  deps: Pick<LrsDeps, 'store'>,
  session: LrsSession,
  query: Omit<StatementQuery, 'registration' | 'actorKey' | 'contextRegistration'> & {
    agent?: unknown;
    registration?: string | undefined;
  },
): Promise<Page<StoredStatement>> {
  if (query.agent !== undefined && agentKey(query.agent) !== session.actorKey)
    throw new OutOfScopeError("A session reads only its learner's statements.", [
      { path: 'query.agent', message: 'must be the actor of the launch' },
    ]);
  if (query.registration !== undefined && query.registration !== session.registration)
    throw new OutOfScopeError("A session reads only its registration's statements.", [
      { path: 'query.registration', message: 'must be the registration of the launch' },
    ]);
  const { agent: _agent, registration, ...rest } = query;
  return deps.store.listStatements({
    ...rest,
    contextRegistration: registration,
    registration: session.registration,
    actorKey: session.actorKey,
  });
}

/**
 * One statement by id: `statementId` finds it unless voided, `voidedStatementId` only when voided (xAPI
 * §7.2.4). Another registration's statement does not exist for the session.
 */
export async function getStatement(
  deps: Pick<LrsDeps, 'store'>,
  session: LrsSession,
  id: string,
  voided: boolean,
): Promise<Statement> {
  const found = (await deps.store.statements([id])).get(id);
  const visible = found && found.registration === session.registration && found.actorKey === session.actorKey;
  if (!visible || (found.voidedBy !== null) !== voided)
    throw new NotFoundError(voided ? 'voided statement' : 'statement', id);
  return found.statement;
}
