/**
 * The player's pure parts: reading the launch link, the runtime API's answers, and the commit transport's
 * sequence numbers (against a runtime API port that answers as told). The browser test (test/e2e/player.test.ts)
 * runs the whole page in Chromium.
 */
import { describe, expect, it } from 'vitest';
import type { CommitBody } from '../../shared/domain/attempt.ts';
import { type CommitPort, CommitTransport, commitValues } from '../../shared/player/commit-transport.ts';
import { readLaunch } from '../../shared/player/launch.ts';
import { type CommitAnswer, commitAnswer, runtimeState } from '../../shared/player/runtime-api.ts';

const ATTEMPT = '0f8b6a52-3c1e-4f7a-9d2b-5e6f7a8b9c0d';
const API = encodeURIComponent('https://api.example.com/prod/');

describe('readLaunch', () => {
  it('reads the attempt, the token and the API base URL (without its trailing slash)', () => {
    // Act
    const read = readLaunch(`#attempt=${ATTEMPT}&token=eyJhbGciOi.x-y_z&api=${API}`);

    // Assess
    expect(read).toEqual({
      launch: { attemptId: ATTEMPT, token: 'eyJhbGciOi.x-y_z', apiBaseUrl: 'https://api.example.com/prod' },
    });
  });

  it('keeps a token as it is written, + and / and = included', () => {
    // Act
    const read = readLaunch(`#attempt=${ATTEMPT}&token=ab+c/d==&api=${API}`);

    // Assess
    expect(read).toMatchObject({ launch: { token: 'ab+c/d==' } });
  });

  it.each([
    ['no attempt', `#token=t&api=${API}`, 'the launch link has no valid "attempt" (an attempt id)'],
    [
      'an attempt that is no id',
      `#attempt=../../users&token=t&api=${API}`,
      'the launch link has no valid "attempt" (an attempt id)',
    ],
    ['no token', `#attempt=${ATTEMPT}&api=${API}`, 'the launch link has no valid "token" (its launch token)'],
    [
      'a token with a space',
      `#attempt=${ATTEMPT}&token=a%20b&api=${API}`,
      'the launch link has no valid "token" (its launch token)',
    ],
    [
      'a token of 4097 characters',
      `#attempt=${ATTEMPT}&token=${'t'.repeat(4097)}&api=${API}`,
      'the launch link has no valid "token" (its launch token)',
    ],
    [
      'a malformed escape in the API',
      `#attempt=${ATTEMPT}&token=t&api=https%3A%2F%2Fx%E0%A4%A`,
      'the launch link\'s "api" is not an absolute URL',
    ],
    ['no API', `#attempt=${ATTEMPT}&token=t`, 'the launch link\'s "api" is not an absolute URL'],
    [
      'a relative API',
      `#attempt=${ATTEMPT}&token=t&api=%2Fprod`,
      'the launch link\'s "api" is not an absolute URL',
    ],
    [
      'a javascript: API',
      `#attempt=${ATTEMPT}&token=t&api=javascript%3Aalert(1)`,
      'the launch link\'s "api" is not an http(s) URL of the runtime API',
    ],
    [
      'an API with credentials',
      `#attempt=${ATTEMPT}&token=t&api=${encodeURIComponent('https://u:p@api.example.com')}`,
      'the launch link\'s "api" is not an http(s) URL of the runtime API',
    ],
    [
      'an API with a query',
      `#attempt=${ATTEMPT}&token=t&api=${encodeURIComponent('https://api.example.com/?x=1')}`,
      'the launch link\'s "api" must not carry a query or fragment',
    ],
  ])('refuses a fragment with %s, naming the part', (_, fragment, error) => {
    // Assess
    expect(readLaunch(fragment)).toEqual({ error });
  });
});

