/**
 * The SCORM 2004 data model. The tables follow the SCORM 2004 4th edition Run-Time Environment: section 4.2
 * (each cmi element's data type, SPM, vocabulary, range, access and dependencies), 4.2.9.1 (the response
 * formats of each interaction type), 4.4.1 (adl.nav.request) and 3.1.7 (error codes: 351 general set
 * failure, 401 undefined element, 404 read-only, 406 type mismatch, 407 out of range, 408 dependency).
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../shared/domain/errors.ts';
import {
  applyCommit,
  type CmiState,
  endSession,
  outcomeOf,
  readableState,
  type SessionStart,
  startSession,
} from '../../shared/runtime/cmi/index.ts';

const START: SessionStart = {
  learner: { id: 'urn:lms:user:u-123', name: 'Doe, Jane' },
  entry: 'ab-initio',
  credit: 'credit',
  mode: 'normal',
  masteryScore: 0.7,
  completionThreshold: 0.8,
  dataFromLms: 'chapter=2',
  maxTimeAllowed: 'PT30M',
};

/** A session under way: interaction 0 (`q1`, choice), objective 0 (`obj1`), one comment from the LMS. */
const RUNNING: CmiState = {
  'cmi.learner_id': 'urn:lms:user:u-123',
  'cmi.learner_name': 'Doe, Jane',
  'cmi.credit': 'credit',
  'cmi.entry': 'ab-initio',
  'cmi.mode': 'normal',
  'cmi.launch_data': 'chapter=2',
  'cmi.completion_threshold': '0.8',
  'cmi.scaled_passing_score': '0.7',
  'cmi.max_time_allowed': 'PT30M',
  'cmi.time_limit_action': 'continue,no message',
  'cmi.completion_status': 'incomplete',
  'cmi.success_status': 'unknown',
  'cmi.total_time': 'PT1M30S',
  'cmi.comments_from_lms.0.comment': '{lang=en}Read chapter 2 first',
  'cmi.objectives.0.id': 'obj1',
  'cmi.interactions.0.id': 'q1',
  'cmi.interactions.0.type': 'choice',
  'adl.nav.request': '_none_',
};

function commit(incoming: Record<string, string>, current: CmiState = RUNNING) {
  const before = structuredClone(current);
  const result = applyCommit('scorm2004', current, incoming);
  expect(current).toEqual(before);
  return result;
}

function refusal(incoming: Record<string, string>, current: CmiState = RUNNING) {
  const result = commit(incoming, current);
  if (result.ok) throw new Error(`expected a refusal, the commit changed ${result.changed.join(', ')}`);
  return result.error;
}

function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

