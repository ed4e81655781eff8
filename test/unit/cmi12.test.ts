/**
 * The SCORM 1.2 data model. The tables follow the SCORM 1.2 Run-Time Environment: section 3.4.2 (each
 * element's data type, vocabulary, range and access), 3.4.1 (the data types) and 3.3.3 (error codes: 101
 * general, 201 invalid argument, 402 keyword, 403 read-only, 405 incorrect data type).
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
  learner: { id: 'u-123', name: 'Doe, Jane' },
  entry: 'ab-initio',
  credit: 'credit',
  mode: 'normal',
  masteryScore: 0.8,
  dataFromLms: 'chapter=2',
  maxTimeAllowed: '00:30:00',
  timeLimitAction: 'continue,no message',
};

/** A session under way: interaction 0 (`q1`, choice) and objective 0 (`obj1`) are recorded. */
const RUNNING: CmiState = {
  'cmi.core.student_id': 'u-123',
  'cmi.core.student_name': 'Doe, Jane',
  'cmi.core.credit': 'credit',
  'cmi.core.entry': 'ab-initio',
  'cmi.core.lesson_mode': 'normal',
  'cmi.core.lesson_status': 'incomplete',
  'cmi.core.total_time': '0000:01:30.00',
  'cmi.launch_data': 'chapter=2',
  'cmi.comments_from_lms': 'Read chapter 2 first',
  'cmi.student_data.mastery_score': '80',
  'cmi.student_data.max_time_allowed': '00:30:00',
  'cmi.student_data.time_limit_action': 'continue,no message',
  'cmi.objectives.0.id': 'obj1',
  'cmi.interactions.0.id': 'q1',
  'cmi.interactions.0.type': 'choice',
};

function commit(incoming: Record<string, string>, current: CmiState = RUNNING) {
  const before = structuredClone(current);
  const result = applyCommit('scorm12', current, incoming);
  expect(current).toEqual(before);
  return result;
}

function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

function refusal(incoming: Record<string, string>, current: CmiState = RUNNING) {
  const result = commit(incoming, current);
  if (result.ok) throw new Error(`expected a refusal, the commit changed ${result.changed.join(', ')}`);
  return result.error;
}

describe('SCORM 1.2 writable elements (RTE 3.4.2)', () => {
  it.each([
    // element, a value the spec allows, one it does not
    ['cmi.core.lesson_location', 'page-3', 'x'.repeat(256)],
    ['cmi.core.lesson_status', 'completed', 'done'],
    ['cmi.core.lesson_status', 'passed', 'not attempted'],
    ['cmi.core.score.raw', '85.5', '101'],
    ['cmi.core.score.raw', '0', 'eighty'],
    ['cmi.core.score.max', '100', '-1'],
    ['cmi.core.score.min', '0', '1e2'],
    ['cmi.core.exit', 'suspend', 'normal'],
    ['cmi.core.exit', 'logout', 'exit'],
    ['cmi.core.session_time', '0000:00:45.00', 'PT45S'],
    ['cmi.suspend_data', 'x'.repeat(4096), 'x'.repeat(4097)],
    ['cmi.comments', 'Great course', 'x'.repeat(4097)],
    ['cmi.objectives.0.id', 'obj-renamed', 'two words'],
    ['cmi.objectives.0.score.raw', '70', '100.5'],
    ['cmi.objectives.0.score.max', '90', 'ninety'],
    ['cmi.objectives.0.score.min', '10', '-5'],
    ['cmi.objectives.0.status', 'not attempted', 'unknown'],
    ['cmi.student_preference.audio', '-1', '101'],
    ['cmi.student_preference.language', 'en', 'x'.repeat(256)],
    ['cmi.student_preference.speed', '-100', '-101'],
    ['cmi.student_preference.text', '1', '0.5'],
    ['cmi.interactions.0.id', 'q-2', 'two words'],
    ['cmi.interactions.0.objectives.0.id', 'obj1', 'obj 1'],
    ['cmi.interactions.0.time', '13:05:00', '25:00:00'],
    ['cmi.interactions.0.type', 'numeric', 'essay'],
    ['cmi.interactions.0.correct_responses.0.pattern', 'a,b', 'x'.repeat(256)],
    ['cmi.interactions.0.weighting', '10', 'heavy'],
    ['cmi.interactions.0.student_response', 'b', 'x'.repeat(256)],
    ['cmi.interactions.0.result', 'wrong', 'incorrect'],
    ['cmi.interactions.0.result', '0.5', 'half'],
    ['cmi.interactions.0.latency', '00:00:30', '30s'],
  ])('%s takes %j and refuses %j with 405', (element, valid, invalid) => {
    const accepted = commit({ [element]: valid });
    expect(accepted).toEqual({ ok: true, state: { ...RUNNING, [element]: valid }, changed: [element] });
    expect(refusal({ [element]: invalid })).toEqual({ code: 405, element, message: expect.any(String) });
  });

  it('checks true-false and numeric responses against the interaction type, and others as free text', () => {
    const trueFalse = { ...RUNNING, 'cmi.interactions.0.type': 'true-false' };
    expect(commit({ 'cmi.interactions.0.student_response': 't' }, trueFalse).ok).toBe(true);
    expect(commit({ 'cmi.interactions.0.student_response': 'true' }, trueFalse).ok).toBe(true);
    expect(refusal({ 'cmi.interactions.0.student_response': 'yes' }, trueFalse).code).toBe(405);
    const numeric = { ...RUNNING, 'cmi.interactions.0.type': 'numeric' };
    expect(refusal({ 'cmi.interactions.0.correct_responses.0.pattern': 'ten' }, numeric).code).toBe(405);
    expect(commit({ 'cmi.interactions.0.student_response': 'Paris, France' }).ok).toBe(true);
  });
});

