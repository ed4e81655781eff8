/**
 * What an accepted statement changes in the session and in the AU's record, and the attempt's outcome that
 * follows (the AttemptProgress port's `record`). cmi5 statements act by their verb, once checked by the
 * cmi5 rules; an xAPI activity's statements about itself act by verb or result (completion, success, score).
 *
 * Time: the attempt's `totalSeconds` adds each session's own duration, which is the `terminated` statement's
 * `result.duration` (cmi5 §9.5.4.1: initialized to terminated) or the `abandoned` one the LMS computes;
 * `completed`, `passed` and `failed` durations are time spent within that same session, so they are not added.
 */
import type { AttemptOutcome } from '../domain/attempt.ts';
import type { AuRecord, LrsSession } from './session.ts';
import { activityIdOf, durationSeconds, isObject, type Statement, verbIdOf } from './statement.ts';
import { type AuVerb, CMI5_VERBS } from './vocabulary.ts';

export interface StatementEffect {
  session: LrsSession;
  au: AuRecord;
  /** The statement initialised the session (AttemptProgress.initialized). */
  initialized: boolean;
  /** The outcome or the session's end changed (AttemptProgress.record). */
  progressed: boolean;
}

/**
 * Applies a stored statement to copies of the session and the AU record. `verb`: the cmi5 verb the cmi5
 * rules found (cmi5 sessions), or null; xAPI sessions read verb and result themselves.
 */
export function applyStatement(
  session: LrsSession,
  au: AuRecord,
  statement: Statement,
  verb: AuVerb | null,
  stored: string,
): StatementEffect {
  const next = { session: { ...session, lastStatementAt: stored }, au: { ...au } };
  const acts = session.standard === 'cmi5' ? (verb ? [verb] : []) : xapiActsOf(statement, au.activityId);
  if (verb) next.session.verbs = [...session.verbs, verb];
  const before = JSON.stringify([next.au, session.end]);
  const result = isObject(statement.result) ? statement.result : {};
  let initialized = false;
  for (const act of acts) {
    switch (act) {
      case 'initialized':
        initialized = session.initializedAt === null;
        next.session.initializedAt ??= stored;
        break;
      case 'completed':
        next.au.completedAt ??= stored;
        break;
      case 'passed':
        next.au.passedAt ??= stored;
        break;
      case 'failed':
        next.au.failedAt ??= stored;
        break;
      case 'terminated':
        next.session.end = 'terminated';
        next.session.endedAt = stored;
        next.session.attemptSeconds = session.attemptSeconds + (durationSeconds(result.duration) ?? 0);
        if (au.lastSessionId === session.id) next.au.open = false;
        break;
    }
  }
  const scaled = isObject(result.score) ? result.score.scaled : undefined;
  if (acts.length > 0 && typeof scaled === 'number') next.au.scoreScaled = scaled;
  const progressed = initialized || JSON.stringify([next.au, next.session.end]) !== before;
  return { ...next, initialized, progressed };
}

/**
 * What an xAPI activity's statement about itself says, in cmi5's verbs: its verb, or its result's
 * completion and success (content often reports both in one statement). Statements about other activities
 * (a module, a question) say nothing about the attempt.
 */
function xapiActsOf(statement: Statement, activityId: string): AuVerb[] {
  if (activityIdOf(statement) !== activityId) return [];
  const verb = verbIdOf(statement);
  const result = isObject(statement.result) ? statement.result : {};
  const acts: AuVerb[] = [];
  if (verb === CMI5_VERBS.initialized) acts.push('initialized');
  if (verb === CMI5_VERBS.completed || result.completion === true) acts.push('completed');
  if (verb === CMI5_VERBS.passed || result.success === true) acts.push('passed');
  if (verb === CMI5_VERBS.failed || result.success === false) acts.push('failed');
  if (verb === CMI5_VERBS.terminated) acts.push('terminated');
  return acts;
}

/**
 * The attempt's outcome in SCORM 2004's terms. Passed dominates failed (a retake that passes counts, and
 * cmi5 refuses failed after passed); a session that initialised is at least incomplete.
 */
export function attemptOutcome(session: LrsSession, au: AuRecord): AttemptOutcome {
  const started = session.initializedAt !== null || session.attemptSeconds > 0;
  return {
    completion: au.completedAt ? 'completed' : started ? 'incomplete' : 'not attempted',
    success: au.passedAt ? 'passed' : au.failedAt ? 'failed' : 'unknown',
    scoreScaled: au.scoreScaled,
    totalSeconds: Math.round(session.attemptSeconds * 100) / 100,
  };
}
