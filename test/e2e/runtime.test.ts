/**
 * The learning runtime over HTTP, as the player and a learner's client call it: launch, the SCORM runtime
 * API (validation, idempotent commits, stale and late ones, resume), the enrollment that follows, previews
 * that never count, load times, and the refusals. A real browser playing packages is runtime-browser.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokenFor, userIdByEmail } from '../support/http.ts';
import { SCORM12_MANIFEST } from '../support/packages.ts';
import { enroll, publishedCourse, runtime, SCO_PAGE } from '../support/runtime.ts';

let admin = '';
let learner = '';
let learnerId = '';
let courseId = '';

beforeAll(async () => {
  [admin, learner] = await Promise.all([tokenFor('admin@example.com'), tokenFor('learner@example.com')]);
  learnerId = await userIdByEmail('learner@example.com');
  courseId = await publishedCourse(admin, { 'imsmanifest.xml': SCORM12_MANIFEST(), 'index.html': SCO_PAGE });
  await enroll(admin, courseId, [learnerId]);
});

async function launch(token = learner, path = `/courses/${courseId}/launch`) {
  const launched = await api('POST', path, { token, body: {} });
  expect(launched.status, launched.text).toBe(201);
  return launched.json;
}

describe('POST /courses/{id}/launch', () => {
  it('starts an attempt on the current version, puts the enrollment in progress and gives the player URL with the token in its fragment', async () => {
    // Act
    const launched = await launch();

    // Assess
    expect(launched.entry).toBe('new');
    expect(launched.attempt).toMatchObject({
      courseId,
      userId: learnerId,
      contentVersion: 1,
      standard: 'scorm12',
      scoId: 'ITEM-1',
      preview: false,
      status: 'launched',
      seq: 0,
    });
    expect(launched.launchToken).toMatch(/^lms_launch_[A-Za-z0-9_-]{43}$/);
    const url = new URL(launched.launchUrl);
    expect(url.pathname).toBe('/_player/index.html');
    expect(url.search).toBe('');
    const fragment = new URLSearchParams(url.hash.slice(1));
    expect(fragment.get('attempt')).toBe(launched.attempt.id);
    expect(fragment.get('token')).toBe(launched.launchToken);
    const enrollment = await api('GET', `/courses/${courseId}/enrollments/${learnerId}`, { token: admin });
    expect(enrollment.json).toMatchObject({ status: 'in_progress', contentVersion: 1 });

    const state = await runtime(launched.attempt.id, launched.launchToken).state();
    expect(state.status, state.text).toBe(200);
    expect(state.json.cmi['cmi.core.student_id']).toBe(learnerId);
    expect(state.json.cmi['cmi.core.entry']).toBe('ab-initio');
    expect(state.json.contentUrl).toMatch(new RegExp(`/${courseId}/v1/index\\.html$`));
  });

  it('refuses a person with no enrollment, naming the reason explain gives', async () => {
    // Act
    const refused = await api('POST', `/courses/${courseId}/launch`, {
      token: await tokenFor('manager@example.com'),
      body: {},
    });

    // Assess
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toBe('Not enrolled: no source has enrolled this person.');
  });
});

describe('PUT /attempts/{id}/cmi', () => {
  it('applies a commit once: a retry with the same number is answered again, another body with it is refused', async () => {
    // Prepare
    const { attempt, launchToken } = await launch();
    const player = runtime(attempt.id, launchToken);
    const values = { 'cmi.core.lesson_status': 'incomplete', 'cmi.core.lesson_location': 'page-3' };

    // Act
    const first = await player.commit(1, values);
    const retry = await player.commit(1, values);
    const reused = await player.commit(1, { ...values, 'cmi.core.lesson_location': 'page-4' });

    // Assess
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({
      result: 'true',
      errorCode: 0,
      seq: 1,
      status: 'running',
      replayed: false,
    });
    expect(retry.json).toMatchObject({ seq: 1, replayed: true });
    expect(reused.status).toBe(409);
    const state = await player.state();
    expect(state.json.seq).toBe(1);
    expect(state.json.cmi['cmi.core.lesson_location']).toBe('page-3');
  });

  it('refuses a stale number, and a later number after a lost one loses nothing', async () => {
    // Prepare
    const { attempt, launchToken } = await launch();
    const player = runtime(attempt.id, launchToken);
    await player.commit(1, { 'cmi.core.lesson_location': 'a' });
    await player.commit(2, { 'cmi.core.lesson_location': 'b', 'cmi.suspend_data': 'x=1' });

    // Act: 3 was lost on the way; 4 carries the whole model
    const stale = await player.commit(2, { 'cmi.core.lesson_location': 'c' });
    const later = await player.commit(4, { 'cmi.core.lesson_location': 'd', 'cmi.suspend_data': 'x=1' });

    // Assess
    expect(stale.status).toBe(409);
    expect(stale.json.scormError).toMatchObject({ code: 101 });
    expect(later.status, later.text).toBe(200);
    const state = await player.state();
    expect(state.json).toMatchObject({ seq: 4 });
    expect(state.json.cmi['cmi.suspend_data']).toBe('x=1');
  });

  it.each([
    ['a value outside the vocabulary', { 'cmi.core.lesson_status': 'finished' }, 405],
    ['a read-only element', { 'cmi.core.student_id': 'someone-else' }, 403],
    ['suspend data over 4,096 characters', { 'cmi.suspend_data': 'x'.repeat(4097) }, 405],
    // SCORM 1.2 names no code for an element it does not define; 201 (invalid argument) as ADL's test suite
    ['an unknown element', { 'cmi.core.favourite_colour': 'blue' }, 201],
  ])('refuses %s with the SCORM error code and keeps the last good state', async (_case, values, code) => {
    // Prepare
    const { attempt, launchToken } = await launch();
    const player = runtime(attempt.id, launchToken);
    await player.commit(1, { 'cmi.core.lesson_location': 'kept' });

    // Act
    const refused = await player.commit(2, { 'cmi.core.lesson_location': 'lost', ...values });

    // Assess
    expect(refused.status, refused.text).toBe(400);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.json.scormError.code).toBe(code);
    const state = await player.state();
    expect(state.json.seq).toBe(1);
    expect(state.json.cmi['cmi.core.lesson_location']).toBe('kept');
  });

  it('suspends with exit=suspend, resumes with entry=resume and the suspend data, and completes the enrollment with the score', async () => {
    // Prepare: a course of its own, so the enrollment's completion is this test's
    const ownCourse = await publishedCourse(admin, {
      'imsmanifest.xml': SCORM12_MANIFEST(),
      'index.html': SCO_PAGE,
    });
    await enroll(admin, ownCourse, [learnerId]);
    const first = await launch(learner, `/courses/${ownCourse}/launch`);
    const session1 = runtime(first.attempt.id, first.launchToken);
    await session1.commit(
      1,
      {
        'cmi.core.lesson_status': 'incomplete',
        'cmi.suspend_data': 'bookmark=7',
        'cmi.core.exit': 'suspend',
        'cmi.core.session_time': '00:01:30',
      },
      true,
    );

    // Act
    const second = await launch(learner, `/courses/${ownCourse}/launch`);
    const session2 = runtime(second.attempt.id, second.launchToken);
    const resumed = await session2.state();
    const done = await session2.commit(
      2,
      {
        'cmi.core.lesson_status': 'passed',
        'cmi.core.score.raw': '85',
        'cmi.core.session_time': '00:00:45',
        'cmi.core.exit': '',
      },
      true,
    );
    const late = await session2.commit(3, { 'cmi.core.lesson_location': 'again' });

    // Assess
    expect(second.entry).toBe('resume');
    expect(second.attempt.id).toBe(first.attempt.id);
    expect(resumed.json.cmi['cmi.core.entry']).toBe('resume');
    expect(resumed.json.cmi['cmi.suspend_data']).toBe('bookmark=7');
    expect(await session1.state().then((response) => response.status)).toBe(401);
    expect(done.json).toMatchObject({
      status: 'ended',
      outcome: { completion: 'completed', success: 'passed' },
    });
    expect(late.status).toBe(409);
    expect(late.json.scormError.code).toBe(101);
    const enrollment = await api('GET', `/courses/${ownCourse}/enrollments/${learnerId}`, { token: admin });
    expect(enrollment.json).toMatchObject({ status: 'completed', score: 85, timeSpentSeconds: 135 });
    const explained = await api('GET', `/users/${learnerId}/enrollments/${ownCourse}/explain`, {
      token: admin,
    });
    expect(explained.json.history.map((entry: { status: string }) => entry.status)).toEqual([
      'enrolled',
      'in_progress',
      'completed',
    ]);
  });

  it('refuses a missing token, the token of another attempt and a sign-in token with 401, changing nothing', async () => {
    // Prepare
    const one = await launch();
    const other = await launch(admin, `/courses/${courseId}/enrollments/${learnerId}/launch`);
    const values = { 'cmi.core.lesson_location': 'x' };

    // Act
    const responses = await Promise.all([
      api('PUT', `/attempts/${one.attempt.id}/cmi`, { body: { seq: 1, values } }),
      runtime(one.attempt.id, other.launchToken).commit(1, values),
      api('PUT', `/attempts/${one.attempt.id}/cmi`, { token: learner, body: { seq: 1, values } }),
    ]);

    // Assess
    expect(responses.map((response) => response.status)).toEqual([401, 401, 401]);
    const state = await runtime(one.attempt.id, one.launchToken).state();
    expect(state.json.seq).toBe(0);
  });

  it('throttles a SCO that commits in a loop, and what got through is whole', async () => {
    // Prepare
    const { attempt, launchToken } = await launch();
    const player = runtime(attempt.id, launchToken);

    // Act: 100 commits at once
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        player.commit(index + 1, { 'cmi.core.lesson_location': `page-${index + 1}` }),
      ),
    );

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(50);
    expect(responses.find((response) => response.status === 429)?.headers.get('retry-after')).toBe('1');
    expect(statuses.every((status) => [200, 409, 429].includes(status))).toBe(true);
    const state = await player.state();
    expect(state.json.cmi['cmi.core.lesson_location']).toBe(`page-${state.json.seq}`);
  });
});

describe('previews and load times', () => {
  it("never counts an admin's preview, and reports load times from Initialize per version", async () => {
    // Prepare
    const ownCourse = await publishedCourse(admin, {
      'imsmanifest.xml': SCORM12_MANIFEST(),
      'index.html': SCO_PAGE,
    });
    await enroll(admin, ownCourse, [learnerId]);
    const preview = await launch(admin, `/courses/${ownCourse}/enrollments/${learnerId}/launch`);
    await runtime(preview.attempt.id, preview.launchToken).event({ type: 'initialized' });
    await runtime(preview.attempt.id, preview.launchToken).commit(
      1,
      { 'cmi.core.lesson_status': 'passed' },
      true,
    );
    const real = await launch(learner, `/courses/${ownCourse}/launch`);
    const player = runtime(real.attempt.id, real.launchToken);

    // Act
    const initialized = await player.event({ type: 'initialized' });
    await player.event({ type: 'page-loaded', durationMs: 420 });
    await player.event({ type: 'sco-error', code: 405, message: 'Incorrect data type' });
    const performance = await api('GET', `/courses/${ownCourse}/performance`, { token: admin });

    // Assess
    expect(preview.attempt.preview).toBe(true);
    expect(initialized.status).toBe(204);
    const enrollment = await api('GET', `/courses/${ownCourse}/enrollments/${learnerId}`, { token: admin });
    expect(enrollment.json.status).toBe('in_progress');
    expect(performance.status, performance.text).toBe(200);
    expect(performance.json.overall).toMatchObject({ launches: 1, neverInitialized: 0, pageLoadP50Ms: 420 });
    expect(performance.json.overall.p50Ms).toBeGreaterThanOrEqual(0);
    expect(performance.json.byVersion).toEqual([expect.objectContaining({ contentVersion: 1, launches: 1 })]);
    expect(performance.json.errors).toEqual([{ code: 405, count: 1, lastMessage: 'Incorrect data type' }]);
  });
});
