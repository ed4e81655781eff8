/**
 * The learning runtime: launching a course's content (an attempt), the SCORM runtime API the player commits
 * to, and how an attempt's completion, success, score and time flow into the enrollment.
 *
 * - A launch checks what explain checks (active person, enrollment, published course, prerequisites), pins
 *   the enrollment to a content version at its first launch, and resumes the learner's unfinished attempt
 *   of that SCO on that version, or starts a new one. Every session gets a new launch token; only its hash
 *   is stored.
 * - A commit is a snapshot of the data model: validated element by element (the SCORM error code on the
 *   first bad one, nothing written), applied once per sequence number, written with one conditional
 *   UpdateItem (version and token). A retried commit (same number, same body) is answered again, not
 *   applied twice; an older number is stale; numbers may skip (a lost commit loses nothing: each commit
 *   carries the whole model).
 * - The enrollment follows the attempt (never an admin's preview): in progress at the first launch,
 *   completed or failed with the score when the content says so, time spent over every session. A completed
 *   enrollment stays completed. The enrollment is written after the attempt: if that write is lost, the
 *   next commit or session end writes it (the status is derived from the attempt, not from the change).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type {
  Attempt,
  AttemptOutcome,
  CommitBody,
  LaunchResult,
  RuntimeEventBody,
  RuntimeStandard,
  RuntimeState,
} from '../domain/attempt.ts';
import type { ContentVersion, Launchable } from '../domain/content.ts';
import type { Course } from '../domain/course.ts';
import type { Enrollment } from '../domain/enrollment.ts';
import {
  BusinessRuleError,
  NotFoundError,
  OutOfScopeError,
  RuntimeRefusal,
  StaleVersionError,
} from '../domain/errors.ts';
import { type Actor, actsOrganisationWide } from '../domain/principal.ts';
import {
  applyCommit,
  endSession,
  outcomeOf,
  readableState,
  type ScormVersion,
  startSession,
} from '../runtime/cmi/index.ts';
import type { AttemptProgress } from '../runtime/progress.ts';
import { auditChange } from './context.ts';
import { whileHeld } from './course-hold.ts';
import { completed, type EnrollmentDeps, prerequisiteStatus } from './enrollment.ts';
import type { AttemptRecord, AttemptRepository, ContentRepository } from './ports.ts';

/** A launch token lives this long after its launch or last commit, and never beyond a day after launch. */
export const LAUNCH_TOKEN_IDLE_MS = 4 * 60 * 60 * 1000;
const LAUNCH_TOKEN_MAX_MS = 24 * 60 * 60 * 1000;
const TOKEN_PREFIX = 'lms_launch_';
/** SCO errors kept on the attempt (the count keeps growing). */
const ERRORS_KEPT = 20;

/** Starts a cmi5 (or xAPI) session: the LMS's statements, the launch data, the AU's URL. */
export interface XapiLauncher {
  start(input: {
    attempt: Attempt;
    content: ContentVersion;
    au: Launchable;
    apiBaseUrl: string;
    contentBaseUrl: string;
    now: Date;
  }): Promise<{ contentUrl: string }>;
}

export interface RuntimeDeps
  extends Pick<EnrollmentDeps, 'enrollments' | 'catalog' | 'users' | 'runtime' | 'audit'> {
  attempts: AttemptRepository;
  contents: Pick<ContentRepository, 'getContentVersion'>;
  /** Where the content (and the player) is served: the CDN's origin in AWS, the local content server. */
  contentBaseUrl: string;
  xapi?: XapiLauncher;
  /** Course load times (EMF in AWS). */
  recordLoadTime?: (courseId: string, contentVersion: number, loadMs: number) => void;
}

/**
 * Steps: who launches whom (the learner themselves; an admin or the course's owner previewing a learner's
 * enrollment) -> the same checks explain makes -> the content version (pinned) and the SCO -> resume the
 * unfinished attempt or start one -> a new session's token -> the enrollment in progress (not a preview).
 */
