/**
 * A launch's LRS side, called by the runtime's launch use case for cmi5 AUs and xAPI (tincan.xml)
 * activities:
 * 1. find the learner's registration for the course (one per learner and course, reused across attempts;
 *    a preview has its own), or start one;
 * 2. abandon the registration's sessions still open (cmi5 §9.3.6: a new launch means they ended abnormally):
 *    the LMS's `abandoned` statement (cmi5) with the session's duration;
 * 3. open the new session: its id, a one-time fetch key (cmi5) or an auth-token handed over at once (xAPI
 *    content takes `auth` in its launch URL), 12 hours of validity;
 * 4. cmi5: the `launched` statement and the `LMS.LaunchData` state document (cmi5 §10), and the course's
 *    `satisfied` when the launch alone meets its moveOn (NotApplicable AUs);
 * 5. one transaction for all of it (another launch in between: read again and redo);
 * 6. report the abandoned sessions' attempts as ended (unless it is the attempt being relaunched), and a
 *    course newly satisfied;
 * 7. answer the AU's URL with its launch parameters.
 */
import * as z from 'zod';
import { ConflictError, InvalidInputError, StaleVersionError } from '../domain/errors.ts';
import type { AttemptProgress } from '../runtime/progress.ts';
import type { Runtime } from '../use-cases/ports.ts';
import { courseMoveOnMet } from './cmi5-rules.ts';
import {
  abandonedSeconds,
  abandonedStatement,
  auActivityId,
  courseActivityId,
  courseSatisfiedStatement,
  launchData,
  launchedStatement,
} from './cmi5-statements.ts';
import { etagOf } from './lrs-documents.ts';
import { achievements, lmsStatement, reportProgress, withAu } from './lrs-statements.ts';
import type { LrsChange, LrsStore } from './ports.ts';
import {
  type AuRecord,
  authToken,
  fetchKey,
  type LrsSession,
  newSecret,
  type Registration,
  SESSION_HOURS,
  secretHash,
} from './session.ts';
import { agentKey } from './statement.ts';
import { LAUNCH_DATA_STATE_ID, MOVE_ON } from './vocabulary.ts';

export interface Cmi5Deps {
  store: LrsStore;
  progress: AttemptProgress;
  runtime: Runtime;
}

const HttpUrl = z.url({ protocol: /^https?$/ });

export const Cmi5LaunchInput = z.object({
  attemptId: z.uuid(),
  courseId: z.uuid(),
  userId: z.string().min(1).max(200),
  contentVersion: z.number().int().min(1),
  preview: z.boolean(),
  /** `cmi5`: the cmi5 rules, launch data and fetch URL; `xapi`: a tincan.xml activity, checked only as xAPI. */
  standard: z.enum(['cmi5', 'xapi']),
  /** The cmi5 course id (IRI) from the course structure; for xAPI, the package's activity id. */
  courseStructureId: z.string().min(1).max(2000),
  au: z.object({
    /** The AU's publisher id (cmi5) or the activity's id (xAPI). */
    id: z.string().min(1).max(2000),
    /** Absolute, on the content origin. */
    url: HttpUrl,
    moveOn: z.enum(MOVE_ON),
    masteryScore: z.number().min(0).max(1).optional(),
    launchMethod: z.enum(['AnyWindow', 'OwnWindow']),
    launchParameters: z.string().max(10_000).optional(),
  }),
  /** Every AU of the course, for the course's moveOn. */
  auIds: z.array(z.string().min(1).max(2000)).min(1).max(5000),
  /** The AUs among them whose moveOn is NotApplicable: satisfied without ever being launched. */
  notApplicableAuIds: z.array(z.string().min(1).max(2000)).max(5000).default([]),
  actor: z.object({
    objectType: z.literal('Agent'),
    account: z.object({ homePage: HttpUrl, name: z.string().min(1).max(200) }),
  }),
  /** The API's base URL (`http://localhost:3000`, the stage URL): the LRS endpoint is `<it>/xapi/`. */
  apiBaseUrl: HttpUrl,
  returnUrl: HttpUrl.optional(),
  now: z.date(),
});
export type Cmi5LaunchInput = z.input<typeof Cmi5LaunchInput>;

