import { describe, expect, it } from 'vitest';
import { InvalidInputError, OutOfScopeError } from '../../shared/domain/errors.ts';
import {
  type AuAchievement,
  type Cmi5SessionView,
  checkCmi5Statement,
  courseMoveOnMet,
  moveOnMet,
} from '../../shared/xapi/cmi5-rules.ts';
import type { AuVerb, MoveOn } from '../../shared/xapi/vocabulary.ts';

const SESSION_ID = 'c7d5e0f1-9a1b-4c2d-8e3f-5a6b7c8d9e0f';
const REGISTRATION = '760e3480-ba55-4991-94b0-01820dbd23a2';
const ACTIVITY = 'urn:lms:course:0b8f1c2d-0000-4000-8000-000000000001:au:4f3c';
const PUBLISHER = 'https://example.com/courses/fire-safety/au/1';

const session: Cmi5SessionView = {
  sessionId: SESSION_ID,
  registration: REGISTRATION,
  activityId: ACTIVITY,
  publisherId: PUBLISHER,
  masteryScore: 0.8,
  launchMode: 'Normal',
  verbs: ['initialized'],
  ended: false,
};
const nothingYet: AuAchievement = { completed: false, passed: false, failed: false };

const VERB_IRI: Record<string, string> = {
  initialized: 'http://adlnet.gov/expapi/verbs/initialized',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
  terminated: 'http://adlnet.gov/expapi/verbs/terminated',
  launched: 'http://adlnet.gov/expapi/verbs/launched',
  satisfied: 'https://w3id.org/xapi/adl/verbs/satisfied',
  experienced: 'http://adlnet.gov/expapi/verbs/experienced',
};