export async function launchCourse(
  deps: RuntimeDeps,
  actor: Actor,
  courseId: string,
  input: { scoId?: string | undefined; previewOf?: string | undefined; apiBaseUrl: string },
): Promise<LaunchResult> {
  const self = actor.principal.userId;
  if (!self) throw new OutOfScopeError('Your sign-in has no LMS profile yet; ask an administrator.');
  const preview = input.previewOf !== undefined;
  const learnerId = input.previewOf ?? self;
  const course = await deps.catalog.getCourse(courseId);
  const mayPreview =
    course !== undefined && (actsOrganisationWide(actor.principal) || course.ownerIds.includes(self));
  if (!course || (course.status !== 'published' && !mayPreview)) throw new NotFoundError('course', courseId);
  if (preview && !mayPreview)
    throw new OutOfScopeError('Only administrators and the course owners preview its content.');
  const enrollment = await launchableEnrollment(deps, course, learnerId, preview);
  const version = enrollment.contentVersion ?? course.currentContentVersion;
  const content = version === null ? undefined : await deps.contents.getContentVersion(courseId, version);
  if (!content) {
    throw new BusinessRuleError(
      `${course.title} has no content yet: an instructor imports a package first.`,
      [{ path: 'course.currentContentVersion', message: 'none' }],
    );
  }
  const launchable = launchableOf(content, input.scoId);
  const now = deps.runtime.now();
  const at = now.toISOString();
  const standard = runtimeStandard(content.standard);
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

  const earlier = (await deps.attempts.ofLearner(self, courseId)).filter(
    (attempt) =>
      attempt.scoId === launchable.identifier &&
      attempt.contentVersion === content.version &&
      attempt.preview === preview &&
      attempt.userId === learnerId,
  );
  // Only a suspended attempt resumes (cmi.exit = suspend); one left without Terminate ended as the SCORM
  // RTE says an undetermined exit does, and the learner starts a new attempt.
  const latest = earlier.at(-1);
  const resumed = latest?.status === 'suspended' && scormVersion(standard) ? latest : undefined;
  const before = resumed ? await deps.attempts.get(resumed.id) : undefined;
  if (!resumed && latest && (latest.status === 'launched' || latest.status === 'running'))
    await abandon(deps, latest.id);

  const attempt: Attempt = before
    ? {
        ...before.attempt,
        status: 'launched',
        launchedAt: at,
        initializedAt: null,
        loadMs: null,
        pageLoadMs: null,
        version: before.attempt.version + 1,
      }
    : {
        id: deps.runtime.newId(),
        courseId,
        userId: learnerId,
        contentVersion: content.version,
        standard,
        scoId: launchable.identifier,
        preview,
        launchedBy: self,
        status: 'launched',
        launchedAt: at,
        initializedAt: null,
        loadMs: null,
        pageLoadMs: null,
        endedAt: null,
        seq: 0,
        outcome: { completion: 'not attempted', success: 'unknown', scoreScaled: null, totalSeconds: 0 },
        errors: [],
        errorCount: 0,
        version: 1,
      };
  const scorm = scormVersion(standard);
  const learner = await deps.users.get(learnerId);
  const cmi = scorm
    ? startSession(
        scorm,
        {
          learner: {
            id: learnerId,
            name: learner ? `${learner.familyName}, ${learner.givenName}` : learnerId,
          },
          entry: before ? 'resume' : 'ab-initio',
          credit: preview ? 'no-credit' : 'credit',
          mode: preview ? 'browse' : 'normal',
          ...definedSettings(launchable),
        },
        before?.cmi,
      )
    : {};
  const contentUrl = scorm
    ? new URL(launchable.url, `${deps.contentBaseUrl}/${courseId}/v${content.version}/`).href
    : (
        await xapiLauncher(deps).start({
          attempt,
          content,
          au: launchable,
          apiBaseUrl: input.apiBaseUrl,
          contentBaseUrl: deps.contentBaseUrl,
          now,
        })
      ).contentUrl;
  const expiresAt = new Date(now.getTime() + LAUNCH_TOKEN_IDLE_MS).toISOString();
  const record: AttemptRecord = {
    attempt,
    cmi,
    contentUrl,
    tokenHash: hashOf(token),
    tokenExpiresAt: expiresAt,
    lastCommit: before?.lastCommit ?? null,
  };
  await deps.attempts.save(record, before ? before.attempt.version : null);
  if (!preview) await startEnrollment(deps, actor, course, enrollment, content.version);
  const fragment = new URLSearchParams({ attempt: attempt.id, token, api: input.apiBaseUrl });
  return {
    attempt,
    launchUrl: `${deps.contentBaseUrl}/_player/index.html#${fragment.toString()}`,
    launchToken: token,
    expiresAt,
    entry: before ? 'resume' : 'new',
  };
}