describe('SCORM 1.2 read-only elements', () => {
  it.each([
    ['cmi.core.student_id', 'u-999'],
    ['cmi.core.student_name', 'Smith, John'],
    ['cmi.core.credit', 'no-credit'],
    ['cmi.core.entry', 'resume'],
    ['cmi.core.lesson_mode', 'browse'],
    ['cmi.launch_data', 'chapter=3'],
    ['cmi.comments_from_lms', 'Skip chapter 2'],
    ['cmi.student_data.mastery_score', '50'],
    ['cmi.student_data.max_time_allowed', '01:00:00'],
    ['cmi.student_data.time_limit_action', 'exit,message'],
  ])('%s may be repeated or left empty, never changed (403)', (element, other) => {
    expect(commit({ [element]: RUNNING[element] ?? '' })).toEqual({ ok: true, state: RUNNING, changed: [] });
    expect(commit({ [element]: '' })).toEqual({ ok: true, state: RUNNING, changed: [] });
    expect(refusal({ [element]: other })).toEqual({ code: 403, element, message: expect.any(String) });
  });

  it("ignores the total_time scorm-again computes on its terminating commit: the LMS's sum is kept", () => {
    expect(commit({ 'cmi.core.total_time': '00:02:17' })).toEqual({ ok: true, state: RUNNING, changed: [] });
    expect(refusal({ 'cmi.core.total_time': 'two minutes' }).code).toBe(403);
  });
});

describe('SCORM 1.2 keywords and undefined elements', () => {
  it.each([
    ['cmi._version', '3.4'],
    [
      'cmi._children',
      'core,suspend_data,launch_data,comments,objectives,student_data,student_preference,interactions',
    ],
    [
      'cmi.core._children',
      'student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time',
    ],
    ['cmi.core.score._children', 'min,max,raw'],
    ['cmi.objectives._children', 'id,score,status'],
    ['cmi.objectives._count', '1'],
    ['cmi.objectives.0.score._children', 'raw,min,max'],
    ['cmi.student_data._children', 'mastery_score,max_time_allowed,time_limit_action'],
    ['cmi.student_preference._children', 'audio,language,speed,text'],
    [
      'cmi.interactions._children',
      'id,objectives,time,type,correct_responses,weighting,student_response,result,latency',
    ],
    ['cmi.interactions._count', '1'],
    ['cmi.interactions.0.objectives._count', '0'],
    ['cmi.interactions.0.correct_responses._count', '0'],
  ])('%s is ignored when it says %j, refused with 402 when it says something else', (element, value) => {
    expect(commit({ [element]: value })).toEqual({ ok: true, state: RUNNING, changed: [] });
    expect(refusal({ [element]: '7' })).toEqual({ code: 402, element, message: expect.any(String) });
  });

  it('counts the items the same commit appends', () => {
    expect(commit({ 'cmi.interactions.1.id': 'q2', 'cmi.interactions._count': '2' }).ok).toBe(true);
    expect(refusal({ 'cmi.interactions.1.id': 'q2', 'cmi.interactions._count': '1' }).code).toBe(402);
  });

  it.each([
    'cmi.foo',
    'cmi.core.foo',
    'cmi.learner_id',
    'cmi.core.score.scaled',
    'cmi.interactions.0.learner_response',
    'cmi.interactions.01.id',
    'cmi.core.0',
    'cmi..core',
    'cmi.core._count',
    'adl.nav.request',
  ])('refuses %s with 201 (invalid argument: no such element)', (element) => {
    expect(refusal({ [element]: 'x' })).toEqual({ code: 201, element, message: expect.any(String) });
  });
});