describe('SCORM 2004 writable elements (RTE 4.2)', () => {
  it.each([
    // element, a value the spec allows, one it does not, the error code
    ['cmi.comments_from_learner.0.comment', '{lang=en}Nice course', '{lang=}Nice', 406],
    ['cmi.comments_from_learner.0.comment', 'x'.repeat(4000), 'x'.repeat(4001), 407],
    ['cmi.comments_from_learner.0.location', 'page-2', 'x'.repeat(251), 407],
    ['cmi.comments_from_learner.0.timestamp', '2024-05-01T10:30:00Z', '2024-05-01 10:30', 406],
    ['cmi.completion_status', 'completed', 'passed', 406],
    ['cmi.exit', 'suspend', 'quit', 406],
    ['cmi.exit', 'normal', 'Suspend', 406],
    ['cmi.interactions.0.id', 'urn:example:q1', 'two words', 406],
    ['cmi.interactions.0.id', 'https://example.com/q/1', 'urn::q1', 406],
    ['cmi.interactions.0.type', 'true-false', 'essay', 406],
    ['cmi.interactions.0.objectives.0.id', 'obj1', 'obj 1', 406],
    ['cmi.interactions.0.timestamp', '2024-05-01T10:30:00', '2024-13-01', 406],
    ['cmi.interactions.0.correct_responses.0.pattern', 'a[,]b', 'a[,]a', 406],
    ['cmi.interactions.0.weighting', '1.5', 'heavy', 406],
    ['cmi.interactions.0.learner_response', 'b', 'b c', 406],
    ['cmi.interactions.0.result', 'incorrect', 'wrong', 406],
    ['cmi.interactions.0.result', '0.75', 'three quarters', 406],
    ['cmi.interactions.0.latency', 'PT30S', '00:00:30', 406],
    ['cmi.interactions.0.description', '{lang=fr}Question 1', 'x'.repeat(251), 407],
    ['cmi.learner_preference.audio_level', '0.5', '-1', 407],
    ['cmi.learner_preference.audio_level', '2', 'loud', 406],
    ['cmi.learner_preference.language', 'fr-CA', 'french!', 406],
    ['cmi.learner_preference.delivery_speed', '2', '-0.5', 407],
    ['cmi.learner_preference.audio_captioning', '1', '2', 406],
    ['cmi.location', 'page-7', 'x'.repeat(1001), 407],
    ['cmi.objectives.1.id', 'obj2', 'has space', 406],
    ['cmi.objectives.0.score.scaled', '-0.5', '1.5', 407],
    ['cmi.objectives.0.score.raw', '42.5', 'x', 406],
    ['cmi.objectives.0.score.min', '0', '1e3', 406],
    ['cmi.objectives.0.score.max', '100', 'max', 406],
    ['cmi.objectives.0.success_status', 'passed', 'completed', 406],
    ['cmi.objectives.0.completion_status', 'incomplete', 'done', 406],
    ['cmi.objectives.0.progress_measure', '0.5', '1.2', 407],
    ['cmi.objectives.0.description', '{lang=en-US}Know the rules', '{lang=english1}Rules', 406],
    ['cmi.progress_measure', '0.75', '-0.1', 407],
    ['cmi.score.scaled', '0.9', '2', 407],
    ['cmi.score.raw', '87', 'eighty', 406],
    ['cmi.score.min', '-10', '--1', 406],
    ['cmi.score.max', '200', '1,5', 406],
    ['cmi.session_time', 'PT45S', '00:00:45', 406],
    ['cmi.success_status', 'failed', 'unknown!', 406],
    ['cmi.suspend_data', 'x'.repeat(64_000), 'x'.repeat(64_001), 407],
    ['adl.nav.request', 'continue', 'start', 406],
    ['adl.nav.request', '{target=intro}choice', 'choice', 406],
    ['adl.nav.request', '{target=lesson-2}jump', '{target=}jump', 406],
  ])('%s takes %j and refuses %j with %d', (element, valid, invalid, code) => {
    const accepted = commit({ [element]: valid });
    expect(accepted).toEqual({ ok: true, state: { ...RUNNING, [element]: valid }, changed: [element] });
    expect(refusal({ [element]: invalid })).toEqual({ code, element, message: expect.any(String) });
  });
});