/** An attempt left running by a session that never terminated: abandoned, its data kept. */
async function abandon(deps: RuntimeDeps, attemptId: string): Promise<void> {
  const record = await deps.attempts.get(attemptId);
  if (!record) return;
  await updateAttempt(deps, record, (attempt, now) =>
    attempt.status === 'launched' || attempt.status === 'running'
      ? { ...attempt, status: 'abandoned', endedAt: now.toISOString() }
      : undefined,
  );
  cache.delete(attemptId);
}

/** The learner's enrollment if it may be launched; otherwise the reason explain gives, as a 403 or 422. */
async function launchableEnrollment(
  deps: RuntimeDeps,
  course: Course,
  learnerId: string,
  preview: boolean,
): Promise<Enrollment> {
  const [learner, enrollment] = await Promise.all([
    deps.users.get(learnerId),
    deps.enrollments.get(course.id, learnerId),
  ]);
  if (!learner) throw new NotFoundError('user', learnerId);
  // The learner is refused access (403); an administrator previewing is told what stands in the way (422).
  const refuse = (reason: string, path: string) =>
    preview ? new BusinessRuleError(reason, [{ path, message: reason }]) : new OutOfScopeError(reason);
  if (learner.status !== 'active') throw refuse('The person is suspended.', 'user.status');
  if (!enrollment) {
    if (preview) throw new NotFoundError('enrollment', `${course.id}/${learnerId}`);
    throw refuse('Not enrolled: no source has enrolled this person.', 'enrollment');
  }
  if (enrollment.status === 'withdrawn')
    throw refuse(
      'The enrollment is withdrawn: enroll the person again to launch the course.',
      'enrollment.status',
    );
  if (enrollment.status === 'expired')
    throw refuse(
      'The certification has expired: the person is enrolled again to recertify.',
      'enrollment.status',
    );
  if (!preview && course.status !== 'published')
    throw new BusinessRuleError(`The course is ${course.status}: only published courses are launched.`, [
      { path: 'course.status', message: course.status },
    ]);
  const unmet = (await prerequisiteStatus(deps, course, learnerId)).filter(
    (prerequisite) => !prerequisite.met,
  );
  if (unmet.length > 0) {
    const titles = unmet.map((prerequisite) => prerequisite.title).join(', ');
    throw new BusinessRuleError(`Prerequisites not completed: ${titles}.`, [
      { path: 'prerequisites', message: titles },
    ]);
  }
  return enrollment;
}

function launchableOf(content: ContentVersion, scoId: string | undefined): Launchable {
  // Versions imported before the runtime listed no launchables: their one launch URL is the SCO.
  const launchables: Launchable[] =
    content.launchables.length > 0
      ? content.launchables
      : [{ identifier: content.scos[0]?.identifier ?? 'sco', title: content.title, url: content.launchUrl }];
  const found = scoId === undefined ? launchables[0] : launchables.find((item) => item.identifier === scoId);
  if (!found) {
    throw new BusinessRuleError(`Content version ${content.version} has no SCO or AU "${scoId}".`, [
      { path: 'body.scoId', message: `one of: ${launchables.map((item) => item.identifier).join(', ')}` },
    ]);
  }
  return found;
}