/** Attempts of a launch when another launch of the same registration wrote in between. */
const ATTEMPTS = 3;

/** Opens the LRS session of a launch; answers the AU's URL (launch parameters included). */
export async function startCmi5Session(
  deps: Cmi5Deps,
  input: Cmi5LaunchInput,
): Promise<{ contentUrl: string; registration: string; sessionId: string }> {
  const parsed = Cmi5LaunchInput.safeParse(input);
  if (!parsed.success)
    throw new InvalidInputError(
      'Invalid cmi5 launch.',
      parsed.error.issues.map((issue) => ({
        path: ['launch', ...issue.path].join('.'),
        message: issue.message,
      })),
    );
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(deps, parsed.data);
    } catch (error) {
      const raced = error instanceof StaleVersionError || error instanceof ConflictError;
      if (!raced || attempt >= ATTEMPTS) throw error;
    }
  }
}

type Launch = z.output<typeof Cmi5LaunchInput>;

async function startOnce(deps: Cmi5Deps, launch: Launch) {
  const now = launch.now.toISOString();
  const found = await deps.store.registration(launch.courseId, launch.userId, launch.preview);
  const registration: Registration = found ?? {
    id: deps.runtime.newId(),
    courseId: launch.courseId,
    userId: launch.userId,
    preview: launch.preview,
    aus: {},
    courseSatisfiedAt: null,
    version: 0,
  };
  const change: LrsChange = { statements: [], voided: [], sessions: [], documents: [] };
  const { updated: afterAbandon, abandoned } = await abandonOpenSessions(deps, registration, now, change);

  const secret = newSecret();
  const session = newSession(deps, launch, afterAbandon, secret);
  const previous = afterAbandon.aus[launch.au.id];
  const lastSession =
    abandoned.find((ended) => ended.id === previous?.lastSessionId) ??
    (previous?.lastSessionId ? await deps.store.session(previous.lastSessionId) : undefined);
  // A relaunch of the same attempt carries its time on; a new attempt starts at zero.
  session.attemptSeconds = lastSession?.attemptId === launch.attemptId ? lastSession.attemptSeconds : 0;
  const record: AuRecord = {
    completedAt: null,
    passedAt: null,
    failedAt: null,
    scoreScaled: null,
    ...previous,
    activityId: session.au.activityId,
    moveOn: launch.au.moveOn,
    masteryScore: launch.au.masteryScore ?? null,
    lastSessionId: session.id,
    open: true,
  };
  const updated = withAu(afterAbandon, launch.au.id, record);
  change.sessions.push({ session, expected: null });

  const contentUrl = launchUrl(launch, session, secret);
  let satisfiedNow = false;
  if (session.standard === 'cmi5') {
    const launched = launchedStatement({
      id: deps.runtime.newId(),
      session,
      at: now,
      launchUrl: launch.au.url,
      ...(launch.au.launchParameters !== undefined ? { launchParameters: launch.au.launchParameters } : {}),
    });
    change.statements.push(lmsStatement(launched, session));
    const content = JSON.stringify(
      launchData(session, {
        ...(launch.au.launchParameters !== undefined ? { launchParameters: launch.au.launchParameters } : {}),
        ...(launch.returnUrl !== undefined ? { returnUrl: launch.returnUrl } : {}),
      }),
    );
    change.documents.push({
      scope: {
        kind: 'state',
        activityId: session.au.activityId,
        agentKey: session.actorKey,
        registration: session.registration,
      },
      document: {
        id: LAUNCH_DATA_STATE_ID,
        content,
        contentType: 'application/json',
        etag: etagOf(content),
        updated: now,
      },
    });
    satisfiedNow =
      updated.courseSatisfiedAt === null &&
      courseMoveOnMet(session.course.auIds, session.course.notApplicableAuIds, achievements(updated));
    if (satisfiedNow) {
      updated.courseSatisfiedAt = now;
      change.statements.push(
        lmsStatement(courseSatisfiedStatement({ id: deps.runtime.newId(), session, at: now }), session),
      );
    }
  }
  change.registration = { registration: updated, expected: found ? found.version : null };
  await deps.store.commit(change);

  for (const ended of abandoned) {
    const au = updated.aus[ended.au.publisherId];
    if (au && ended.attemptId !== launch.attemptId) await reportProgress(deps.progress, ended, au, updated);
  }
  if (satisfiedNow) await reportProgress(deps.progress, session, record, updated);
  return { contentUrl, registration: updated.id, sessionId: session.id };
}