describe('SCORM 1.2 interactions and objectives (n)', () => {
  it('appends at _count, in one commit or several, whatever order the snapshot lists the items in', () => {
    const result = commit({ 'cmi.interactions.2.id': 'q3', 'cmi.interactions.1.id': 'q2' });
    expect(result.ok && result.changed).toEqual(['cmi.interactions.1.id', 'cmi.interactions.2.id']);
  });

  it.each([
    ['cmi.interactions.2.id', 'q3'],
    ['cmi.objectives.2.id', 'obj3'],
    ['cmi.interactions.0.correct_responses.1.pattern', 'b'],
    ['cmi.interactions.0.objectives.1.id', 'obj1'],
  ])('refuses %s past _count with 201', (element, value) => {
    expect(refusal({ [element]: value })).toEqual({ code: 201, element, message: expect.any(String) });
  });

  it('needs an interaction id before anything else of the interaction (201)', () => {
    expect(refusal({ 'cmi.interactions.1.type': 'choice' })).toMatchObject({
      code: 201,
      element: 'cmi.interactions.1.type',
    });
    expect(commit({ 'cmi.interactions.1.type': 'choice', 'cmi.interactions.1.id': 'q2' }).ok).toBe(true);
  });

  it('keeps at most 250 interactions and 100 objectives', () => {
    const interactions = Object.fromEntries(
      Array.from({ length: 250 }, (_, i) => [`cmi.interactions.${i}.id`, `q${i}`]),
    );
    const full = commit(interactions, {});
    expect(full.ok && full.changed.length).toBe(250);
    expect(refusal({ ...interactions, 'cmi.interactions.250.id': 'q250' }, {})).toMatchObject({
      code: 201,
      element: 'cmi.interactions.250.id',
    });
    const objectives = Object.fromEntries(
      Array.from({ length: 101 }, (_, i) => [`cmi.objectives.${i}.id`, `o${i}`]),
    );
    expect(refusal(objectives, {})).toMatchObject({ code: 201, element: 'cmi.objectives.100.id' });
  });
});