describe('SCORM 2004 interaction responses (RTE 4.2.9.1)', () => {
  it.each([
    // type, pattern allowed, pattern refused (code), response allowed, response refused (code)
    ['true-false', 'true', 'yes', 406, 'false', 'no', 406],
    ['choice', 'a[,]b', 'a[,]a', 406, 'c', 'c d', 406],
    [
      'fill-in',
      '{case_matters=true}{order_matters=false}red[,]blue',
      '{lang=xx-}red',
      406,
      '{lang=en}red',
      'r[,]'.repeat(10).concat('r'),
      407,
    ],
    [
      'long-fill-in',
      '{case_matters=false}An essay',
      'x'.repeat(4001),
      407,
      'A long answer',
      'x'.repeat(4001),
      407,
    ],
    ['likert', 'agree', 'strongly agree', 406, 'agree', 'a b', 406],
    ['matching', '1[.]a[,]2[.]b', '1[.]a[.]b', 406, '1[.]a', '1-a', 406],
    [
      'performance',
      '{order_matters=true}step1[.]open[,]step2[.]10[:]20',
      'step1',
      406,
      'step1[.]open',
      '[.]',
      406,
    ],
    ['sequencing', 'a[,]b[,]c', 'a[,][,]b', 406, 'c[,]b[,]a', 'a b', 406],
    ['numeric', '10[:]20', '20[:]10', 406, '15.5', 'fifteen', 406],
    ['numeric', '[:]20', '10', 406, '-3', '3[:]4', 406],
    ['other', 'anything at all', 'x'.repeat(4001), 407, 'free text', 'x'.repeat(4001), 407],
  ])(
    'a %s interaction takes pattern %j (not %j: %d) and response %j (not %j: %d)',
    (type, pattern, badPattern, patternCode, response, badResponse, responseCode) => {
      const interaction = { 'cmi.interactions.0.id': 'q1', 'cmi.interactions.0.type': type };
      const patternElement = 'cmi.interactions.0.correct_responses.0.pattern';
      const responseElement = 'cmi.interactions.0.learner_response';
      expect(commit({ ...interaction, [patternElement]: pattern, [responseElement]: response }, {}).ok).toBe(
        true,
      );
      expect(refusal({ ...interaction, [patternElement]: badPattern }, {})).toMatchObject({
        code: patternCode,
        element: patternElement,
      });
      expect(refusal({ ...interaction, [responseElement]: badResponse }, {})).toMatchObject({
        code: responseCode,
        element: responseElement,
      });
    },
  );

  it.each(['true-false', 'likert', 'numeric', 'other'])(
    'gives a %s interaction one correct pattern (351)',
    (type) => {
      const state = { 'cmi.interactions.0.id': 'q1', 'cmi.interactions.0.type': type };
      const valid = { 'true-false': 'true', likert: 'agree', numeric: '10[:]10', other: 'x' }[type] ?? '';
      const first = commit({ 'cmi.interactions.0.correct_responses.0.pattern': valid }, state);
      if (!first.ok) throw new Error(first.error.message);
      expect(refusal({ 'cmi.interactions.0.correct_responses.1.pattern': valid }, first.state)).toMatchObject(
        {
          code: 351,
          element: 'cmi.interactions.0.correct_responses.1.pattern',
        },
      );
    },
  );
});

describe('SCORM 2004 read-only elements', () => {
  it.each([
    ['cmi.learner_id', 'urn:lms:user:u-999'],
    ['cmi.learner_name', 'Smith, John'],
    ['cmi.credit', 'no-credit'],
    ['cmi.entry', 'resume'],
    ['cmi.mode', 'review'],
    ['cmi.launch_data', 'chapter=3'],
    ['cmi.completion_threshold', '0.5'],
    ['cmi.scaled_passing_score', '0.9'],
    ['cmi.max_time_allowed', 'PT1H'],
    ['cmi.time_limit_action', 'exit,message'],
    ['cmi.comments_from_lms.0.comment', 'Skip chapter 2'],
    ['cmi.comments_from_lms.0.location', 'page-1'],
    ['cmi.comments_from_lms.0.timestamp', '2024-05-01T10:30:00Z'],
    ['adl.nav.request_valid.continue', 'true'],
    ['adl.nav.request_valid.previous', 'false'],
    ['adl.nav.request_valid.choice.{target=lesson.2}', 'true'],
    ['adl.nav.request_valid.jump.{target=intro}', 'true'],
  ])('%s may be repeated or left empty, never changed (404)', (element, other) => {
    expect(commit({ [element]: RUNNING[element] ?? '' })).toEqual({ ok: true, state: RUNNING, changed: [] });
    expect(commit({ [element]: '' })).toEqual({ ok: true, state: RUNNING, changed: [] });
    expect(refusal({ [element]: other })).toEqual({ code: 404, element, message: expect.any(String) });
  });

  it("ignores the total_time scorm-again computes on its terminating commit: the LMS's sum is kept", () => {
    expect(commit({ 'cmi.total_time': 'PT2M17S' })).toEqual({ ok: true, state: RUNNING, changed: [] });
    expect(refusal({ 'cmi.total_time': '00:02:17' }).code).toBe(404);
  });
});