/** The enrollment in progress on the version launched (pinned from its first launch on). */
async function startEnrollment(
  deps: RuntimeDeps,
  actor: Actor,
  course: Course,
  before: Enrollment,
  contentVersion: number,
): Promise<void> {
  if (before.status !== 'enrolled' && before.contentVersion !== null) return;
  const at = deps.runtime.now().toISOString();
  const after: Enrollment = {
    ...before,
    contentVersion,
    ...(before.status === 'enrolled'
      ? {
          status: 'in_progress' as const,
          history: [
            ...before.history,
            { status: 'in_progress' as const, at, by: before.userId, reason: 'Launched the content' },
          ],
        }
      : {}),
    version: before.version + 1,
  };
  await whileHeld(deps, actor, course.id, () =>
    deps.enrollments.save(before, after, enrollmentAudit(deps, actor, 'enrollment.started', before, after)),
  );
}

/** The runtime state the player starts the SCORM API with (or, for cmi5, where it sends the learner). */
export async function runtimeState(
  deps: RuntimeDeps,
  attemptId: string,
  authorization: string | undefined,
): Promise<RuntimeState> {
  const record = await authorised(deps, attemptId, authorization);
  const scorm = scormVersion(record.attempt.standard);
  return {
    attemptId,
    standard: record.attempt.standard,
    status: record.attempt.status,
    seq: record.attempt.seq,
    cmi: scorm ? readableState(scorm, record.cmi) : {},
    contentUrl: record.contentUrl,
  };
}

export interface CommitOutcome {
  result: 'true';
  errorCode: 0;
  seq: number;
  status: Attempt['status'];
  outcome: AttemptOutcome;
  replayed: boolean;
}

/** Steps: the token -> throttle -> replay, stale or late? -> validate and apply -> write -> the enrollment. */
export async function commitCmi(
  deps: RuntimeDeps,
  attemptId: string,
  authorization: string | undefined,
  body: CommitBody,
  requestId: string,
): Promise<CommitOutcome> {
  let record = await authorised(deps, attemptId, authorization);
  throttle(attemptId, deps.runtime.now().getTime());
  const scorm = scormVersion(record.attempt.standard);
  if (!scorm)
    throw new RuntimeRefusal('This attempt reports through xAPI statements, not the SCORM API.', 409);
  const digest = digestOf(body);
  for (let tries = 1; ; tries++) {
    const replay = replayOf(record, body.seq, digest);
    if (replay) return replay;
    const after = applied(deps, scorm, record, body, digest);
    try {
      await deps.attempts.commit(record, after);
      remember(after);
      if (!after.attempt.preview && (body.terminate || outcomeChanged(record.attempt, after.attempt)))
        await settleEnrollment(deps, after.attempt, requestId);
      return result(after.attempt, false);
    } catch (error) {
      if (!(error instanceof StaleVersionError)) throw error;
      if (tries >= 5) {
        throw new RuntimeRefusal('Other commits of this attempt keep landing first: retry this one.', 409, {
          code: scorm === 'scorm12' ? 101 : 391,
          element: '',
          message: 'Concurrent commits',
        });
      }
      // Another commit (or a new session) landed first: judge this one against what is stored now.
      cache.delete(attemptId);
      record = await authorised(deps, attemptId, authorization);
    }
  }
}

