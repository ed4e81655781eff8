/**
 * A cmi5 AU's whole session over HTTP, as the AU runs it after the learner launched the course: the launch
 * URL's parameters, fetch, LMS.LaunchData, then initialized, completed and passed, terminated, and the
 * statements read back (the LMS's launched and satisfied among them). The attempt and the enrollment
 * follow: completed, passed, 90.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokenFor, userIdByEmail } from '../support/http.ts';
import { enroll, publishedCourse } from '../support/runtime.ts';
import {
  CMI5_COURSE,
  cmi5Statement,
  type LaunchedAu,
  launchThroughLms,
  lrs,
  postFetchUrl,
  stateQuery,
} from '../support/xapi.ts';

let au: Omit<LaunchedAu, 'input'>;
let token: string;
let contextTemplate: { contextActivities: Record<string, unknown>; extensions: Record<string, unknown> };
let courseId: string;
let learnerId: string;
let admin: string;

beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
  learnerId = await userIdByEmail('learner@example.com');
  courseId = await publishedCourse(admin, {
    'cmi5.xml': CMI5_COURSE(),
    'index.html':
      '<!doctype html><html lang="en"><head><title>Intro</title></head><body><main><h1>Intro</h1></main></body></html>',
  });
  await enroll(admin, courseId, [learnerId]);
  ({ au } = await launchThroughLms(courseId, await tokenFor('learner@example.com')));
  token = (await postFetchUrl(au.fetch)).json['auth-token'];
  contextTemplate = (await lrs('GET', stateQuery(au, 'LMS.LaunchData'), token)).json.contextTemplate;
});

describe('a cmi5 session over HTTP', () => {
  it('initialized, completed and passed, terminated: stored in order, with the LMS satisfying the course', async () => {
    // Act
    const initialized = await lrs('POST', 'statements', token, {
      body: cmi5Statement(au, contextTemplate, 'initialized'),
    });
    const results = await lrs('POST', 'statements', token, {
      body: [
        cmi5Statement(au, contextTemplate, 'completed', { completion: true, duration: 'PT4M' }),
        cmi5Statement(au, contextTemplate, 'passed', {
          success: true,
          duration: 'PT5M',
          score: { scaled: 0.9 },
        }),
      ],
    });
    const terminated = await lrs('POST', 'statements', token, {
      body: cmi5Statement(au, contextTemplate, 'terminated', { duration: 'PT6M' }),
    });
    const after = await lrs('POST', 'statements', token, {
      body: cmi5Statement(au, contextTemplate, 'initialized'),
    });
    const statements = await lrs('GET', 'statements?ascending=true', token);

    // Assess
    expect(initialized.status, initialized.text).toBe(200);
    expect(results.status, results.text).toBe(200);
    expect(terminated.status, terminated.text).toBe(200);
    expect(after.status).toBe(400);
    expect(
      statements.json.statements.map((statement: { verb: { id: string } }) => statement.verb.id),
    ).toEqual([
      'http://adlnet.gov/expapi/verbs/launched',
      'http://adlnet.gov/expapi/verbs/initialized',
      'http://adlnet.gov/expapi/verbs/completed',
      'http://adlnet.gov/expapi/verbs/passed',
      'https://w3id.org/xapi/adl/verbs/satisfied',
      'http://adlnet.gov/expapi/verbs/terminated',
    ]);
    const enrollment = await api('GET', `/courses/${courseId}/enrollments/${learnerId}`, { token: admin });
    expect(enrollment.json).toMatchObject({ status: 'completed', score: 90, timeSpentSeconds: 360 });
    const performance = await api('GET', `/courses/${courseId}/performance`, { token: admin });
    expect(performance.json.overall).toMatchObject({ launches: 1, neverInitialized: 0 });
  });
});