describe('SCORM 2004 keywords and undefined elements', () => {
  it.each([
    ['cmi._version', '1.0'],
    ['cmi.comments_from_learner._children', 'comment,location,timestamp'],
    ['cmi.comments_from_learner._count', '0'],
    ['cmi.comments_from_lms._children', 'comment,location,timestamp'],
    ['cmi.comments_from_lms._count', '1'],
    [
      'cmi.interactions._children',
      'id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description',
    ],
    ['cmi.interactions._count', '1'],
    ['cmi.interactions.0.objectives._count', '0'],
    ['cmi.interactions.0.correct_responses._count', '0'],
    ['cmi.learner_preference._children', 'audio_level,language,delivery_speed,audio_captioning'],
    ['cmi.objectives._children', 'id,score,success_status,completion_status,progress_measure,description'],
    ['cmi.objectives._count', '1'],
    ['cmi.objectives.0.score._children', 'scaled,raw,min,max'],
    ['cmi.score._children', 'raw,min,max,scaled'],
  ])('%s is ignored when it says %j, refused with 404 when it says something else', (element, value) => {
    expect(commit({ [element]: value })).toEqual({ ok: true, state: RUNNING, changed: [] });
    expect(refusal({ [element]: '3.4' })).toEqual({ code: 404, element, message: expect.any(String) });
  });

  it.each([
    'cmi.foo',
    'cmi._children',
    'cmi.core.lesson_status',
    'cmi.student_data.mastery_score',
    'cmi.interactions.0.student_response',
    'cmi.interactions.0.time',
    'cmi.score.scaled.extra',
    'adl.data.0.id',
    'adl.nav.request_valid.choice',
    'adl.nav.foo',
  ])('refuses %s with 401 (undefined data model element)', (element) => {
    expect(refusal({ [element]: 'x' })).toEqual({ code: 401, element, message: expect.any(String) });
  });
});

