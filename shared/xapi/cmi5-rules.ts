/**
 * The cmi5 rules the LMS enforces on an AU's statements (cmi5 spec §9 "xAPI Statement Data Model", §6.3: the
 * LMS rejects statements that conflict with them), and moveOn (§13.1.4) per AU and for the course. Pure:
 * the session's and the AU's state come in, a refusal or the statement's cmi5 verb comes out.
 *
 * A statement is "cmi5 defined" when its context has the cmi5 category; any other statement of the session
 * is "cmi5 allowed" and must still carry the session's context template (session id), between `initialized`
 * and `terminated`. Order is the order statements arrive in (a batch in array order).
 */
import { InvalidInputError, OutOfScopeError } from '../domain/errors.ts';
import { durationSeconds, isObject, type Statement, voidedIdOf } from './statement.ts';
import {
  AU_VERBS,
  type AuVerb,
  CMI5_CATEGORY,
  CMI5_EXTENSIONS,
  CMI5_VERBS,
  type LaunchMode,
  MOVEON_CATEGORY,
  type MoveOn,
} from './vocabulary.ts';

/** A statement the cmi5 rules refuse (400, as §6.3 says the LMS rejects them), naming the property. */
export class Cmi5RuleError extends InvalidInputError {
  constructor(path: string, rule: string) {
    super(`cmi5: ${rule}`, [{ path, message: rule }]);
  }
}

/** What a session's statement is checked against. */
export interface Cmi5SessionView {
  sessionId: string;
  registration: string;
  /** The AU's activity id (launch URL `activityId`) and its publisher id (course structure `au/@id`). */
  activityId: string;
  publisherId: string;
  masteryScore: number | null;
  launchMode: LaunchMode;
  /** cmi5 defined verbs already sent in this session. */
  verbs: readonly AuVerb[];
  ended: boolean;
}

/** What the AU has achieved in the registration so far. */
export interface AuAchievement {
  completed: boolean;
  passed: boolean;
  failed: boolean;
}

/**
 * Checks one statement of an AU session against the cmi5 rules; answers its cmi5 verb, or null for a "cmi5
 * allowed" statement. Throws {@link Cmi5RuleError} (400), or OutOfScopeError (403) for what only the LMS may
 * write (voiding, §6.3; launched, abandoned, waived and satisfied, §9.3).
 */
export function checkCmi5Statement(
  statement: Statement,
  session: Cmi5SessionView,
  au: AuAchievement,
  at: string,
): AuVerb | null {
  if (voidedIdOf(statement) !== undefined)
    throw new OutOfScopeError('cmi5: an AU may not void statements; only the LMS can.', [
      { path: `${at}.verb.id`, message: 'voiding is not allowed to an AU' },
    ]);
  if (session.ended)
    throw new Cmi5RuleError(at, 'the session has ended (terminated or abandoned); launch the AU again');
  const context = isObject(statement.context) ? statement.context : {};
  const extensions = isObject(context.extensions) ? context.extensions : {};
  if (extensions[CMI5_EXTENSIONS.sessionId] !== session.sessionId)
    throw new Cmi5RuleError(
      `${at}.context.extensions.${CMI5_EXTENSIONS.sessionId}`,
      "must be the session id of the launch (from LMS.LaunchData's contextTemplate)",
    );
  const defined = categoriesOf(context).includes(CMI5_CATEGORY);
  const verb = defined ? cmi5VerbOf(statement, at) : null;
  if (session.verbs.length === 0 && verb !== 'initialized')
    throw new Cmi5RuleError(`${at}.verb.id`, 'the first statement of a session must be initialized');
  if (verb === null) return null;
  checkDefined(statement, context, session, at);
  checkResult(statement, context, verb, session.masteryScore, at);
  checkOrder(verb, session, au, at);
  return verb;
}

/** The AU verb of a cmi5 defined statement; LMS verbs and others are refused. */
function cmi5VerbOf(statement: Statement, at: string): AuVerb {
  const id = isObject(statement.verb) ? statement.verb.id : undefined;
  const known = (Object.entries(CMI5_VERBS) as [keyof typeof CMI5_VERBS, string][]).find(
    ([, iri]) => iri === id,
  );
  if (!known)
    throw new Cmi5RuleError(`${at}.verb.id`, 'a statement with the cmi5 category must use a cmi5 verb');
  const [verb] = known;
  if (!(AU_VERBS as readonly string[]).includes(verb))
    throw new OutOfScopeError(`cmi5: only the LMS writes ${verb} statements.`, [
      { path: `${at}.verb.id`, message: `${verb} is the LMS's verb` },
    ]);
  return verb as AuVerb;
}

/** §9.2, §9.4, §9.6: an Agent with an account, the AU as object, the registration, the publisher id. */
function checkDefined(
  statement: Statement,
  context: Record<string, unknown>,
  session: Cmi5SessionView,
  at: string,
): void {
  const actor = isObject(statement.actor) ? statement.actor : {};
  if ((actor.objectType ?? 'Agent') !== 'Agent' || !isObject(actor.account))
    throw new Cmi5RuleError(`${at}.actor`, 'must be an Agent identified by an account');
  const object = isObject(statement.object) ? statement.object : {};
  if (object.id !== session.activityId || (object.objectType ?? 'Activity') !== 'Activity')
    throw new Cmi5RuleError(`${at}.object.id`, 'must be the activityId of the launch URL');
  if (context.registration !== session.registration)
    throw new Cmi5RuleError(`${at}.context.registration`, 'must be the registration of the launch URL');
  const grouping = activityIdsIn(context, 'grouping');
  if (!grouping.includes(session.publisherId))
    throw new Cmi5RuleError(
      `${at}.context.contextActivities.grouping`,
      "must hold the AU's publisher id activity (from the contextTemplate)",
    );
}