describe('SCORM 1.2 commits are snapshots', () => {
  /** What scorm-again 3 sends (dataCommitFormat 'flattened') after a learner answered one question. */
  const SNAPSHOT = {
    'cmi.suspend_data': '',
    'cmi.launch_data': 'chapter=2',
    'cmi.comments': '',
    'cmi.comments_from_lms': '',
    'cmi.core.student_id': 'u-123',
    'cmi.core.student_name': 'Doe, Jane',
    'cmi.core.lesson_location': 'page-2',
    'cmi.core.credit': 'credit',
    'cmi.core.lesson_status': 'incomplete',
    'cmi.core.entry': 'ab-initio',
    'cmi.core.lesson_mode': 'normal',
    'cmi.core.exit': '',
    'cmi.core.session_time': '00:00:00',
    'cmi.core.score.raw': '',
    'cmi.core.score.min': '',
    'cmi.core.score.max': '',
    'cmi.student_data.mastery_score': '80',
    'cmi.student_data.max_time_allowed': '00:30:00',
    'cmi.student_data.time_limit_action': 'continue,no message',
    'cmi.student_preference.audio': '',
    'cmi.student_preference.language': '',
    'cmi.student_preference.speed': '',
    'cmi.student_preference.text': '',
    'cmi.interactions.0.id': 'q1',
    'cmi.interactions.0.time': '',
    'cmi.interactions.0.type': 'choice',
    'cmi.interactions.0.weighting': '',
    'cmi.interactions.0.student_response': 'b',
    'cmi.interactions.0.result': 'wrong',
    'cmi.interactions.0.latency': '',
    'cmi.interactions.0.correct_responses.0.pattern': 'a',
  };

  it('writes only what differs from the stored state, and nothing the second time', () => {
    const fresh = startSession('scorm12', START);
    const first = commit(SNAPSHOT, fresh);
    if (!first.ok) throw new Error(first.error.message);
    expect(new Set(first.changed)).toEqual(
      new Set([
        'cmi.core.lesson_location',
        'cmi.core.lesson_status',
        'cmi.core.session_time',
        'cmi.interactions.0.id',
        'cmi.interactions.0.type',
        'cmi.interactions.0.student_response',
        'cmi.interactions.0.result',
        'cmi.interactions.0.correct_responses.0.pattern',
      ]),
    );
    expect(commit(SNAPSHOT, first.state)).toEqual({ ok: true, state: first.state, changed: [] });
  });

  it("reads '' as a clear only for an element that has an empty value and holds one", () => {
    const state = { ...RUNNING, 'cmi.core.lesson_location': 'page-9', 'cmi.core.score.raw': '70' };
    const result = commit(
      { 'cmi.core.lesson_location': '', 'cmi.core.score.raw': '', 'cmi.comments': '' },
      state,
    );
    expect(result).toEqual({
      ok: true,
      state: { ...state, 'cmi.core.lesson_location': '', 'cmi.core.score.raw': '' },
      changed: ['cmi.core.lesson_location', 'cmi.core.score.raw'],
    });
    // A decimal has no empty value: scorm-again renders one it did not load as '', which changes nothing.
    const audio = { ...RUNNING, 'cmi.student_preference.audio': '50' };
    expect(commit({ 'cmi.student_preference.audio': '' }, audio)).toEqual({
      ok: true,
      state: audio,
      changed: [],
    });
  });

  it('refuses the whole commit at its first invalid element, the valid writes included', () => {
    expect(refusal({ 'cmi.core.lesson_location': 'page-4', 'cmi.core.lesson_status': 'done' })).toMatchObject(
      {
        code: 405,
        element: 'cmi.core.lesson_status',
      },
    );
  });

  it('refuses a commit of more than 5000 elements with 101', () => {
    const huge = Object.fromEntries(Array.from({ length: 5001 }, (_, i) => [`cmi.x${i}`, '']));
    expect(refusal(huge)).toEqual({ code: 101, element: '', message: expect.stringContaining('5001') });
  });
});

describe('SCORM 1.2 sessions', () => {
  it('starts a new attempt with what the LMS supplies and the RTE initial values', () => {
    expect(startSession('scorm12', { ...START, timeLimitAction: 'Continue, No Message' })).toEqual({
      'cmi.core.student_id': 'u-123',
      'cmi.core.student_name': 'Doe, Jane',
      'cmi.core.credit': 'credit',
      'cmi.core.entry': 'ab-initio',
      'cmi.core.lesson_mode': 'normal',
      'cmi.core.lesson_status': 'not attempted',
      'cmi.core.total_time': '0000:00:00',
      'cmi.launch_data': 'chapter=2',
      'cmi.comments_from_lms': '',
      'cmi.student_data.mastery_score': '80',
      'cmi.student_data.max_time_allowed': '00:30:00',
      'cmi.student_data.time_limit_action': 'continue,no message',
    });
  });

  it('resumes a suspended attempt: entry=resume, suspend_data kept, exit and session_time gone', () => {
    const suspended = {
      ...RUNNING,
      'cmi.suspend_data': 'slide=7',
      'cmi.core.lesson_location': 'page-7',
      'cmi.core.exit': 'suspend',
      'cmi.core.session_time': '00:00:45',
    };
    const { 'cmi.core.exit': _exit, 'cmi.core.session_time': _time, ...kept } = suspended;
    expect(startSession('scorm12', { ...START, entry: 'resume' }, suspended)).toEqual({
      ...kept,
      'cmi.core.entry': 'resume',
    });
  });

  it.each([
    ['learner.name', { learner: { id: 'u-1', name: 'n'.repeat(256) } }],
    ['learner.id', { learner: { id: 'u 1', name: 'Doe, Jane' } }],
    ['masteryScore', { masteryScore: 1.5 }],
    ['masteryScore', { masteryScore: Number.NaN }],
    ['maxTimeAllowed', { maxTimeAllowed: 'PT30M' }],
    ['timeLimitAction', { timeLimitAction: 'stop' }],
    ['dataFromLms', { dataFromLms: 'd'.repeat(4097) }],
    ['entry', { entry: 'resume' as const }],
  ])('refuses a start whose %s does not fit its element', (field, change) => {
    const error = thrownBy(() => startSession('scorm12', { ...START, ...change }));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({ fields: [{ path: field }] });
  });

  it('adds session_time to total_time at the end: 0000:01:30.00 + 00:00:45 = 0000:02:15.00', () => {
    const state = { ...RUNNING, 'cmi.core.session_time': '00:00:45', 'cmi.core.exit': 'suspend' };
    expect(outcomeOf('scorm12', state).totalSeconds).toBe(135);
    const ended = endSession('scorm12', state);
    const { 'cmi.core.session_time': _time, ...rest } = state;
    expect(ended).toEqual({ state: { ...rest, 'cmi.core.total_time': '0000:02:15.00' }, suspended: true });
    expect(outcomeOf('scorm12', ended.state).totalSeconds).toBe(135);
  });

  it.each([
    ['suspend', true],
    ['', false],
    ['logout', false],
    ['time-out', false],
  ])('exit %j: suspended %s', (exit, suspended) => {
    expect(endSession('scorm12', { ...RUNNING, 'cmi.core.exit': exit }).suspended).toBe(suspended);
  });

  it.each([
    ['normal', 'not attempted', 'completed'],
    ['browse', 'not attempted', 'browsed'],
    ['review', 'not attempted', 'completed'],
    ['normal', 'incomplete', 'incomplete'],
    ['browse', 'failed', 'failed'],
  ])('in %s mode, a lesson_status %j at the end becomes %j (RTE 3.4.2, p. 3-25)', (mode, status, ended) => {
    const state = {
      ...RUNNING,
      'cmi.student_data.mastery_score': '',
      'cmi.core.lesson_mode': mode,
      'cmi.core.lesson_status': status,
    };
    expect(endSession('scorm12', state).state['cmi.core.lesson_status']).toBe(ended);
  });

  it('lets the mastery score decide passed or failed at the end, when taken for credit', () => {
    const state = { ...RUNNING, 'cmi.core.lesson_status': 'completed', 'cmi.core.score.raw': '75' };
    expect(endSession('scorm12', state).state['cmi.core.lesson_status']).toBe('failed');
  });

  it('gives the SCO everything but its write-only exit and session_time', () => {
    const state = { ...RUNNING, 'cmi.core.exit': 'suspend', 'cmi.core.session_time': '00:00:45' };
    expect(readableState('scorm12', state)).toEqual(RUNNING);
  });
});