describe('SCORM 2004 collections (n) and dependencies', () => {
  it.each([
    ['cmi.interactions.2.id', 'q3'],
    ['cmi.objectives.2.id', 'obj3'],
    ['cmi.comments_from_learner.1.comment', 'Second'],
    ['cmi.interactions.0.objectives.1.id', 'obj1'],
    ['cmi.interactions.0.correct_responses.1.pattern', 'a'],
  ])('refuses %s past _count with 351', (element, value) => {
    expect(refusal({ [element]: value })).toEqual({ code: 351, element, message: expect.any(String) });
  });

  it.each([
    [{ 'cmi.interactions.1.type': 'choice' }, 'cmi.interactions.1.type'],
    [{ 'cmi.interactions.1.description': 'Q2' }, 'cmi.interactions.1.description'],
    [{ 'cmi.interactions.1.objectives.0.id': 'obj1' }, 'cmi.interactions.1.objectives.0.id'],
    [
      { 'cmi.interactions.1.id': 'q2', 'cmi.interactions.1.learner_response': 'a' },
      'cmi.interactions.1.learner_response',
    ],
    [
      { 'cmi.interactions.1.id': 'q2', 'cmi.interactions.1.correct_responses.0.pattern': 'a' },
      'cmi.interactions.1.correct_responses.0.pattern',
    ],
    [{ 'cmi.objectives.1.score.scaled': '0.5' }, 'cmi.objectives.1.score.scaled'],
    [{ 'cmi.objectives.1.success_status': 'passed' }, 'cmi.objectives.1.success_status'],
  ])('refuses %j before what it depends on (408 at %s)', (incoming, element) => {
    expect(refusal(incoming)).toEqual({ code: 408, element, message: expect.any(String) });
  });

  it('takes an item whose id and type come later in the snapshot than the rest', () => {
    const result = commit({
      'cmi.interactions.1.learner_response': 'true',
      'cmi.interactions.1.type': 'true-false',
      'cmi.interactions.1.id': 'q2',
      'cmi.objectives.1.score.scaled': '0.5',
      'cmi.objectives.1.id': 'obj2',
    });
    expect(result.ok && result.changed).toEqual([
      'cmi.interactions.1.id',
      'cmi.interactions.1.type',
      'cmi.interactions.1.learner_response',
      'cmi.objectives.1.id',
      'cmi.objectives.1.score.scaled',
    ]);
  });

  it.each([
    [{ 'cmi.objectives.1.id': 'obj1' }, 'cmi.objectives.1.id'],
    [{ 'cmi.objectives.0.id': 'obj-renamed' }, 'cmi.objectives.0.id'],
    [
      { 'cmi.interactions.0.objectives.0.id': 'obj1', 'cmi.interactions.0.objectives.1.id': 'obj1' },
      'cmi.interactions.0.objectives.1.id',
    ],
  ])('keeps objective ids unique and unchanged (351): %j', (incoming, element) => {
    expect(refusal(incoming)).toEqual({ code: 351, element, message: expect.any(String) });
  });

  it('keeps at most 250 interactions, 100 objectives and 250 correct responses each', () => {
    const interactions = Object.fromEntries(
      Array.from({ length: 251 }, (_, i) => [`cmi.interactions.${i}.id`, `q${i}`]),
    );
    expect(refusal(interactions, {})).toMatchObject({ code: 351, element: 'cmi.interactions.250.id' });
    const objectives = Object.fromEntries(
      Array.from({ length: 101 }, (_, i) => [`cmi.objectives.${i}.id`, `o${i}`]),
    );
    expect(refusal(objectives, {})).toMatchObject({ code: 351, element: 'cmi.objectives.100.id' });
    const patterns = Object.fromEntries(
      Array.from({ length: 251 }, (_, i) => [`cmi.interactions.0.correct_responses.${i}.pattern`, `a${i}`]),
    );
    expect(refusal(patterns)).toMatchObject({
      code: 351,
      element: 'cmi.interactions.0.correct_responses.250.pattern',
    });
    expect(commit(Object.fromEntries(Object.entries(patterns).slice(0, 250))).ok).toBe(true);
  });

  it('keeps the data model under 300,000 bytes: 351 at the element that would cross it', () => {
    const comments = (count: number) =>
      Object.fromEntries(
        Array.from({ length: count }, (_, i) => [`cmi.comments_from_learner.${i}.comment`, 'x'.repeat(4000)]),
      );
    // RUNNING weighs 481 bytes; each comment 4035 or 4036 more: the 75th (index 74) crosses 300,000.
    expect(commit(comments(74)).ok).toBe(true);
    expect(refusal(comments(75))).toEqual({
      code: 351,
      element: 'cmi.comments_from_learner.74.comment',
      message: expect.stringContaining('303171 bytes'),
    });
  });

  it('refuses a commit of more than 5000 elements with 351', () => {
    const huge = Object.fromEntries(Array.from({ length: 5001 }, (_, i) => [`cmi.x${i}`, '']));
    expect(refusal(huge)).toEqual({ code: 351, element: '', message: expect.stringContaining('5001') });
  });
});