/** The commit's effect on the record, or the refusal: stale, after the end, or a bad data model value. */
function applied(
  deps: RuntimeDeps,
  scorm: ScormVersion,
  record: AttemptRecord,
  body: CommitBody,
  digest: string,
): AttemptRecord {
  const { attempt } = record;
  if (attempt.status === 'ended' || attempt.status === 'abandoned') {
    throw new RuntimeRefusal('The attempt has ended: launch the course again to continue.', 409, {
      code: scorm === 'scorm12' ? 101 : 143,
      element: '',
      message: 'Commit after termination',
    });
  }
  if (body.seq <= attempt.seq) {
    throw new RuntimeRefusal(
      `Commit ${body.seq} is stale: commit ${attempt.seq} has been applied. Reload the attempt's state.`,
      409,
      { code: scorm === 'scorm12' ? 101 : 391, element: '', message: 'Stale commit' },
    );
  }
  const change = applyCommit(scorm, record.cmi, body.values);
  if (!change.ok) throw new RuntimeRefusal(change.error.message, 400, change.error);
  const now = deps.runtime.now();
  const ending = body.terminate ? endSession(scorm, change.state) : undefined;
  const cmi = ending ? ending.state : change.state;
  const status: Attempt['status'] = ending ? (ending.suspended ? 'suspended' : 'ended') : 'running';
  const cap = Date.parse(attempt.launchedAt) + LAUNCH_TOKEN_MAX_MS;
  return {
    ...record,
    cmi,
    attempt: {
      ...attempt,
      seq: body.seq,
      status,
      outcome: outcomeOf(scorm, cmi),
      endedAt: status === 'ended' ? now.toISOString() : attempt.endedAt,
      version: attempt.version + 1,
    },
    lastCommit: { seq: body.seq, digest },
    tokenExpiresAt: new Date(Math.min(now.getTime() + LAUNCH_TOKEN_IDLE_MS, cap)).toISOString(),
  };
}

function replayOf(record: AttemptRecord, seq: number, digest: string): CommitOutcome | undefined {
  if (record.lastCommit?.seq !== seq) return undefined;
  if (record.lastCommit.digest !== digest) {
    throw new RuntimeRefusal(`Commit ${seq} was applied with another body: a retry must repeat it.`, 409, {
      code: record.attempt.standard === 'scorm12' ? 101 : 391,
      element: '',
      message: 'Commit sequence number reused',
    });
  }
  return result(record.attempt, true);
}

function result(attempt: Attempt, replayed: boolean): CommitOutcome {
  return {
    result: 'true',
    errorCode: 0,
    seq: attempt.seq,
    status: attempt.status,
    outcome: attempt.outcome,
    replayed,
  };
}

function outcomeChanged(before: Attempt, after: Attempt): boolean {
  return (
    before.outcome.completion !== after.outcome.completion ||
    before.outcome.success !== after.outcome.success ||
    before.outcome.scoreScaled !== after.outcome.scoreScaled
  );
}

/** What the player saw that is not data model: the first Initialize, the page's load time, SCO errors. */
export async function recordRuntimeEvent(
  deps: RuntimeDeps,
  attemptId: string,
  authorization: string | undefined,
  event: RuntimeEventBody,
): Promise<void> {
  const record = await authorised(deps, attemptId, authorization);
  throttle(`${attemptId}#events`, deps.runtime.now().getTime());
  const after = await updateAttempt(deps, record, (attempt, now) => observed(attempt, event, now));
  reportLoadTime(deps, record.attempt, after.attempt);
}

/** The attempt with the event applied; undefined when it changes nothing (a second Initialize). */
function observed(attempt: Attempt, event: RuntimeEventBody, now: Date): Attempt | undefined {
  switch (event.type) {
    case 'initialized':
      if (attempt.initializedAt !== null) return undefined;
      return {
        ...attempt,
        status: attempt.status === 'launched' ? 'running' : attempt.status,
        initializedAt: now.toISOString(),
        loadMs: Math.max(0, now.getTime() - Date.parse(attempt.launchedAt)),
      };
    case 'page-loaded':
      return attempt.pageLoadMs === null ? { ...attempt, pageLoadMs: event.durationMs } : undefined;
    case 'sco-error':
      return {
        ...attempt,
        errors: [
          ...attempt.errors,
          { at: now.toISOString(), code: event.code, message: event.message },
        ].slice(-ERRORS_KEPT),
        errorCount: attempt.errorCount + 1,
      };
  }
}