/** §9.5: score only on passed and failed, success and completion where the verb says, durations, moveon. */
function checkResult(
  statement: Statement,
  context: Record<string, unknown>,
  verb: AuVerb,
  masteryScore: number | null,
  at: string,
): void {
  const result = isObject(statement.result) ? statement.result : {};
  const path = `${at}.result`;
  if (result.score !== undefined && verb !== 'passed' && verb !== 'failed')
    throw new Cmi5RuleError(`${path}.score`, `a ${verb} statement must not carry a score`);
  const success = { passed: true, failed: false } as Record<string, boolean | undefined>;
  if (result.success !== success[verb])
    throw new Cmi5RuleError(
      `${path}.success`,
      success[verb] === undefined ? `a ${verb} statement must not carry success` : `must be ${success[verb]}`,
    );
  if (result.completion !== (verb === 'completed' ? true : undefined))
    throw new Cmi5RuleError(
      `${path}.completion`,
      verb === 'completed' ? 'must be true' : `a ${verb} statement must not carry completion`,
    );
  if (verb !== 'initialized' && durationSeconds(result.duration) === undefined)
    throw new Cmi5RuleError(`${path}.duration`, `a ${verb} statement must carry its duration`);
  const movesOn = result.success !== undefined || result.completion !== undefined;
  if (categoriesOf(context).includes(MOVEON_CATEGORY) !== movesOn)
    throw new Cmi5RuleError(
      `${at}.context.contextActivities.category`,
      movesOn
        ? 'must hold the moveon category'
        : 'must not hold the moveon category without success or completion',
    );
  const scaled = isObject(result.score) ? result.score.scaled : undefined;
  if (masteryScore === null || typeof scaled !== 'number') return;
  if (verb === 'passed' && scaled < masteryScore)
    throw new Cmi5RuleError(
      `${path}.score.scaled`,
      `passed needs a score of at least the masteryScore ${masteryScore}`,
    );
  if (verb === 'failed' && scaled >= masteryScore)
    throw new Cmi5RuleError(
      `${path}.score.scaled`,
      `failed needs a score below the masteryScore ${masteryScore}`,
    );
}

/** §9.3 ordering rules, within the session and within the registration (per AU). */
function checkOrder(verb: AuVerb, session: Cmi5SessionView, au: AuAchievement, at: string): void {
  const path = `${at}.verb.id`;
  if (session.verbs.includes(verb)) throw new Cmi5RuleError(path, `${verb} was already sent in this session`);
  if (
    (verb === 'passed' || verb === 'failed') &&
    session.verbs.some((sent) => sent === 'passed' || sent === 'failed')
  )
    throw new Cmi5RuleError(path, 'a session holds at most one of passed and failed');
  if (session.launchMode !== 'Normal' && verb !== 'initialized' && verb !== 'terminated')
    throw new Cmi5RuleError(
      path,
      `in ${session.launchMode} mode an AU sends only initialized and terminated`,
    );
  if (verb === 'completed' && au.completed)
    throw new Cmi5RuleError(path, 'the AU was already completed in this registration');
  if (verb === 'passed' && au.passed)
    throw new Cmi5RuleError(path, 'the AU was already passed in this registration');
  if (verb === 'failed' && au.passed)
    throw new Cmi5RuleError(path, 'failed cannot follow passed in the same registration');
}

function categoriesOf(context: Record<string, unknown>): string[] {
  return activityIdsIn(context, 'category');
}

function activityIdsIn(context: Record<string, unknown>, list: string): string[] {
  const activities = isObject(context.contextActivities) ? context.contextActivities[list] : undefined;
  return [activities ?? []]
    .flat()
    .flatMap((activity) => (isObject(activity) && typeof activity.id === 'string' ? [activity.id] : []));
}

/** §13.1.4 moveOn: whether the AU's achievement satisfies it. */
export function moveOnMet(moveOn: MoveOn, au: Pick<AuAchievement, 'completed' | 'passed'>): boolean {
  switch (moveOn) {
    case 'Passed':
      return au.passed;
    case 'Completed':
      return au.completed;
    case 'CompletedAndPassed':
      return au.completed && au.passed;
    case 'CompletedOrPassed':
      return au.completed || au.passed;
    case 'NotApplicable':
      return true;
  }
}

/**
 * The course's moveOn (§9.3.9): every AU satisfied. An AU never launched counts only when its moveOn is
 * NotApplicable; the others need their record.
 */
export function courseMoveOnMet(
  auIds: readonly string[],
  notApplicableAuIds: readonly string[],
  achieved: Readonly<Record<string, { moveOn: MoveOn } & Pick<AuAchievement, 'completed' | 'passed'>>>,
): boolean {
  return auIds.every((id) => {
    const au = achieved[id];
    return au ? moveOnMet(au.moveOn, au) : notApplicableAuIds.includes(id);
  });
}