describe('SCORM 2004 commits are snapshots', () => {
  /** What scorm-again 3 sends (dataCommitFormat 'flattened') after a learner answered one question. */
  const SNAPSHOT = {
    'cmi.completion_status': 'incomplete',
    'cmi.completion_threshold': '0.8',
    'cmi.credit': 'credit',
    'cmi.entry': 'ab-initio',
    'cmi.exit': '',
    'cmi.launch_data': 'chapter=2',
    'cmi.learner_id': 'urn:lms:user:u-123',
    'cmi.learner_name': 'Doe, Jane',
    'cmi.learner_preference.audio_level': '1',
    'cmi.learner_preference.language': '',
    'cmi.learner_preference.delivery_speed': '1',
    'cmi.learner_preference.audio_captioning': '0',
    'cmi.location': 'page-2',
    'cmi.max_time_allowed': 'PT30M',
    'cmi.mode': 'normal',
    'cmi.progress_measure': '0.25',
    'cmi.scaled_passing_score': '0.7',
    'cmi.score.scaled': '',
    'cmi.score.raw': '',
    'cmi.score.min': '',
    'cmi.score.max': '',
    'cmi.session_time': 'PT0H0M0S',
    'cmi.success_status': 'unknown',
    'cmi.suspend_data': '',
    'cmi.time_limit_action': 'continue,no message',
    'cmi.interactions.0.id': 'q1',
    'cmi.interactions.0.type': 'choice',
    'cmi.interactions.0.timestamp': '',
    'cmi.interactions.0.weighting': '',
    'cmi.interactions.0.learner_response': 'b',
    'cmi.interactions.0.result': 'incorrect',
    'cmi.interactions.0.latency': '',
    'cmi.interactions.0.description': '',
    'cmi.interactions.0.objectives.0.id': 'obj1',
    'cmi.interactions.0.correct_responses.0.pattern': 'a',
  };

  it('writes only what differs from the stored state, and nothing the second time', () => {
    const fresh = startSession('scorm2004', START);
    const first = commit(SNAPSHOT, fresh);
    if (!first.ok) throw new Error(first.error.message);
    expect(new Set(first.changed)).toEqual(
      new Set([
        'cmi.completion_status',
        'cmi.location',
        'cmi.progress_measure',
        'cmi.session_time',
        'cmi.interactions.0.id',
        'cmi.interactions.0.type',
        'cmi.interactions.0.learner_response',
        'cmi.interactions.0.result',
        'cmi.interactions.0.objectives.0.id',
        'cmi.interactions.0.correct_responses.0.pattern',
      ]),
    );
    expect(commit(SNAPSHOT, first.state)).toEqual({ ok: true, state: first.state, changed: [] });
  });

  it('refuses the whole commit at its first invalid element, the valid writes included', () => {
    expect(refusal({ 'cmi.location': 'page-4', 'cmi.suspend_data': 'x'.repeat(64_001) })).toMatchObject({
      code: 407,
      element: 'cmi.suspend_data',
    });
  });
});

describe('SCORM 2004 sessions', () => {
  it('starts a new attempt with what the LMS supplies and the RTE initial values', () => {
    expect(startSession('scorm2004', START)).toEqual({
      'cmi.learner_id': 'urn:lms:user:u-123',
      'cmi.learner_name': 'Doe, Jane',
      'cmi.credit': 'credit',
      'cmi.entry': 'ab-initio',
      'cmi.mode': 'normal',
      'cmi.launch_data': 'chapter=2',
      'cmi.scaled_passing_score': '0.7',
      'cmi.completion_threshold': '0.8',
      'cmi.max_time_allowed': 'PT30M',
      'cmi.time_limit_action': 'continue,no message',
      'cmi.completion_status': 'unknown',
      'cmi.success_status': 'unknown',
      'cmi.total_time': 'PT0H0M0S',
      'cmi.learner_preference.audio_level': '1',
      'cmi.learner_preference.language': '',
      'cmi.learner_preference.delivery_speed': '1',
      'cmi.learner_preference.audio_captioning': '0',
      'adl.nav.request': '_none_',
    });
  });

  it('resumes a suspended attempt: entry=resume, suspend_data kept, exit, session_time and the nav request gone', () => {
    const suspended = {
      ...RUNNING,
      'cmi.suspend_data': 'slide=7',
      'cmi.location': 'page-7',
      'cmi.exit': 'suspend',
      'cmi.session_time': 'PT45S',
      'adl.nav.request': 'suspendAll',
    };
    const { 'cmi.exit': _exit, 'cmi.session_time': _time, ...kept } = suspended;
    expect(startSession('scorm2004', { ...START, entry: 'resume' }, suspended)).toEqual({
      ...kept,
      'cmi.entry': 'resume',
      'adl.nav.request': '_none_',
    });
  });

  it.each([
    ['learner.id', { learner: { id: '', name: 'Doe, Jane' } }],
    ['learner.name', { learner: { id: 'u-1', name: 'n'.repeat(251) } }],
    ['masteryScore', { masteryScore: 1.5 }],
    ['completionThreshold', { completionThreshold: -0.1 }],
    ['maxTimeAllowed', { maxTimeAllowed: '00:30:00' }],
    ['timeLimitAction', { timeLimitAction: 'exit,now' }],
    ['dataFromLms', { dataFromLms: 'd'.repeat(4001) }],
    ['entry', { entry: 'resume' as const }],
  ])('refuses a start whose %s does not fit its element', (field, change) => {
    const error = thrownBy(() => startSession('scorm2004', { ...START, ...change }));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({ fields: [{ path: field }] });
  });

  it('writes a negative mastery score (2004 allows -1..1) and a fraction without binary dust', () => {
    const state = startSession('scorm2004', {
      ...START,
      masteryScore: -0.25,
      completionThreshold: 0.1 + 0.2,
    });
    expect(state['cmi.scaled_passing_score']).toBe('-0.25');
    expect(state['cmi.completion_threshold']).toBe('0.3');
  });

  it('adds session_time to total_time at the end: PT1M30S + PT45S = 135 seconds', () => {
    const state = { ...RUNNING, 'cmi.session_time': 'PT45S', 'cmi.exit': 'suspend' };
    expect(outcomeOf('scorm2004', state).totalSeconds).toBe(135);
    const ended = endSession('scorm2004', state);
    const { 'cmi.session_time': _time, ...rest } = state;
    expect(ended).toEqual({ state: { ...rest, 'cmi.total_time': 'PT2M15S' }, suspended: true });
    expect(outcomeOf('scorm2004', ended.state).totalSeconds).toBe(135);
  });

  it.each([
    ['suspend', true],
    ['normal', false],
    ['logout', false],
    ['time-out', false],
    ['', false],
  ])('exit %j: suspended %s', (exit, suspended) => {
    expect(endSession('scorm2004', { ...RUNNING, 'cmi.exit': exit }).suspended).toBe(suspended);
  });

  it('gives the SCO everything but its write-only exit and session_time', () => {
    expect(
      readableState('scorm2004', { ...RUNNING, 'cmi.exit': 'suspend', 'cmi.session_time': 'PT45S' }),
    ).toEqual(RUNNING);
  });
});