describe('commitAnswer', () => {
  it.each<[string, number, unknown, CommitAnswer]>([
    [
      'an applied commit',
      200,
      { result: 'true', errorCode: 0, seq: 4, replayed: false },
      { kind: 'applied', seq: 4 },
    ],
    ['a replay', 200, { result: 'true', errorCode: 0, seq: 4, replayed: true }, { kind: 'applied', seq: 4 }],
    [
      'a refusal',
      400,
      {
        status: 400,
        scormError: { code: 405, element: 'cmi.core.score.raw', message: 'Incorrect data type' },
      },
      { kind: 'refused', code: 405, reason: 'Incorrect data type' },
    ],
    [
      'a stale sequence number',
      409,
      { status: 409, scormError: { code: 391, element: '', message: 'Stale commit' } },
      { kind: 'refused', code: 391, reason: 'Stale commit' },
    ],
    [
      'a refusal without a message',
      403,
      { scormError: { code: 403, element: 'cmi.core.student_id' } },
      { kind: 'refused', code: 403, reason: 'SCORM error 403' },
    ],
    [
      'an expired token',
      401,
      { status: 401 },
      { kind: 'failed', reason: 'the launch has expired: launch the course again' },
    ],
    ['throttling', 429, { status: 429 }, { kind: 'failed', reason: 'the LMS is busy (too many requests)' }],
    ['a server error with a detail', 503, { detail: 'Try later' }, { kind: 'failed', reason: 'Try later' }],
    ['a server error without a body', 502, undefined, { kind: 'failed', reason: 'the LMS answered 502' }],
    [
      'a 200 without a seq',
      200,
      { result: 'true' },
      { kind: 'failed', reason: 'the LMS sent an answer the player does not understand' },
    ],
    [
      'a 5xx that names a SCORM error',
      500,
      { scormError: { code: 101 } },
      { kind: 'failed', reason: 'the LMS answered 500' },
    ],
  ])('reads %s', (_, status, body, answer) => {
    // Assess
    expect(commitAnswer(status, body)).toEqual(answer);
  });
});

describe('runtimeState', () => {
  const state = {
    attemptId: ATTEMPT,
    standard: 'scorm12',
    status: 'suspended',
    seq: 3,
    cmi: { 'cmi.core.entry': 'resume' },
    contentUrl: 'https://content.example.com/c/v1/index.html',
  };

  it('takes the state of the contract', () => {
    // Assess
    expect(runtimeState(state)).toEqual(state);
  });

  it.each([
    ['not an object', 'state'],
    ['an unknown standard', { ...state, standard: 'aicc' }],
    ['a negative seq', { ...state, seq: -1 }],
    ['a fractional seq', { ...state, seq: 1.5 }],
    ['a number in cmi', { ...state, cmi: { 'cmi.core.score.raw': 80 } }],
    ['cmi as an array', { ...state, cmi: ['resume'] }],
    ['no content URL', { ...state, contentUrl: undefined }],
    [
      'too many elements',
      { ...state, cmi: Object.fromEntries(Array.from({ length: 20_001 }, (_, i) => [`e${i}`, ''])) },
    ],
  ])('refuses %s', (_, body) => {
    // Assess
    expect(runtimeState(body)).toBeUndefined();
  });
});

describe('commitValues', () => {
  it("keeps every element with a value, as text; leaves out empty collections and the LMS's total time", () => {
    // Act
    const values = commitValues({
      'cmi.core.score.raw': '80',
      'cmi.core.lesson_status': 'passed',
      'cmi.student_preference.audio': 0,
      'cmi.objectives': {},
      'cmi.interactions.0.correct_responses': {},
      'cmi.core.total_time': '00:01:30',
      'cmi.total_time': 'PT1M30S',
      'cmi.launch_data': '',
    });

    // Assess
    expect(values).toEqual({
      'cmi.core.score.raw': '80',
      'cmi.core.lesson_status': 'passed',
      'cmi.student_preference.audio': '0',
      'cmi.launch_data': '',
    });
  });
});

/** A runtime API that gives the answers it is told, in order, and records the commits. */
function runtimeAnswering(...answers: CommitAnswer[]) {
  const commits: CommitBody[] = [];
  const onExit: CommitBody[] = [];
  const port: CommitPort = {
    commit(body) {
      commits.push(body);
      const answer = answers.shift();
      if (!answer) throw new Error('no answer left');
      return answer;
    },
    commitOnExit(body) {
      onExit.push(body);
    },
  };
  return { port, commits, onExit };
}

function transportOver(port: CommitPort, options: { seq?: number; leaving?: boolean } = {}) {
  const saved: string[] = [];
  const transport = new CommitTransport(port, {
    seq: options.seq ?? 0,
    generalFailure: 101,
    leaving: () => options.leaving ?? false,
    onSaved: () => saved.push('saved'),
    onSaveFailed: (reason) => saved.push(`failed: ${reason}`),
  });
  return { transport, saved };
}