/** The load time the write just recorded (once per session: a second Initialize records nothing). */
function reportLoadTime(deps: RuntimeDeps, before: Attempt, after: Attempt): void {
  if (before.loadMs === null && after.loadMs !== null && !after.preview)
    deps.recordLoadTime?.(after.courseId, after.contentVersion, after.loadMs);
}

/** A version-checked change of the attempt's summary (re-read and retried when a commit came between). */
async function updateAttempt(
  deps: RuntimeDeps,
  record: AttemptRecord,
  change: (attempt: Attempt, now: Date) => Attempt | undefined,
): Promise<AttemptRecord> {
  let current = record;
  for (let tries = 1; ; tries++) {
    const attempt = change(current.attempt, deps.runtime.now());
    if (!attempt) return current;
    const after = { ...current, attempt: { ...attempt, version: current.attempt.version + 1 } };
    try {
      await deps.attempts.save(after, current.attempt.version);
      remember(after);
      return after;
    } catch (error) {
      if (!(error instanceof StaleVersionError) || tries >= 5) throw error;
      cache.delete(attempt.id);
      const fresh = await deps.attempts.get(attempt.id);
      if (!fresh) throw new NotFoundError('attempt', attempt.id);
      current = fresh;
    }
  }
}

/**
 * The progress port the LRS reports cmi5 and xAPI attempts through: the same attempt and enrollment
 * bookkeeping as a SCORM commit, with the course's moveOn deciding completion for cmi5.
 */
export function attemptProgressOf(deps: RuntimeDeps): AttemptProgress {
  return {
    async initialized(attemptId) {
      const record = await deps.attempts.get(attemptId);
      if (!record) throw new NotFoundError('attempt', attemptId);
      const after = await updateAttempt(deps, record, (attempt, now) =>
        observed(attempt, { type: 'initialized' }, now),
      );
      reportLoadTime(deps, record.attempt, after.attempt);
    },
    async record(attemptId, update) {
      const record = await deps.attempts.get(attemptId);
      if (!record) throw new NotFoundError('attempt', attemptId);
      const after = await updateAttempt(deps, record, (attempt, now) => {
        const { outcome } = update;
        const status: Attempt['status'] = update.ended
          ? 'ended'
          : attempt.status === 'launched'
            ? 'running'
            : attempt.status;
        return {
          ...attempt,
          outcome,
          status,
          endedAt: update.ended ? (attempt.endedAt ?? now.toISOString()) : attempt.endedAt,
        };
      });
      if (!after.attempt.preview)
        await settleEnrollment(deps, after.attempt, `attempt:${attemptId}`, update.courseSatisfied);
    },
  };
}

/**
 * The enrollment as the learner's attempts say: completed (with the score and the certification it gives)
 * or failed when the content says so, and the time spent over every session. Never undoes a completion (a
 * completed enrollment keeps its best score); leaves a withdrawn or expired enrollment alone.
 */
async function settleEnrollment(
  deps: RuntimeDeps,
  attempt: Attempt,
  requestId: string,
  /** cmi5: the course's moveOn over every AU, as the LRS evaluated it. */
  courseSatisfied: boolean | null = null,
): Promise<void> {
  const actor: Actor = {
    principal: { sub: `attempt:${attempt.id}`, userId: attempt.userId, email: null, roles: ['learner'] },
    requestId,
  };
  for (let tries = 1; ; tries++) {
    const [before, course, attempts, content] = await Promise.all([
      deps.enrollments.get(attempt.courseId, attempt.userId),
      deps.catalog.getCourse(attempt.courseId),
      deps.attempts.ofLearner(attempt.userId, attempt.courseId),
      deps.contents.getContentVersion(attempt.courseId, attempt.contentVersion),
    ]);
    if (!before || !course || before.status === 'withdrawn' || before.status === 'expired') return;
    const done =
      attempt.standard === 'cmi5'
        ? courseSatisfied === true
        : everyScoDone(content?.launchables.map((each) => each.identifier) ?? [], attempt, attempts);
    const after = enrollmentAfter(before, course, attempt, attempts, deps.runtime.now().toISOString(), done);
    if (!after) return;
    try {
      const action = after.status !== before.status ? `enrollment.${after.status}` : 'enrollment.progressed';
      await whileHeld(deps, actor, course.id, () =>
        deps.enrollments.save(before, after, enrollmentAudit(deps, actor, action, before, after)),
      );
      return;
    } catch (error) {
      if (!(error instanceof StaleVersionError) || tries >= 5) throw error;
    }
  }
}

