/**
 * The LRS over HTTP through the local gateway, as AUs use it: the fetch URL (once), the version header,
 * the auth-token, LMS.LaunchData and the document resources, statements refused for what they are (schema,
 * another learner, the cmi5 rules, voiding by a cmi5 AU), an xAPI activity's statements with voiding and
 * paging, and the session's request limit. Nothing here reports progress, so it runs before the runtime
 * wires AttemptProgress (the cmi5 happy path is in xapi-cmi5-session.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/http.ts';
import { cmi5Statement, type LaunchedAu, launchAu, lrs, postFetchUrl, stateQuery } from '../support/xapi.ts';

let au: LaunchedAu;
let token: string;
let contextTemplate: { contextActivities: Record<string, unknown>; extensions: Record<string, unknown> };

beforeAll(async () => {
  au = await launchAu();
  const fetched = await postFetchUrl(au.fetch);
  token = fetched.json['auth-token'];
  const launchData = await lrs('GET', stateQuery(au, 'LMS.LaunchData'), token);
  contextTemplate = launchData.json.contextTemplate;
});

describe('the fetch URL and the credential', () => {
  it('answers the auth-token once; then, and for a key it never issued, the cmi5 error body with 200', async () => {
    // Prepare
    const fresh = await launchAu();
    const key = new URL(fresh.fetch).searchParams.get('k') as string;
    const sessionId = key.split('.')[0] as string;

    // Act
    const first = await postFetchUrl(fresh.fetch);
    const second = await postFetchUrl(fresh.fetch);
    const forged = await api(
      'POST',
      `/attempts/${fresh.input.attemptId}/auth-token?k=${sessionId}.${'x'.repeat(43)}`,
    );
    const noKey = await api('POST', `/attempts/${fresh.input.attemptId}/auth-token`);

    // Assess
    expect(fresh.endpoint).toMatch(/^http:\/\/localhost:\d+\/xapi\/$/);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(Object.keys(first.json)).toEqual(['auth-token']);
    expect(second.status).toBe(200);
    expect(second.json).toEqual({
      'error-code': '1',
      'error-text': 'The authorization token has already been returned.',
    });
    expect(forged.json).toEqual({
      'error-code': '2',
      'error-text': 'This fetch URL was not issued by this LMS for this attempt.',
    });
    expect(noKey.status).toBe(400);
    expect(noKey.json.errors).toEqual([
      { path: 'query.k', message: 'Invalid input: expected string, received undefined' },
    ]);
  });

  it('answers About to anyone, and refuses a request without the version header or without the auth-token', async () => {
    // Act
    const about = await api('GET', '/xapi/about');
    const noVersion = await lrs('GET', stateQuery(au), token, {
      headers: { 'x-experience-api-version': '' },
    });
    const noToken = await lrs('GET', stateQuery(au), null);
    const bearer = await lrs('GET', stateQuery(au), null, { headers: { authorization: `Bearer ${token}` } });
    const wrongToken = await lrs(
      'GET',
      stateQuery(au),
      Buffer.from(`${randomUUID()}:${'y'.repeat(43)}`).toString('base64'),
    );

    // Assess
    expect(about.status).toBe(200);
    expect(about.json).toEqual({ version: ['1.0.3', '2.0.0'], extensions: {} });
    expect(about.headers.get('x-experience-api-version')).toBe('1.0.3');
    expect(noVersion.status).toBe(400);
    expect(noVersion.headers.get('x-experience-api-version')).toBe('1.0.3');
    expect(noVersion.json.errors).toEqual([
      { path: 'headers.x-experience-api-version', message: 'required: 1.0.x or 2.0.x' },
    ]);
    for (const refused of [noToken, bearer, wrongToken]) {
      expect(refused.status).toBe(401);
      expect(refused.json.errors).toEqual([
        { path: 'headers.authorization', message: 'no valid auth-token of a current session' },
      ]);
    }
  });
});

describe('documents', () => {
  it("reads LMS.LaunchData (cmi5 §10) with its ETag, and refuses the AU's change to it (403)", async () => {
    // Act
    const launchData = await lrs('GET', stateQuery(au, 'LMS.LaunchData'), token);
    const change = await lrs('PUT', stateQuery(au, 'LMS.LaunchData'), token, {
      body: { launchMode: 'Review' },
    });

    // Assess
    expect(launchData.status).toBe(200);
    expect(launchData.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    expect(launchData.json).toMatchObject({
      launchMode: 'Normal',
      moveOn: 'CompletedAndPassed',
      masteryScore: 0.7,
    });
    expect(contextTemplate.contextActivities).toEqual({
      grouping: [{ objectType: 'Activity', id: au.input.au.id }],
    });
    expect(change.status).toBe(403);
  });

  it('stores State in any content type, merges JSON, honours If-Match, lists ids and deletes', async () => {
    // Act
    const put = await lrs('PUT', stateQuery(au, 'notes'), token, {
      rawBody: 'Chapter 2, page 4',
      headers: { 'content-type': 'text/plain' },
    });
    const notes = await lrs('GET', stateQuery(au, 'notes'), token);
    await lrs('POST', stateQuery(au, 'progress'), token, { body: { chapter: 2 } });
    const merged = await lrs('POST', stateQuery(au, 'progress'), token, { body: { page: 4 } });
    const progress = await lrs('GET', stateQuery(au, 'progress'), token);
    const stale = await lrs('PUT', stateQuery(au, 'notes'), token, {
      rawBody: 'lost update',
      headers: { 'content-type': 'text/plain', 'if-match': '"0000000000000000000000000000000000000000"' },
    });
    const mergeText = await lrs('POST', stateQuery(au, 'notes'), token, { body: { page: 5 } });
    const ids = await lrs('GET', stateQuery(au), token);
    const deleted = await lrs('DELETE', stateQuery(au, 'notes'), token);
    const gone = await lrs('GET', stateQuery(au, 'notes'), token);

    // Assess
    expect(put.status).toBe(204);
    expect(notes.text).toBe('Chapter 2, page 4');
    expect(notes.headers.get('content-type')).toBe('text/plain');
    expect(merged.status).toBe(204);
    expect(progress.json).toEqual({ chapter: 2, page: 4 });
    expect(stale.status).toBe(412);
    expect(mergeText.status).toBe(400);
    expect(mergeText.json.errors).toEqual([
      { path: 'document', message: 'must be application/json to merge' },
    ]);
    expect([...ids.json].sort()).toEqual(['LMS.LaunchData', 'notes', 'progress']);
    expect(deleted.status).toBe(204);
    expect(gone.status).toBe(404);
  });

  it('refuses another agent’s documents (403), a blind profile overwrite (409), and an oversized document (413)', async () => {
    // Prepare
    const other = encodeURIComponent(JSON.stringify({ mbox: 'mailto:someone.else@example.com' }));
    const mine = encodeURIComponent(JSON.stringify(au.actor));
    const activity = encodeURIComponent('https://example.com/courses/fire-safety/glossary');

    // Act
    const otherAgent = await lrs(
      'GET',
      `agents/profile?agent=${other}&profileId=cmi5LearnerPreferences`,
      token,
    );
    const preferences = await lrs(
      'PUT',
      `agents/profile?agent=${mine}&profileId=cmi5LearnerPreferences`,
      token,
      {
        body: { languagePreference: 'fr-FR,en-US', audioPreference: 'off' },
      },
    );
    const first = await lrs('PUT', `activities/profile?activityId=${activity}&profileId=terms`, token, {
      body: {},
    });
    const blind = await lrs('PUT', `activities/profile?activityId=${activity}&profileId=terms`, token, {
      body: {},
    });
    const huge = await lrs('PUT', stateQuery(au, 'huge'), token, {
      rawBody: 'x'.repeat(350 * 1024 + 1),
      headers: { 'content-type': 'text/plain' },
    });

    // Assess
    expect(otherAgent.status).toBe(403);
    expect(preferences.status).toBe(204);
    expect(first.status).toBe(204);
    expect(blind.status).toBe(409);
    expect(huge.status).toBe(413);
  });
  it('keeps Activity and Agent Profiles with their ETags: create only, merge on the ETag read, list, delete', async () => {
    // Prepare
    const activity = `activityId=${encodeURIComponent(`https://example.com/courses/${randomUUID()}`)}`;
    const agent = `agent=${encodeURIComponent(JSON.stringify(au.actor))}`;

    // Act
    const created = await lrs('PUT', `activities/profile?${activity}&profileId=settings`, token, {
      body: { theme: 'dark' },
      headers: { 'if-none-match': '*' },
    });
    const read = await lrs('GET', `activities/profile?${activity}&profileId=settings`, token);
    const merged = await lrs('POST', `activities/profile?${activity}&profileId=settings`, token, {
      body: { fontSize: 14 },
      headers: { 'if-match': read.headers.get('etag') as string },
    });
    const staleDelete = await lrs('DELETE', `activities/profile?${activity}&profileId=settings`, token, {
      headers: { 'if-match': read.headers.get('etag') as string },
    });
    const ids = await lrs('GET', `activities/profile?${activity}`, token);
    const current = await lrs('GET', `activities/profile?${activity}&profileId=settings`, token);
    const deleted = await lrs('DELETE', `activities/profile?${activity}&profileId=settings`, token, {
      headers: { 'if-match': current.headers.get('etag') as string },
    });
    const bookmark = await lrs('POST', `agents/profile?${agent}&profileId=bookmarks`, token, {
      body: { last: 3 },
    });
    const agentIds = await lrs('GET', `agents/profile?${agent}`, token);
    const agentDelete = await lrs('DELETE', `agents/profile?${agent}&profileId=bookmarks`, token);

    // Assess
    expect([created.status, merged.status, staleDelete.status, deleted.status]).toEqual([204, 204, 412, 204]);
    expect(read.json).toEqual({ theme: 'dark' });
    expect(current.json).toEqual({ theme: 'dark', fontSize: 14 });
    expect(ids.json).toEqual(['settings']);
    expect(bookmark.status).toBe(204);
    expect(agentIds.json).toContain('bookmarks');
    expect(agentDelete.status).toBe(204);
  });
});

describe('statements refused', () => {
  it('names the invalid field (400), and stores nothing of the batch', async () => {
    // Prepare
    const initialized = cmi5Statement(au, contextTemplate, 'initialized');
    const broken = { ...cmi5Statement(au, contextTemplate, 'experienced'), result: { score: { scaled: 7 } } };

    // Act
    const refused = await lrs('POST', 'statements', token, { body: [initialized, broken] });
    const stored = await lrs('GET', `statements?statementId=${initialized.id}`, token);

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual([
      { path: 'body.1.result.score.scaled', message: 'must be a valid Scaled' },
    ]);
    expect(stored.status).toBe(404);
  });

  it("refuses another learner's statement (403)", async () => {
    // Act
    const refused = await lrs('POST', 'statements', token, {
      body: {
        ...cmi5Statement(au, contextTemplate, 'initialized'),
        actor: {
          objectType: 'Agent',
          account: { homePage: 'https://lms.example.com', name: 'someone-else' },
        },
      },
    });

    // Assess
    expect(refused.status).toBe(403);
    expect(refused.json.errors).toEqual([
      { path: 'body.0.actor', message: 'must be the actor of the launch' },
    ]);
  });

  it('refuses what the cmi5 rules forbid: completed before initialized (400), voiding by an AU (403)', async () => {
    // Act
    const early = await lrs('POST', 'statements', token, {
      body: cmi5Statement(au, contextTemplate, 'completed', { completion: true, duration: 'PT1M' }),
    });
    const voiding = await lrs('POST', 'statements', token, {
      body: {
        actor: au.actor,
        verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
        object: { objectType: 'StatementRef', id: randomUUID() },
        context: { extensions: contextTemplate.extensions },
      },
    });

    // Assess
    expect(early.status).toBe(400);
    expect(early.json.errors).toEqual([
      { path: 'body.0.verb.id', message: 'the first statement of a session must be initialized' },
    ]);
    expect(voiding.status).toBe(403);
  });

  it('refuses the alternate request syntax (method=) and a batch over 50 statements', async () => {
    // Act
    const alternate = await lrs('POST', 'statements?method=PUT', token, { body: {} });
    const tooMany = await lrs('POST', 'statements', token, {
      body: Array.from({ length: 51 }, () => cmi5Statement(au, contextTemplate, 'initialized')),
    });

    // Assess
    expect(alternate.status).toBe(400);
    expect(alternate.json.errors).toEqual([
      { path: 'query.method', message: 'not a parameter of this route' },
    ]);
    expect(tooMany.status).toBe(413);
  });
});

describe('an xAPI (tincan) activity', () => {
  const ACTIVITY = 'https://example.com/tincan/safety-quiz';

  it('records, voids and pages statements with the auth it was launched with', async () => {
    // Prepare
    const quiz = await launchAu({
      standard: 'xapi',
      courseStructureId: ACTIVITY,
      au: {
        id: ACTIVITY,
        url: 'https://content.example.com/quiz/index.html',
        moveOn: 'NotApplicable',
        launchMethod: 'AnyWindow',
      },
      auIds: [ACTIVITY],
    });
    const auth = (quiz.auth as string).replace(/^Basic /, '');
    const question = (n: number) => ({
      actor: quiz.actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: { id: `${ACTIVITY}/question-${n}` },
      context: { registration: quiz.registration },
    });

    // Act
    const posted = await lrs('POST', 'statements', auth, { body: [question(1), question(2), question(3)] });
    const [first, second] = posted.json as string[];
    const put = await lrs('PUT', `statements?statementId=${randomUUID()}`, auth, { body: question(4) });
    const voided = await lrs('POST', 'statements', auth, {
      body: {
        actor: quiz.actor,
        verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
        object: { objectType: 'StatementRef', id: second },
      },
    });
    const page = await lrs('GET', 'statements?limit=2&ascending=true', auth);
    const next = await api('GET', page.json.more, {
      headers: { 'x-experience-api-version': '1.0.3', authorization: `Basic ${auth}` },
    });
    const byVoidedId = await lrs('GET', `statements?voidedStatementId=${second}`, auth);
    const byId = await lrs('GET', `statements?statementId=${second}`, auth);
    const ids = await lrs('GET', `statements?statementId=${first}&format=ids`, auth);

    // Assess
    expect(posted.status).toBe(200);
    expect(posted.json).toHaveLength(3);
    expect(put.status).toBe(204);
    expect(voided.status).toBe(200);
    expect(page.json.statements.map((statement: { id: string }) => statement.id)).toEqual([
      first,
      posted.json[2],
    ]);
    expect(page.json.more).toMatch(/^\/xapi\/statements\?limit=2&ascending=true&cursor=[A-Za-z0-9_-]+$/);
    expect(next.json.statements.map((statement: { verb: { id: string } }) => statement.verb.id)).toEqual([
      'http://adlnet.gov/expapi/verbs/answered',
      'http://adlnet.gov/expapi/verbs/voided',
    ]);
    expect(next.json.more).toBe('');
    expect(byVoidedId.json).toMatchObject({
      id: second,
      stored: expect.any(String),
      authority: expect.any(Object),
    });
    expect(byId.status).toBe(404);
    expect(ids.json.object).toEqual({ objectType: 'Activity', id: `${ACTIVITY}/question-1` });
    expect(page.headers.get('x-experience-api-consistent-through')).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe("a session's request limit", () => {
  it('answers 429 with Retry-After once a session sends more than 100 requests in 10 seconds', async () => {
    // Prepare
    const flooding = await launchAu();
    const floodToken = (await postFetchUrl(flooding.fetch)).json['auth-token'];

    // Act: bursts of 25 until refused (at most 300 requests)
    let refused: Awaited<ReturnType<typeof lrs>> | undefined;
    for (let burst = 0; burst < 12 && !refused; burst++) {
      const answers = await Promise.all(
        Array.from({ length: 25 }, () => lrs('GET', stateQuery(flooding), floodToken)),
      );
      refused = answers.find((answer) => answer.status === 429);
    }

    // Assess
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused?.headers.get('retry-after'))).toBeLessThanOrEqual(10);
    expect(refused?.headers.get('x-experience-api-version')).toBe('1.0.3');
  });
});