describe('SCORM 2004 outcome (RTE 4.2.4.1, 4.2.22.1)', () => {
  const PLAIN = { ...RUNNING, 'cmi.completion_threshold': '', 'cmi.scaled_passing_score': '' };

  it.each([
    [{ 'cmi.completion_status': 'completed', 'cmi.success_status': 'passed' }, 'completed', 'passed'],
    [{ 'cmi.completion_status': 'not attempted', 'cmi.success_status': 'failed' }, 'not attempted', 'failed'],
    [{ 'cmi.completion_status': 'unknown', 'cmi.success_status': 'unknown' }, 'unknown', 'unknown'],
  ])('without threshold or passing score takes what the SCO set: %j', (statuses, completion, success) => {
    expect(outcomeOf('scorm2004', { ...PLAIN, ...statuses })).toEqual({
      completion,
      success,
      scoreScaled: null,
      totalSeconds: 90,
    });
  });

  it.each([
    [{ 'cmi.progress_measure': '0.9', 'cmi.completion_status': 'incomplete' }, 'completed'],
    [{ 'cmi.progress_measure': '0.8', 'cmi.completion_status': 'incomplete' }, 'completed'],
    [{ 'cmi.progress_measure': '0.5', 'cmi.completion_status': 'completed' }, 'incomplete'],
    [{ 'cmi.completion_status': 'completed' }, 'unknown'],
  ])('with completion threshold 0.8, %j is %s', (state, completion) => {
    expect(outcomeOf('scorm2004', { ...RUNNING, ...state }).completion).toBe(completion);
  });

  it.each([
    [{ 'cmi.score.scaled': '0.75', 'cmi.success_status': 'failed' }, 'passed', 0.75],
    [{ 'cmi.score.scaled': '0.7' }, 'passed', 0.7],
    [{ 'cmi.score.scaled': '0.6', 'cmi.success_status': 'passed' }, 'failed', 0.6],
    [{ 'cmi.success_status': 'passed' }, 'unknown', null],
  ])('with scaled passing score 0.7, %j is %s', (state, success, scoreScaled) => {
    expect(outcomeOf('scorm2004', { ...RUNNING, ...state })).toMatchObject({ success, scoreScaled });
  });
});