/**
 * SCORM and xAPI: the course is done when every SCO (activity) of the attempt's version has a counted
 * attempt that completed without failing, as SCORM Cloud rolls a course up by default. A version without
 * launchables (imported before the runtime) has one SCO: the attempt's.
 */
export function everyScoDone(
  scoIds: readonly string[],
  attempt: Attempt,
  attempts: readonly Attempt[],
): boolean {
  const done = (each: Attempt) =>
    each.outcome.completion === 'completed' && each.outcome.success !== 'failed';
  const ids = scoIds.length > 0 ? scoIds : [attempt.scoId];
  return ids.every((scoId) =>
    [attempt, ...attempts].some(
      (each) =>
        each.scoId === scoId &&
        !each.preview &&
        each.userId === attempt.userId &&
        each.contentVersion === attempt.contentVersion &&
        done(each),
    ),
  );
}

/**
 * The enrollment after an attempt's news, or undefined when nothing changes. `courseDone`: the course's
 * completion rule is met (every SCO done; cmi5: the course's moveOn satisfied).
 */
export function enrollmentAfter(
  before: Enrollment,
  course: Pick<Course, 'certification'>,
  attempt: Attempt,
  attempts: readonly Attempt[],
  now: string,
  courseDone: boolean,
): Enrollment | undefined {
  const counted = attempts.filter((each) => !each.preview && each.userId === before.userId);
  const timeSpentSeconds = Math.round(counted.reduce((sum, each) => sum + each.outcome.totalSeconds, 0));
  const score =
    attempt.outcome.scoreScaled === null
      ? before.score
      : Math.min(100, Math.max(0, Math.round(attempt.outcome.scoreScaled * 10000) / 100));
  const { success } = attempt.outcome;
  const reason = `Attempt ${attempt.id} of content version ${attempt.contentVersion}`;
  let after: Enrollment = { ...before, timeSpentSeconds };
  if (before.status === 'completed') {
    // A score that comes after the completion (cmi5's moveOn met by `completed` before `passed`), or a better
    // one from a later attempt: the best is kept.
    if (score !== null && (before.score === null || score > before.score)) after = { ...after, score };
  } else {
    if (courseDone) {
      after = completed(after, course, {
        completedAt: now,
        score: score ?? undefined,
        at: now,
        by: before.userId,
        reason,
      });
    } else if (success === 'failed' && before.status !== 'failed') {
      after = {
        ...after,
        status: 'failed',
        score,
        history: [...before.history, { status: 'failed', at: now, by: before.userId, reason }],
      };
    } else {
      after = { ...after, score };
    }
  }
  const changed =
    after.status !== before.status ||
    after.score !== before.score ||
    after.timeSpentSeconds !== before.timeSpentSeconds;
  return changed ? { ...after, completionOrigin: null, version: before.version + 1 } : undefined;
}

function enrollmentAudit(
  deps: Pick<RuntimeDeps, 'runtime'>,
  actor: Actor,
  action: string,
  before: Enrollment,
  after: Enrollment,
) {
  return auditChange(
    deps.runtime,
    actor,
    action,
    `enrollment:${after.courseId}:${after.userId}`,
    before,
    after,
  );
}