/** A statement an AU following cmi5 sends (its result as §9.5 wants for the verb). */
function auStatement(verb: string, result?: Record<string, unknown>): Record<string, unknown> {
  const moveOn = result && ('success' in result || 'completion' in result);
  return {
    actor: { objectType: 'Agent', account: { homePage: 'https://lms.example.com', name: 'u-1' } },
    verb: { id: VERB_IRI[verb] },
    object: { id: ACTIVITY, objectType: 'Activity' },
    ...(result ? { result } : {}),
    context: {
      registration: REGISTRATION,
      contextActivities: {
        category: [
          { id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5' },
          ...(moveOn ? [{ id: 'https://w3id.org/xapi/cmi5/context/categories/moveon' }] : []),
        ],
        grouping: [{ id: PUBLISHER }],
      },
      extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': SESSION_ID },
    },
  };
}

/** A "cmi5 allowed" statement: the context template, no cmi5 category. */
function allowedStatement(): Record<string, unknown> {
  const statement = auStatement('experienced');
  return {
    ...statement,
    object: { id: 'https://example.com/courses/fire-safety/au/1/page/3' },
    context: {
      registration: REGISTRATION,
      contextActivities: { grouping: [{ id: PUBLISHER }] },
      extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': SESSION_ID },
    },
  };
}

const completed = () => auStatement('completed', { completion: true, duration: 'PT10M' });
const passed = (scaled?: number) =>
  auStatement('passed', {
    success: true,
    duration: 'PT12M',
    ...(scaled !== undefined ? { score: { scaled } } : {}),
  });
const failed = (scaled?: number) =>
  auStatement('failed', {
    success: false,
    duration: 'PT12M',
    ...(scaled !== undefined ? { score: { scaled } } : {}),
  });
const terminated = () => auStatement('terminated', { duration: 'PT15M' });

function set(statement: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(statement);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

describe('cmi5 rules: statements the LMS accepts', () => {
  it.each<[string, Partial<Cmi5SessionView>, AuAchievement, Record<string, unknown>, AuVerb | null]>([
    ['initialized first', { verbs: [] }, nothingYet, auStatement('initialized'), 'initialized'],
    ['completed with completion and duration', {}, nothingYet, completed(), 'completed'],
    ['passed at the mastery score', {}, nothingYet, passed(0.8), 'passed'],
    ['passed without a score', {}, nothingYet, passed(), 'passed'],
    ['failed under the mastery score', {}, nothingYet, failed(0.79), 'failed'],
    [
      'failed when failed before in the registration',
      {},
      { ...nothingYet, failed: true },
      failed(0.5),
      'failed',
    ],
    [
      'passed after a failed attempt in the registration',
      {},
      { ...nothingYet, failed: true },
      passed(0.9),
      'passed',
    ],
    [
      'terminated with its duration',
      { verbs: ['initialized', 'completed'] },
      nothingYet,
      terminated(),
      'terminated',
    ],
    ['a cmi5 allowed statement after initialized', {}, nothingYet, allowedStatement(), null],
    ['any score when there is no masteryScore', { masteryScore: null }, nothingYet, passed(0.1), 'passed'],
    [
      'initialized and terminated in Browse mode',
      { launchMode: 'Browse', verbs: ['initialized'] },
      nothingYet,
      terminated(),
      'terminated',
    ],
  ])('accepts %s', (_case, view, au, statement, verb) => {
    expect(checkCmi5Statement(statement, { ...session, ...view }, au, 'body.0')).toBe(verb);
  });
});

describe('cmi5 rules: statements the LMS refuses (400), naming the property and the rule', () => {
  const extension = 'body.0.context.extensions.https://w3id.org/xapi/cmi5/context/extensions/sessionid';
  it.each<[string, Partial<Cmi5SessionView>, AuAchievement, Record<string, unknown>, string, string]>([
    [
      'anything before initialized',
      { verbs: [] },
      nothingYet,
      completed(),
      'body.0.verb.id',
      'the first statement of a session must be initialized',
    ],
    [
      'an allowed statement before initialized',
      { verbs: [] },
      nothingYet,
      allowedStatement(),
      'body.0.verb.id',
      'the first statement of a session must be initialized',
    ],
    [
      'initialized twice',
      {},
      nothingYet,
      auStatement('initialized'),
      'body.0.verb.id',
      'initialized was already sent in this session',
    ],
    [
      'completed twice in a registration',
      {},
      { ...nothingYet, completed: true },
      completed(),
      'body.0.verb.id',
      'the AU was already completed in this registration',
    ],
    [
      'passed twice in a registration',
      {},
      { ...nothingYet, passed: true },
      passed(0.9),
      'body.0.verb.id',
      'the AU was already passed in this registration',
    ],
    [
      'failed after passed',
      {},
      { ...nothingYet, passed: true },
      failed(0.5),
      'body.0.verb.id',
      'failed cannot follow passed in the same registration',
    ],
    [
      'passed and failed in one session',
      { verbs: ['initialized', 'failed'] },
      nothingYet,
      passed(0.9),
      'body.0.verb.id',
      'a session holds at most one of passed and failed',
    ],
    [
      'passed under the mastery score',
      {},
      nothingYet,
      passed(0.79),
      'body.0.result.score.scaled',
      'passed needs a score of at least the masteryScore 0.8',
    ],
    [
      'failed at the mastery score',
      {},
      nothingYet,
      failed(0.8),
      'body.0.result.score.scaled',
      'failed needs a score below the masteryScore 0.8',
    ],
    [
      'a statement after terminated',
      { ended: true },
      nothingYet,
      allowedStatement(),
      'body.0',
      'the session has ended (terminated or abandoned); launch the AU again',
    ],
    [
      'completed in Browse mode',
      { launchMode: 'Browse' },
      nothingYet,
      completed(),
      'body.0.verb.id',
      'in Browse mode an AU sends only initialized and terminated',
    ],
    [
      'another session id',
      {},
      nothingYet,
      set(
        completed(),
        ['context', 'extensions', 'https://w3id.org/xapi/cmi5/context/extensions/sessionid'],
        'other',
      ),
      extension,
      "must be the session id of the launch (from LMS.LaunchData's contextTemplate)",
    ],
    [
      'another object',
      {},
      nothingYet,
      set(completed(), ['object', 'id'], 'https://example.com/other'),
      'body.0.object.id',
      'must be the activityId of the launch URL',
    ],
    [
      'no registration',
      {},
      nothingYet,
      set(completed(), ['context', 'registration'], undefined),
      'body.0.context.registration',
      'must be the registration of the launch URL',
    ],
    [
      'no publisher id in grouping',
      {},
      nothingYet,
      set(completed(), ['context', 'contextActivities', 'grouping'], []),
      'body.0.context.contextActivities.grouping',
      "must hold the AU's publisher id activity (from the contextTemplate)",
    ],
    [
      'an actor identified by mbox',
      {},
      nothingYet,
      set(completed(), ['actor'], { mbox: 'mailto:u1@example.com' }),
      'body.0.actor',
      'must be an Agent identified by an account',
    ],
    [
      'a score on completed',
      {},
      nothingYet,
      set(completed(), ['result', 'score'], { scaled: 1 }),
      'body.0.result.score',
      'a completed statement must not carry a score',
    ],
    [
      'completed without completion',
      {},
      nothingYet,
      set(completed(), ['result', 'completion'], undefined),
      'body.0.result.completion',
      'must be true',
    ],
    [
      'passed with success false',
      {},
      nothingYet,
      set(passed(0.9), ['result', 'success'], false),
      'body.0.result.success',
      'must be true',
    ],
    [
      'success on terminated',
      {},
      nothingYet,
      set(terminated(), ['result', 'success'], true),
      'body.0.result.success',
      'a terminated statement must not carry success',
    ],
    [
      'terminated without duration',
      {},
      nothingYet,
      auStatement('terminated'),
      'body.0.result.duration',
      'a terminated statement must carry its duration',
    ],
    [
      'completed without the moveon category',
      {},
      nothingYet,
      set(
        completed(),
        ['context', 'contextActivities', 'category'],
        [{ id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5' }],
      ),
      'body.0.context.contextActivities.category',
      'must hold the moveon category',
    ],
    [
      'a cmi5 category statement with another verb',
      {},
      nothingYet,
      auStatement('experienced'),
      'body.0.verb.id',
      'a statement with the cmi5 category must use a cmi5 verb',
    ],
  ])('refuses %s', (_case, view, au, statement, path, rule) => {
    const refusal = catchError(() => checkCmi5Statement(statement, { ...session, ...view }, au, 'body.0'));
    expect(refusal).toBeInstanceOf(InvalidInputError);
    expect(refusal?.fields).toEqual([{ path, message: rule }]);
  });
});

describe('cmi5 rules: what only the LMS may do (403)', () => {
  it.each([
    ['launched', auStatement('launched'), 'body.0.verb.id', "launched is the LMS's verb"],
    ['satisfied', auStatement('satisfied'), 'body.0.verb.id', "satisfied is the LMS's verb"],
    [
      'voiding',
      {
        ...allowedStatement(),
        verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
        object: { objectType: 'StatementRef', id: 'e1f0b0a2-1111-4a2b-8c3d-444455556666' },
      },
      'body.0.verb.id',
      'voiding is not allowed to an AU',
    ],
  ])('refuses %s from an AU', (_case, statement, path, message) => {
    const refusal = catchError(() => checkCmi5Statement(statement, session, nothingYet, 'body.0'));
    expect(refusal).toBeInstanceOf(OutOfScopeError);
    expect(refusal?.fields).toEqual([{ path, message }]);
  });
});

describe('moveOn', () => {
  it.each<[MoveOn, boolean, boolean, boolean]>([
    ['Passed', false, true, true],
    ['Passed', true, false, false],
    ['Completed', true, false, true],
    ['Completed', false, true, false],
    ['CompletedAndPassed', true, true, true],
    ['CompletedAndPassed', true, false, false],
    ['CompletedAndPassed', false, true, false],
    ['CompletedOrPassed', true, false, true],
    ['CompletedOrPassed', false, true, true],
    ['CompletedOrPassed', false, false, false],
    ['NotApplicable', false, false, true],
  ])('%s with completed=%s passed=%s is met: %s', (moveOn, completedAu, passedAu, met) => {
    expect(moveOnMet(moveOn, { completed: completedAu, passed: passedAu })).toBe(met);
  });

  it('meets the course moveOn when every AU is satisfied, counting unlaunched NotApplicable AUs', () => {
    const achieved = {
      'au-1': { moveOn: 'Completed' as const, completed: true, passed: false },
      'au-2': { moveOn: 'Passed' as const, completed: false, passed: true },
    };
    expect(courseMoveOnMet(['au-1', 'au-2'], [], achieved)).toBe(true);
    expect(courseMoveOnMet(['au-1', 'au-2', 'au-3'], [], achieved)).toBe(false);
    expect(courseMoveOnMet(['au-1', 'au-2', 'au-3'], ['au-3'], achieved)).toBe(true);
    expect(
      courseMoveOnMet(['au-1', 'au-2'], [], {
        ...achieved,
        'au-2': { moveOn: 'Passed', completed: true, passed: false },
      }),
    ).toBe(false);
  });
});

function catchError(act: () => unknown): (Error & { fields?: unknown }) | undefined {
  try {
    act();
  } catch (error) {
    return error as Error & { fields?: unknown };
  }
  return undefined;
}