describe('SCORM 1.2 outcome', () => {
  it.each([
    ['passed', 'completed', 'passed'],
    ['completed', 'completed', 'unknown'],
    ['failed', 'incomplete', 'failed'],
    ['incomplete', 'incomplete', 'unknown'],
    ['browsed', 'incomplete', 'unknown'],
    ['not attempted', 'not attempted', 'unknown'],
  ])('lesson_status %s is completion %s, success %s', (status, completion, success) => {
    const state = { ...RUNNING, 'cmi.student_data.mastery_score': '', 'cmi.core.lesson_status': status };
    expect(outcomeOf('scorm12', state)).toEqual({ completion, success, scoreScaled: null, totalSeconds: 90 });
  });

  it.each([
    ['credit', '85', 'incomplete', 'completed', 'passed'],
    ['credit', '80', 'incomplete', 'completed', 'passed'],
    ['credit', '79', 'completed', 'incomplete', 'failed'],
    ['no-credit', '50', 'completed', 'completed', 'unknown'],
    ['credit', '', 'completed', 'completed', 'unknown'],
  ])(
    'with %s, raw %j and status %s against mastery 80: completion %s, success %s',
    (credit, raw, status, completion, success) => {
      const state = {
        ...RUNNING,
        'cmi.core.credit': credit,
        'cmi.core.score.raw': raw,
        'cmi.core.lesson_status': status,
      };
      expect(outcomeOf('scorm12', state)).toMatchObject({ completion, success });
    },
  );

  it.each([
    [{ 'cmi.core.score.raw': '85' }, 0.85],
    [{ 'cmi.core.score.raw': '30', 'cmi.core.score.min': '20', 'cmi.core.score.max': '40' }, 0.5],
    [{ 'cmi.core.score.raw': '100', 'cmi.core.score.max': '50' }, 1],
    [{ 'cmi.core.score.raw': '10', 'cmi.core.score.min': '50', 'cmi.core.score.max': '50' }, null],
    [{ 'cmi.core.score.raw': '' }, null],
  ])('scales the score %j to %s', (score, scaled) => {
    expect(outcomeOf('scorm12', { ...RUNNING, ...score }).scoreScaled).toBe(scaled);
  });
});