describe('CommitTransport', () => {
  it('numbers commits from the state’s seq and moves on with what the LMS applied', () => {
    // Prepare
    const runtime = runtimeAnswering({ kind: 'applied', seq: 6 }, { kind: 'applied', seq: 7 });
    const { transport, saved } = transportOver(runtime.port, { seq: 5 });

    // Act
    const first = transport.processHttpRequest('', { 'cmi.core.lesson_location': 'p1' }, false);
    const second = transport.processHttpRequest('', { 'cmi.core.lesson_location': 'p2' }, true);

    // Assess
    expect([first, second]).toEqual([
      { result: 'true', errorCode: 0 },
      { result: 'true', errorCode: 0 },
    ]);
    expect(runtime.commits).toEqual([
      { seq: 6, values: { 'cmi.core.lesson_location': 'p1' }, terminate: false },
      { seq: 7, values: { 'cmi.core.lesson_location': 'p2' }, terminate: true },
    ]);
    expect(saved).toEqual(['saved', 'saved']);
  });

  it("returns the LMS's SCORM error for a refused commit, and sends the next one with the same number", () => {
    // Prepare
    const runtime = runtimeAnswering(
      { kind: 'refused', code: 405, reason: 'Incorrect data type' },
      { kind: 'applied', seq: 1 },
    );
    const { transport, saved } = transportOver(runtime.port);

    // Act
    const refused = transport.processHttpRequest('', { 'cmi.core.score.raw': 'eighty' }, false);
    transport.processHttpRequest('', { 'cmi.core.score.raw': '80' }, false);

    // Assess
    expect(refused).toEqual({ result: 'false', errorCode: 405, errorMessage: 'Incorrect data type' });
    expect(transport.refusals).toBe(1);
    expect(runtime.commits.map((c) => c.seq)).toEqual([1, 1]);
    expect(saved).toEqual(['failed: Incorrect data type', 'saved']);
  });

  it('sends a commit that got no answer again at once, the same; twice without one, it fails with the general code', () => {
    // Prepare
    const runtime = runtimeAnswering(
      { kind: 'unreachable' },
      { kind: 'applied', seq: 1 },
      { kind: 'unreachable' },
      { kind: 'unreachable' },
      { kind: 'applied', seq: 2 },
    );
    const { transport, saved } = transportOver(runtime.port);

    // Act
    const retried = transport.processHttpRequest('', { 'cmi.suspend_data': 'a' }, false);
    const lost = transport.processHttpRequest('', { 'cmi.suspend_data': 'b' }, false);
    transport.processHttpRequest('', { 'cmi.suspend_data': 'b' }, false);

    // Assess
    expect(retried).toEqual({ result: 'true', errorCode: 0 });
    expect(lost).toEqual({ result: 'false', errorCode: 101 });
    expect(runtime.commits.map((c) => c.seq)).toEqual([1, 1, 2, 2, 2]);
    expect(runtime.commits[0]).toEqual(runtime.commits[1]);
    expect(saved).toEqual(['saved', 'failed: the LMS could not be reached', 'saved']);
  });

  it('fails with the general code when the LMS answers without a SCORM error (expired, throttled)', () => {
    // Prepare
    const runtime = runtimeAnswering({ kind: 'failed', reason: 'the LMS is busy (too many requests)' });
    const { transport } = transportOver(runtime.port);

    // Act
    const result = transport.processHttpRequest('', {}, false);

    // Assess
    expect(result).toEqual({
      result: 'false',
      errorCode: 101,
      errorMessage: 'the LMS is busy (too many requests)',
    });
  });

  it('as the page is left, sends a commit that cannot get through synchronously with keepalive', () => {
    // Prepare
    const runtime = runtimeAnswering({ kind: 'unreachable' }, { kind: 'unreachable' });
    const { transport } = transportOver(runtime.port, { seq: 2, leaving: true });

    // Act
    const result = transport.processHttpRequest('', { 'cmi.exit': 'suspend' }, true);

    // Assess
    expect(result).toEqual({ result: 'true', errorCode: 0 });
    expect(runtime.onExit).toEqual([{ seq: 3, values: { 'cmi.exit': 'suspend' }, terminate: true }]);
  });

  it("sends the exit commit with keepalive and the next number, which the page's next commit does not reuse", () => {
    // Prepare
    const runtime = runtimeAnswering({ kind: 'applied', seq: 4 });
    const { transport } = transportOver(runtime.port, { seq: 2 });

    // Act
    transport.sendOnExit({ 'cmi.location': 'p9', 'cmi.objectives': {} });
    transport.processHttpRequest('', { 'cmi.location': 'p9' }, false);

    // Assess
    expect(runtime.onExit).toEqual([{ seq: 3, values: { 'cmi.location': 'p9' }, terminate: false }]);
    expect(runtime.commits.map((c) => c.seq)).toEqual([4]);
  });
});