/** Step 2: every session of the registration still open ends as abandoned, in `change`. */
async function abandonOpenSessions(
  deps: Cmi5Deps,
  registration: Registration,
  now: string,
  change: LrsChange,
) {
  let updated = registration;
  const abandoned: LrsSession[] = [];
  for (const [publisherId, au] of Object.entries(registration.aus)) {
    if (!au.open || au.lastSessionId === null) continue;
    updated = withAu(updated, publisherId, { ...au, open: false });
    const open = await deps.store.session(au.lastSessionId);
    if (!open || open.end !== null) continue;
    const ended: LrsSession = {
      ...open,
      end: 'abandoned',
      endedAt: now,
      attemptSeconds: open.attemptSeconds + abandonedSeconds(open),
    };
    change.sessions.push({ session: ended, expected: open.version });
    if (open.standard === 'cmi5')
      change.statements.push(
        lmsStatement(abandonedStatement({ id: deps.runtime.newId(), session: open, at: now }), open),
      );
    abandoned.push(ended);
  }
  return { updated, abandoned };
}

function newSession(deps: Cmi5Deps, launch: Launch, registration: Registration, secret: string): LrsSession {
  const launchedAt = launch.now.toISOString();
  const cmi5 = launch.standard === 'cmi5';
  const id = deps.runtime.newId();
  return {
    id,
    attemptId: launch.attemptId,
    courseId: launch.courseId,
    userId: launch.userId,
    contentVersion: launch.contentVersion,
    preview: launch.preview,
    standard: launch.standard,
    registration: registration.id,
    actor: launch.actor,
    actorKey: agentKey(launch.actor) as string,
    homePage: launch.actor.account.homePage,
    au: {
      publisherId: launch.au.id,
      // cmi5 §8.1: the LMS's own id for the AU; an xAPI activity keeps the id its content reports with.
      activityId: cmi5 ? auActivityId(launch.courseId, launch.au.id) : launch.au.id,
      moveOn: launch.au.moveOn,
      masteryScore: launch.au.masteryScore ?? null,
      launchMode: launch.preview ? 'Browse' : 'Normal',
    },
    course: {
      activityId: courseActivityId(launch.courseId),
      publisherId: launch.courseStructureId,
      auIds: launch.auIds,
      notApplicableAuIds: launch.notApplicableAuIds,
    },
    launchedAt,
    validUntil: new Date(launch.now.getTime() + SESSION_HOURS * 3_600_000).toISOString(),
    fetchKeyHash: cmi5 ? secretHash(secret) : null,
    fetchedAt: null,
    authTokenHash: cmi5 ? null : secretHash(secret),
    initializedAt: null,
    verbs: [],
    end: null,
    endedAt: null,
    lastStatementAt: null,
    attemptSeconds: 0,
    version: 0,
  };
}

/**
 * The AU's URL: cmi5 §8.1's `endpoint`, `fetch`, `actor`, `registration`, `activityId`; an xAPI activity
 * gets the tincan launch's `endpoint`, `auth`, `actor`, `registration`, `activity_id`.
 */
function launchUrl(launch: Launch, session: LrsSession, secret: string): string {
  const api = launch.apiBaseUrl.replace(/\/+$/, '');
  const url = new URL(launch.au.url);
  url.searchParams.set('endpoint', `${api}/xapi/`);
  if (session.standard === 'cmi5') {
    url.searchParams.set(
      'fetch',
      `${api}/attempts/${launch.attemptId}/auth-token?k=${fetchKey(session.id, secret)}`,
    );
  } else {
    url.searchParams.set('auth', `Basic ${authToken(session.id, secret)}`);
  }
  url.searchParams.set('actor', JSON.stringify(launch.actor));
  url.searchParams.set('registration', session.registration);
  url.searchParams.set(session.standard === 'cmi5' ? 'activityId' : 'activity_id', session.au.activityId);
  return url.toString();
}