/**
 * The attempt the bearer token opens, or a 401: no token, a token of another attempt or session, an
 * expired one. A warm function keeps the attempt it last wrote, so a commit is one conditional write;
 * the write's condition (version and token) catches anything the kept copy missed.
 */
async function authorised(
  deps: RuntimeDeps,
  attemptId: string,
  authorization: string | undefined,
): Promise<AttemptRecord> {
  const token = /^Bearer (lms_launch_[A-Za-z0-9_-]{43})$/.exec(authorization ?? '')?.[1];
  if (!token)
    throw new RuntimeRefusal('A launch token (Authorization: Bearer lms_launch_...) is required.', 401);
  const hash = hashOf(token);
  let record = cache.get(attemptId);
  if (!record || !sameHash(record.tokenHash, hash)) {
    record = await deps.attempts.get(attemptId);
    if (record) remember(record);
  }
  if (!record || !sameHash(record.tokenHash, hash))
    throw new RuntimeRefusal('The launch token is not valid for this attempt: launch the course again.', 401);
  if (record.tokenExpiresAt <= deps.runtime.now().toISOString())
    throw new RuntimeRefusal('The launch token has expired: launch the course again.', 401);
  return record;
}

/** Recently read or written attempts of this function instance, oldest first (a miss reads the table). */
const cache = new Map<string, AttemptRecord>();
const CACHE_SIZE = 1000;

function remember(record: AttemptRecord): void {
  const id = record.attempt.id;
  cache.delete(id);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(id, record);
}

/**
 * At most 10 runtime calls a second per attempt, in bursts of 20 (scorm-again commits on every Commit call,
 * and a broken SCO may loop): a token bucket per attempt in this function instance. The table's version
 * condition keeps the state whole whatever gets through; in AWS the stage's throttling bounds the rest.
 */
const RATE_PER_SECOND = 10;
const BURST = 20;
const buckets = new Map<string, { tokens: number; at: number }>();

function throttle(key: string, nowMs: number): void {
  const bucket = buckets.get(key) ?? { tokens: BURST, at: nowMs };
  bucket.tokens = Math.min(BURST, bucket.tokens + ((nowMs - bucket.at) / 1000) * RATE_PER_SECOND);
  bucket.at = nowMs;
  if (bucket.tokens < 1) {
    throw new RuntimeRefusal('Too many runtime calls for this attempt: slow down.', 429, null, 1);
  }
  bucket.tokens -= 1;
  if (buckets.size >= 10_000 && !buckets.has(key)) buckets.delete(buckets.keys().next().value as string);
  buckets.set(key, bucket);
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function digestOf(body: CommitBody): string {
  const values = Object.keys(body.values)
    .sort()
    .map((key) => [key, body.values[key]]);
  return createHash('sha256')
    .update(JSON.stringify([values, body.terminate]))
    .digest('base64url');
}

function runtimeStandard(standard: ContentVersion['standard']): RuntimeStandard {
  if (standard === 'scorm12') return 'scorm12';
  if (standard === 'cmi5' || standard === 'xapi') return standard;
  return 'scorm2004';
}

function scormVersion(standard: RuntimeStandard): ScormVersion | undefined {
  return standard === 'scorm12' || standard === 'scorm2004' ? standard : undefined;
}

function xapiLauncher(deps: RuntimeDeps): XapiLauncher {
  if (!deps.xapi) throw new Error('cmi5 and xAPI launches need the xAPI launcher');
  return deps.xapi;
}

function definedSettings(launchable: Launchable) {
  return {
    ...(launchable.masteryScore !== undefined ? { masteryScore: launchable.masteryScore } : {}),
    ...(launchable.dataFromLms !== undefined ? { dataFromLms: launchable.dataFromLms } : {}),
    ...(launchable.maxTimeAllowed !== undefined ? { maxTimeAllowed: launchable.maxTimeAllowed } : {}),
    ...(launchable.timeLimitAction !== undefined ? { timeLimitAction: launchable.timeLimitAction } : {}),
  };
}
