/**
 * What the LMS itself writes for cmi5 (spec §9.3, §9.6, §10): the `launched`, `abandoned` and course
 * `satisfied` statements, each with the session's context (registration, the cmi5 category, the AU's
 * publisher id in `grouping`, the session id), the `LMS.LaunchData` state document, and the activity ids the
 * LMS generates for AUs and courses (never the publisher's ids, §8.1 and §9.3.9).
 */
import { createHash } from 'node:crypto';
import type { LrsSession } from './session.ts';
import { type Agent, isoDuration, lmsAuthority, type Statement } from './statement.ts';
import {
  CMI5_CATEGORY,
  CMI5_COURSE_TYPE,
  CMI5_EXTENSIONS,
  CMI5_VERBS,
  type LaunchMode,
  type MoveOn,
} from './vocabulary.ts';

/**
 * The AU's activity id: the same for every launch and registration of this AU in this course (§8.1), and
 * never its publisher id. The publisher id is hashed so that any IRI gives a short, valid one.
 * @example auActivityId('8f5f…', 'https://example.com/au/1') // 'urn:lms:course:8f5f…:au:3b1c…'
 */
export function auActivityId(courseId: string, publisherId: string): string {
  return `${courseActivityId(courseId)}:au:${createHash('sha256').update(publisherId).digest('hex').slice(0, 32)}`;
}

/** The course's activity id in `satisfied` statements. */
export function courseActivityId(courseId: string): string {
  return `urn:lms:course:${courseId}`;
}

/** The context template of a session (§10): the AU's publisher id in `grouping` and the session id. */
export function contextTemplate(session: Pick<LrsSession, 'id' | 'au'>) {
  return {
    contextActivities: { grouping: [{ objectType: 'Activity', id: session.au.publisherId }] },
    extensions: { [CMI5_EXTENSIONS.sessionId]: session.id },
  };
}

export interface LaunchData {
  contextTemplate: ReturnType<typeof contextTemplate>;
  launchMode: LaunchMode;
  launchParameters?: string;
  masteryScore?: number;
  moveOn: MoveOn;
  returnURL?: string;
}

/** The `LMS.LaunchData` state document (§10). */
export function launchData(
  session: LrsSession,
  launch: { launchParameters?: string; returnUrl?: string },
): LaunchData {
  return {
    contextTemplate: contextTemplate(session),
    launchMode: session.au.launchMode,
    ...(launch.launchParameters !== undefined ? { launchParameters: launch.launchParameters } : {}),
    ...(session.au.masteryScore !== null ? { masteryScore: session.au.masteryScore } : {}),
    moveOn: session.au.moveOn,
    ...(launch.returnUrl !== undefined ? { returnURL: launch.returnUrl } : {}),
  };
}

interface LmsStatement {
  id: string;
  session: LrsSession;
  /** When it happened (also `stored`: the LMS writes it as it happens). */
  at: string;
}

/** `launched` (§9.3.1), with launchMode, launchURL, moveOn, and masteryScore and launchParameters when set. */
export function launchedStatement(
  statement: LmsStatement & { launchUrl: string; launchParameters?: string },
): Statement {
  const { session } = statement;
  return cmi5Statement(statement, CMI5_VERBS.launched, auObject(session), {
    [CMI5_EXTENSIONS.launchMode]: session.au.launchMode,
    [CMI5_EXTENSIONS.launchUrl]: statement.launchUrl,
    [CMI5_EXTENSIONS.moveOn]: session.au.moveOn,
    ...(statement.launchParameters !== undefined
      ? { [CMI5_EXTENSIONS.launchParameters]: statement.launchParameters }
      : {}),
    ...(session.au.masteryScore !== null ? { [CMI5_EXTENSIONS.masteryScore]: session.au.masteryScore } : {}),
  });
}

/**
 * `abandoned` (§9.3.6), with the session's duration: launch to the AU's last statement (§9.5.4.2), or zero
 * when it sent none.
 */
export function abandonedStatement(statement: LmsStatement): Statement {
  const { session } = statement;
  return {
    ...cmi5Statement(statement, CMI5_VERBS.abandoned, auObject(session), {}),
    result: { duration: isoDuration(abandonedSeconds(session)) },
  };
}

/** How long an abandoned session lasted, as its `abandoned` statement says. */
export function abandonedSeconds(session: LrsSession): number {
  const last = session.lastStatementAt ?? session.launchedAt;
  return Math.max(0, (Date.parse(last) - Date.parse(session.launchedAt)) / 1000);
}

/** The course's `satisfied` (§9.3.9), in the session that met its moveOn. */
export function courseSatisfiedStatement(statement: LmsStatement): Statement {
  return cmi5Statement(
    statement,
    CMI5_VERBS.satisfied,
    {
      objectType: 'Activity',
      id: statement.session.course.activityId,
      definition: { type: CMI5_COURSE_TYPE },
    },
    {},
  );
}

function auObject(session: LrsSession) {
  return { objectType: 'Activity', id: session.au.activityId };
}

function cmi5Statement(
  { id, session, at }: LmsStatement,
  verbId: string,
  object: Record<string, unknown>,
  extensions: Record<string, unknown>,
): Statement {
  const template = contextTemplate(session);
  const verbName = Object.entries(CMI5_VERBS).find(([, iri]) => iri === verbId)?.[0] ?? '';
  return {
    id,
    actor: session.actor as Agent,
    verb: { id: verbId, display: { 'en-US': verbName } },
    object,
    context: {
      registration: session.registration,
      contextActivities: {
        category: [{ objectType: 'Activity', id: CMI5_CATEGORY }],
        grouping: template.contextActivities.grouping,
      },
      extensions: { ...template.extensions, ...extensions },
    },
    timestamp: at,
    stored: at,
    authority: lmsAuthority(session.homePage),
    version: '1.0.0',
  };
}
