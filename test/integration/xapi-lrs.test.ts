/**
 * The LRS against DynamoDB Local: a cmi5 launch (registration, session, `launched`, LMS.LaunchData), the
 * fetch URL, the AU's statements under the cmi5 rules with the progress they report (to a fake
 * AttemptProgress that records its calls), retries and conflicts, voiding, listing, relaunch and
 * abandonment, documents with their preconditions, and the per-session request limit. The clock is set by
 * each test.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import {
  ConflictError,
  InvalidInputError,
  OutOfScopeError,
  StaleVersionError,
} from '../../shared/domain/errors.ts';
import type { AttemptProgress } from '../../shared/runtime/progress.ts';
import { DynamoXapiDocumentStore } from '../../shared/store/xapi-document-store.ts';
import { DynamoLrsStore } from '../../shared/store/xapi-store.ts';
import { type Cmi5LaunchInput, startCmi5Session } from '../../shared/xapi/cmi5-session.ts';
import { authenticateSession, fetchAuthToken } from '../../shared/xapi/credentials.ts';
import {
  deleteDocuments,
  getDocument,
  listDocumentIds,
  writeDocument,
} from '../../shared/xapi/lrs-documents.ts';
import { getStatement, listStatements, recordStatements } from '../../shared/xapi/lrs-statements.ts';
import type { LrsSession } from '../../shared/xapi/session.ts';

const tableName = requireSetting('tableName');
const store = new DynamoLrsStore(dynamoDb(), tableName);
const documents = new DynamoXapiDocumentStore(dynamoDb(), tableName);

/** An AttemptProgress that records what it is told. */
function recordingProgress() {
  const calls: { method: string; attemptId: string; value: unknown }[] = [];
  const progress: AttemptProgress = {
    initialized: async (attemptId, at) => {
      calls.push({ method: 'initialized', attemptId, value: at });
    },
    record: async (attemptId, update) => {
      calls.push({ method: 'record', attemptId, value: update });
    },
  };
  return { progress, calls };
}

function lrs(start = '2026-05-01T09:00:00.000Z') {
  let now = new Date(start);
  const { progress, calls } = recordingProgress();
  const deps = {
    store,
    documents,
    progress,
    runtime: { now: () => now, newId: () => randomUUID() },
  };
  return { deps, calls, at: (iso: string) => (now = new Date(iso)) };
}

const PUBLISHER_AU = 'https://example.com/courses/fire/au/1';
const SECOND_AU = 'https://example.com/courses/fire/au/2';

function launch(overrides: Partial<Cmi5LaunchInput> = {}): Cmi5LaunchInput {
  const userId = randomUUID();
  return {
    attemptId: randomUUID(),
    courseId: randomUUID(),
    userId,
    contentVersion: 1,
    preview: false,
    standard: 'cmi5',
    courseStructureId: 'https://example.com/courses/fire',
    au: {
      id: PUBLISHER_AU,
      url: 'https://content.example.com/c/v1/au1/index.html?lang=en',
      moveOn: 'CompletedAndPassed',
      masteryScore: 0.8,
      launchMethod: 'AnyWindow',
      launchParameters: 'level=2',
    },
    auIds: [PUBLISHER_AU],
    actor: { objectType: 'Agent', account: { homePage: 'https://lms.example.com', name: userId } },
    apiBaseUrl: 'http://localhost:3000/',
    returnUrl: 'https://lms.example.com/courses/fire',
    now: new Date('2026-05-01T09:00:00.000Z'),
    ...overrides,
  };
}

/** Launches, fetches the auth-token, and answers the session as the LRS authenticates it. */
async function launchedSession(context: ReturnType<typeof lrs>, input: Cmi5LaunchInput) {
  const started = await startCmi5Session(context.deps, input);
  const url = new URL(started.contentUrl);
  const fetch = new URL(url.searchParams.get('fetch') as string);
  const answer = await fetchAuthToken(context.deps, input.attemptId, fetch.searchParams.get('k') as string);
  if (!('auth-token' in answer)) throw new Error(JSON.stringify(answer));
  const session = await authenticateSession(context.deps, `Basic ${answer['auth-token']}`);
  if (!session) throw new Error('no session');
  return { started, url, session, activityId: url.searchParams.get('activityId') as string };
}

/** A cmi5 defined statement of the session, with the result its verb needs. */
function cmi5(session: LrsSession, verb: string, result?: Record<string, unknown>, id = randomUUID()) {
  const moveOn = result && ('success' in result || 'completion' in result);
  return {
    id,
    actor: session.actor,
    verb: { id: `http://adlnet.gov/expapi/verbs/${verb}` },
    object: { id: session.au.activityId },
    ...(result ? { result } : {}),
    timestamp: '2026-05-01T09:01:00.000Z',
    context: {
      registration: session.registration,
      contextActivities: {
        category: [
          { id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5' },
          ...(moveOn ? [{ id: 'https://w3id.org/xapi/cmi5/context/categories/moveon' }] : []),
        ],
        grouping: [{ id: session.au.publisherId }],
      },
      extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': session.id },
    },
  };
}

async function verbsOf(session: LrsSession): Promise<string[]> {
  const page = await listStatements({ store }, session, {
    relatedActivities: false,
    ascending: true,
    limit: 100,
  });
  return page.items.map(
    (stored) =>
      String((stored.statement.verb as { id: string }).id)
        .split('/')
        .pop() as string,
  );
}

const options = { xapiVersion: '1.0.3' } as const;

describe('a cmi5 launch, against DynamoDB Local', () => {
  it('stores the registration, the session (hashes only), launched and LMS.LaunchData, and answers the AU URL', async () => {
    // Prepare
    const context = lrs();
    const input = launch();

    // Act
    const { started, url, session, activityId } = await launchedSession(context, input);

    // Assess: the launch URL (cmi5 §8.1), kept parameters of the AU's own URL included
    expect(url.origin + url.pathname).toBe('https://content.example.com/c/v1/au1/index.html');
    expect(url.searchParams.get('lang')).toBe('en');
    expect(url.searchParams.get('endpoint')).toBe('http://localhost:3000/xapi/');
    expect(url.searchParams.get('fetch')).toMatch(
      new RegExp(
        `^http://localhost:3000/attempts/${input.attemptId}/auth-token\\?k=${started.sessionId}\\.[A-Za-z0-9_-]{43}$`,
      ),
    );
    expect(JSON.parse(url.searchParams.get('actor') as string)).toEqual(input.actor);
    expect(url.searchParams.get('registration')).toBe(started.registration);
    expect(activityId).toMatch(new RegExp(`^urn:lms:course:${input.courseId}:au:[0-9a-f]{32}$`));
    // What is stored: hashes, never the secrets
    const { Item } = await dynamoDb().send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: `XAPISESSION#${started.sessionId}`, sk: 'SESSION' },
      }),
    );
    const fetchSecret = (url.searchParams.get('fetch') as string).split('.').pop() as string;
    expect(JSON.stringify(Item)).not.toContain(fetchSecret);
    expect(Item).toMatchObject({ registration: started.registration, fetchedAt: '2026-05-01T09:00:00.000Z' });
    expect(session.validUntil).toBe('2026-05-01T21:00:00.000Z');
    expect(await verbsOf(session)).toEqual(['launched']);
    const launchData = await getDocument(
      context.deps,
      session,
      { kind: 'state', activityId, agent: input.actor, registration: started.registration },
      'LMS.LaunchData',
    );
    expect(JSON.parse(launchData.content)).toEqual({
      contextTemplate: {
        contextActivities: { grouping: [{ objectType: 'Activity', id: PUBLISHER_AU }] },
        extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': started.sessionId },
      },
      launchMode: 'Normal',
      launchParameters: 'level=2',
      masteryScore: 0.8,
      moveOn: 'CompletedAndPassed',
      returnURL: 'https://lms.example.com/courses/fire',
    });
  });

  it('exchanges the fetch key once; a second call, another attempt or an expired session get cmi5 errors', async () => {
    // Prepare
    const context = lrs();
    const input = launch();
    const started = await startCmi5Session(context.deps, input);
    const key = new URL(new URL(started.contentUrl).searchParams.get('fetch') as string).searchParams.get(
      'k',
    ) as string;

    // Act
    const otherAttempt = await fetchAuthToken(context.deps, randomUUID(), key);
    const forged = await fetchAuthToken(
      context.deps,
      input.attemptId,
      `${started.sessionId}.${'A'.repeat(43)}`,
    );
    context.at('2026-05-01T21:00:00.000Z');
    const expired = await fetchAuthToken(context.deps, input.attemptId, key);
    context.at('2026-05-01T09:00:05.000Z');
    const first = await fetchAuthToken(context.deps, input.attemptId, key);
    const second = await fetchAuthToken(context.deps, input.attemptId, key);

    // Assess
    expect(otherAttempt).toEqual({
      'error-code': '2',
      'error-text': 'This fetch URL was not issued by this LMS for this attempt.',
    });
    expect(forged).toEqual(otherAttempt);
    expect(expired).toEqual({
      'error-code': '1',
      'error-text': 'The session has expired; launch the AU again.',
    });
    expect(first).toEqual({ 'auth-token': expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
    expect(second).toEqual({
      'error-code': '1',
      'error-text': 'The authorization token has already been returned.',
    });
    const token = (first as { 'auth-token': string })['auth-token'];
    expect(await authenticateSession(context.deps, `Basic ${token}`)).toMatchObject({
      id: started.sessionId,
    });
    expect(await authenticateSession(context.deps, `Bearer ${token}`)).toBeUndefined();
    context.at('2026-05-01T21:00:00.000Z');
    expect(await authenticateSession(context.deps, `Basic ${token}`)).toBeUndefined();
  });
});

describe("an AU's statements under the cmi5 rules", () => {
  it('initialized, completed and passed, terminated: progress reported, the course satisfied once', async () => {
    // Prepare
    const context = lrs();
    const input = launch();
    const { session } = await launchedSession(context, input);

    // Act
    context.at('2026-05-01T09:01:00.000Z');
    await recordStatements(context.deps, session, [cmi5(session, 'initialized')], options);
    context.at('2026-05-01T09:20:00.000Z');
    await recordStatements(
      context.deps,
      session,
      [
        cmi5(session, 'completed', { completion: true, duration: 'PT18M' }),
        cmi5(session, 'passed', { success: true, duration: 'PT19M', score: { scaled: 0.85 } }),
      ],
      options,
    );
    context.at('2026-05-01T09:21:00.000Z');
    await recordStatements(
      context.deps,
      session,
      [cmi5(session, 'terminated', { duration: 'PT20M' })],
      options,
    );

    // Assess
    const outcome = { completion: 'completed', success: 'passed', scoreScaled: 0.85 };
    expect(context.calls).toEqual([
      { method: 'initialized', attemptId: input.attemptId, value: '2026-05-01T09:01:00.000Z' },
      {
        method: 'record',
        attemptId: input.attemptId,
        value: {
          outcome: { completion: 'incomplete', success: 'unknown', scoreScaled: null, totalSeconds: 0 },
          ended: false,
          courseSatisfied: false,
        },
      },
      {
        method: 'record',
        attemptId: input.attemptId,
        value: { outcome: { ...outcome, totalSeconds: 0 }, ended: false, courseSatisfied: true },
      },
      {
        method: 'record',
        attemptId: input.attemptId,
        value: { outcome: { ...outcome, totalSeconds: 1200 }, ended: true, courseSatisfied: true },
      },
    ]);
    expect(await verbsOf(session)).toEqual([
      'launched',
      'initialized',
      'completed',
      'passed',
      'satisfied',
      'terminated',
    ]);
  });

  it('refuses a rule violation whole (400): nothing of the batch is stored, nothing reported', async () => {
    // Prepare
    const context = lrs();
    const { session } = await launchedSession(context, launch());
    context.at('2026-05-01T09:01:00.000Z');
    await recordStatements(context.deps, session, [cmi5(session, 'initialized')], options);
    context.calls.length = 0;
    const ok = cmi5(session, 'completed', { completion: true, duration: 'PT5M' });

    // Act
    const refusal = await recordStatements(
      context.deps,
      session,
      [ok, cmi5(session, 'failed', { success: false, duration: 'PT5M', score: { scaled: 0.9 } })],
      options,
    ).catch((error: unknown) => error);

    // Assess
    expect(refusal).toBeInstanceOf(InvalidInputError);
    expect((refusal as InvalidInputError).fields).toEqual([
      { path: 'body.1.result.score.scaled', message: 'failed needs a score below the masteryScore 0.8' },
    ]);
    expect(await verbsOf(session)).toEqual(['launched', 'initialized']);
    expect(context.calls).toEqual([]);
  });

  it("refuses another learner's statement and another registration (403)", async () => {
    // Prepare
    const context = lrs();
    const { session } = await launchedSession(context, launch());
    const stranger = {
      ...cmi5(session, 'initialized'),
      actor: { objectType: 'Agent', account: { homePage: 'https://lms.example.com', name: 'someone-else' } },
    };
    const elsewhere = cmi5(session, 'initialized');
    elsewhere.context.registration = randomUUID();

    // Act
    const refusals = await Promise.all(
      [stranger, elsewhere].map((statement) =>
        recordStatements(context.deps, session, [statement], options).catch((error: unknown) => error),
      ),
    );

    // Assess
    expect(
      refusals.map((error) => [error instanceof OutOfScopeError, (error as OutOfScopeError).fields]),
    ).toEqual([
      [true, [{ path: 'body.0.actor', message: 'must be the actor of the launch' }]],
      [true, [{ path: 'body.0.context.registration', message: 'must be the registration of the launch' }]],
    ]);
  });

  it('takes a retry of a stored statement as done (reporting again), and refuses other content under its id (409)', async () => {
    // Prepare
    const context = lrs();
    const input = launch();
    const { session } = await launchedSession(context, input);
    const initialized = cmi5(session, 'initialized');
    context.at('2026-05-01T09:01:00.000Z');
    await recordStatements(context.deps, session, [initialized], options);

    // Act
    const retried = await recordStatements(context.deps, session, [initialized], options);
    const conflict = await recordStatements(
      context.deps,
      session,
      [{ ...initialized, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' } }],
      options,
    ).catch((error: unknown) => error);

    // Assess
    expect(retried).toEqual([initialized.id]);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(await verbsOf(session)).toEqual(['launched', 'initialized']);
    expect(context.calls.filter((call) => call.method === 'initialized')).toHaveLength(2);
  });

  it('keeps every statement of concurrent requests of one session (each rereads and retries)', async () => {
    // Prepare
    const context = lrs();
    const { session } = await launchedSession(context, launch());
    context.at('2026-05-01T09:01:00.000Z');
    await recordStatements(context.deps, session, [cmi5(session, 'initialized')], options);
    context.at('2026-05-01T09:02:00.000Z');
    const experienced = (n: number) => ({
      actor: session.actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
      object: { id: `https://example.com/courses/fire/au/1/page/${n}` },
      context: {
        registration: session.registration,
        extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': session.id },
      },
    });

    // Act
    const answers = await Promise.allSettled(
      [1, 2, 3].map((n) => recordStatements(context.deps, session, [experienced(n)], options)),
    );

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(await verbsOf(session)).toEqual([
      'launched',
      'initialized',
      'experienced',
      'experienced',
      'experienced',
    ]);
  });

  it('refuses voiding from a cmi5 AU (403)', async () => {
    // Prepare
    const context = lrs();
    const { session } = await launchedSession(context, launch());
    const initialized = cmi5(session, 'initialized');
    await recordStatements(context.deps, session, [initialized], options);

    // Act
    const refusal = await recordStatements(
      context.deps,
      session,
      [
        {
          actor: session.actor,
          verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
          object: { objectType: 'StatementRef', id: initialized.id },
          context: { extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': session.id } },
        },
      ],
      options,
    ).catch((error: unknown) => error);

    // Assess
    expect(refusal).toBeInstanceOf(OutOfScopeError);
    expect(await getStatement({ store }, session, initialized.id, false)).toMatchObject({
      id: initialized.id,
    });
  });

  it('relaunching abandons the open session: abandoned with its duration, its attempt told it ended', async () => {
    // Prepare
    const context = lrs();
    const input = launch({ auIds: [PUBLISHER_AU, SECOND_AU] });
    const first = await launchedSession(context, input);
    context.at('2026-05-01T09:05:00.000Z');
    await recordStatements(context.deps, first.session, [cmi5(first.session, 'initialized')], options);
    context.calls.length = 0;

    // Act: another attempt of the same AU, an hour later
    const relaunch = { ...input, attemptId: randomUUID(), now: new Date('2026-05-01T10:00:00.000Z') };
    context.at('2026-05-01T10:00:00.000Z');
    const second = await launchedSession(context, relaunch);
    const late = await recordStatements(
      context.deps,
      first.session,
      [cmi5(first.session, 'terminated', { duration: 'PT1H' })],
      options,
    ).catch((error: unknown) => error);

    // Assess
    expect(second.started.registration).toBe(first.started.registration);
    expect(second.activityId).toBe(first.activityId);
    expect(await verbsOf(first.session)).toEqual(['launched', 'initialized', 'abandoned', 'launched']);
    const page = await listStatements({ store }, second.session, {
      relatedActivities: false,
      ascending: true,
      limit: 10,
      verb: 'https://w3id.org/xapi/adl/verbs/abandoned',
    });
    expect(page.items[0]?.statement.result).toEqual({ duration: 'PT5M0S' });
    expect(context.calls).toEqual([
      {
        method: 'record',
        attemptId: input.attemptId,
        value: {
          outcome: { completion: 'incomplete', success: 'unknown', scoreScaled: null, totalSeconds: 300 },
          ended: true,
          courseSatisfied: false,
        },
      },
    ]);
    expect(late).toBeInstanceOf(InvalidInputError);
    expect((late as InvalidInputError).fields).toEqual([
      { path: 'body.0', message: 'the session has ended (terminated or abandoned); launch the AU again' },
    ]);
  });

  it('satisfies the course at launch when every AU is NotApplicable', async () => {
    // Prepare
    const context = lrs();
    const input = launch({
      au: { ...launch().au, moveOn: 'NotApplicable' },
      auIds: [PUBLISHER_AU, SECOND_AU],
      notApplicableAuIds: [SECOND_AU],
    });

    // Act
    const { session } = await launchedSession(context, input);

    // Assess
    expect(await verbsOf(session)).toEqual(['launched', 'satisfied']);
    expect(context.calls).toEqual([
      {
        method: 'record',
        attemptId: input.attemptId,
        value: {
          outcome: { completion: 'not attempted', success: 'unknown', scoreScaled: null, totalSeconds: 0 },
          ended: false,
          courseSatisfied: true,
        },
      },
    ]);
  });
});

describe('an xAPI (tincan) activity', () => {
  const ACTIVITY = 'https://example.com/tincan/golf';

  async function xapiSession(context: ReturnType<typeof lrs>) {
    const input = launch({
      standard: 'xapi',
      courseStructureId: ACTIVITY,
      au: { ...launch().au, id: ACTIVITY, moveOn: 'NotApplicable' },
      auIds: [ACTIVITY],
    });
    const started = await startCmi5Session(context.deps, input);
    const url = new URL(started.contentUrl);
    const session = await authenticateSession(context.deps, url.searchParams.get('auth') as string);
    if (!session) throw new Error('no session');
    return { input, url, session };
  }
  const statement = (session: LrsSession, verb: string, extra: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    actor: session.actor,
    verb: { id: `http://adlnet.gov/expapi/verbs/${verb}` },
    object: { id: ACTIVITY },
    ...extra,
  });

  it('launches with the tincan parameters, no launch statement, and reports what the content says', async () => {
    // Prepare
    const context = lrs();
    const { input, url, session } = await xapiSession(context);

    // Act
    await recordStatements(
      context.deps,
      session,
      [
        statement(session, 'completed', {
          result: { completion: true, success: true, score: { scaled: 0.7 } },
        }),
      ],
      options,
    );

    // Assess
    expect(url.searchParams.get('auth')).toMatch(/^Basic [A-Za-z0-9+/]+=*$/);
    expect(url.searchParams.get('activity_id')).toBe(ACTIVITY);
    expect(url.searchParams.get('fetch')).toBeNull();
    expect(await verbsOf(session)).toEqual(['completed']);
    expect(context.calls).toEqual([
      {
        method: 'record',
        attemptId: input.attemptId,
        value: {
          outcome: { completion: 'completed', success: 'passed', scoreScaled: 0.7, totalSeconds: 0 },
          ended: false,
          courseSatisfied: null,
        },
      },
    ]);
  });

  it("voids the learner's own statement: gone from lists, found by voidedStatementId; a voiding one cannot be voided", async () => {
    // Prepare
    const context = lrs();
    const { session } = await xapiSession(context);
    const mistaken = statement(session, 'experienced');
    await recordStatements(context.deps, session, [mistaken], options);
    const voiding = {
      id: randomUUID(),
      actor: session.actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
      object: { objectType: 'StatementRef', id: mistaken.id },
    };

    // Act
    await recordStatements(context.deps, session, [voiding], options);
    const voidingTheVoiding = await recordStatements(
      context.deps,
      session,
      [{ ...voiding, id: randomUUID(), object: { objectType: 'StatementRef', id: voiding.id } }],
      options,
    ).catch((error: unknown) => error);

    // Assess
    expect(await verbsOf(session)).toEqual(['voided']);
    expect(await getStatement({ store }, session, mistaken.id, true)).toMatchObject({ id: mistaken.id });
    expect(
      await getStatement({ store }, session, mistaken.id, false).catch((error: Error) => error.message),
    ).toBe(`No statement with id ${mistaken.id}.`);
    expect(voidingTheVoiding).toBeInstanceOf(InvalidInputError);
    expect((voidingTheVoiding as InvalidInputError).fields).toEqual([
      { path: 'body.0.object.id', message: 'names a voiding statement' },
    ]);
  });

  it('lists pages by stored time with a cursor, since/until bounds and verb and activity filters', async () => {
    // Prepare: five statements a minute apart
    const context = lrs();
    const { session } = await xapiSession(context);
    const ids: string[] = [];
    for (const minute of [1, 2, 3, 4, 5]) {
      context.at(`2026-05-01T09:0${minute}:00.000Z`);
      const sent = statement(session, minute % 2 ? 'experienced' : 'answered', {
        object: { id: `${ACTIVITY}/q${minute}` },
      });
      ids.push(sent.id);
      await recordStatements(context.deps, session, [sent], options);
    }
    const list = (query: Partial<Parameters<typeof listStatements>[2]>) =>
      listStatements({ store }, session, {
        relatedActivities: false,
        ascending: false,
        limit: 100,
        ...query,
      });

    // Act
    const first = await list({ limit: 2 });
    const second = await list({ limit: 2, cursor: first.nextCursor ?? undefined });
    const window = await list({
      since: '2026-05-01T09:02:00.000Z',
      until: '2026-05-01T09:04:00.000Z',
      ascending: true,
    });
    const answered = await list({ verb: 'http://adlnet.gov/expapi/verbs/answered' });
    const q3 = await list({ activity: `${ACTIVITY}/q3` });
    const foreignCursor = await list({ cursor: Buffer.from('{"pk":"USER#1"}').toString('base64url') }).catch(
      (error: InvalidInputError) => error.fields,
    );

    // Assess
    const idsOf = (page: { items: { statement: { id?: unknown } }[] }) =>
      page.items.map((stored) => stored.statement.id);
    expect(idsOf(first)).toEqual([ids[4], ids[3]]);
    expect(idsOf(second)).toEqual([ids[2], ids[1]]);
    expect(idsOf(window)).toEqual([ids[2], ids[3]]);
    expect(idsOf(answered)).toEqual([ids[3], ids[1]]);
    expect(idsOf(q3)).toEqual([ids[2]]);
    expect(foreignCursor).toEqual([{ path: 'query.cursor', message: 'not a cursor of this listing' }]);
  });
});

describe('documents', () => {
  it('State: PUT, GET, POST merge, ETags (412), If-None-Match, list since, delete all but LMS.LaunchData', async () => {
    // Prepare
    const context = lrs();
    const input = launch();
    const { session, activityId, started } = await launchedSession(context, input);
    const target = {
      kind: 'state' as const,
      activityId,
      agent: input.actor,
      registration: started.registration,
    };
    const json = (value: unknown) => ({
      content: JSON.stringify(value),
      contentType: 'application/json',
      merge: false,
    });

    // Act
    context.at('2026-05-01T09:10:00.000Z');
    await writeDocument(context.deps, session, target, 'bookmark', json({ page: 3 }));
    const first = await getDocument(context.deps, session, target, 'bookmark');
    await writeDocument(context.deps, session, target, 'bookmark', {
      ...json({ seen: [1, 2] }),
      merge: true,
    });
    const stale = await writeDocument(context.deps, session, target, 'bookmark', {
      ...json({ page: 1 }),
      ifMatch: first.etag,
    }).catch((error: unknown) => error);
    const exists = await writeDocument(context.deps, session, target, 'bookmark', {
      ...json({ page: 1 }),
      ifNoneMatch: true,
    }).catch((error: unknown) => error);
    const launchDataChange = await writeDocument(
      context.deps,
      session,
      target,
      'LMS.LaunchData',
      json({}),
    ).catch((error: unknown) => error);
    context.at('2026-05-01T09:20:00.000Z');
    await writeDocument(context.deps, session, target, 'notes', {
      content: 'plain text',
      contentType: 'text/plain',
      merge: false,
    });
    const since = await listDocumentIds(context.deps, session, target, '2026-05-01T09:15:00.000Z');
    await deleteDocuments(context.deps, session, target, undefined, undefined);

    // Assess
    expect(first.etag).toBe('025053693d40cee617c43cdc7718f2b1da59b94a');
    expect(
      JSON.parse((await getDocument(context.deps, session, target, 'LMS.LaunchData')).content),
    ).toHaveProperty('moveOn', 'CompletedAndPassed');
    expect(stale).toBeInstanceOf(StaleVersionError);
    expect(exists).toBeInstanceOf(StaleVersionError);
    expect(launchDataChange).toBeInstanceOf(OutOfScopeError);
    expect(since).toEqual(['notes']);
    expect(await listDocumentIds(context.deps, session, target, undefined)).toEqual(['LMS.LaunchData']);
  });

  it('Activity and Agent Profiles: a PUT without preconditions on an existing profile is a 409', async () => {
    // Prepare
    const context = lrs();
    const input = launch();
    const { session } = await launchedSession(context, input);
    const profile = { kind: 'agent-profile' as const, agent: input.actor };
    const write = { content: '{"audioPreference":"on"}', contentType: 'application/json', merge: false };
    await writeDocument(context.deps, session, profile, 'cmi5LearnerPreferences', write);
    const stored = await getDocument(context.deps, session, profile, 'cmi5LearnerPreferences');

    // Act
    const blind = await writeDocument(context.deps, session, profile, 'cmi5LearnerPreferences', write).catch(
      (error: unknown) => error,
    );
    await writeDocument(context.deps, session, profile, 'cmi5LearnerPreferences', {
      ...write,
      content: '{"audioPreference":"off"}',
      ifMatch: stored.etag,
    });
    const foreign = await getDocument(
      context.deps,
      session,
      { kind: 'agent-profile', agent: { mbox: 'mailto:other@example.com' } },
      'cmi5LearnerPreferences',
    ).catch((error: unknown) => error);

    // Assess
    expect(blind).toBeInstanceOf(ConflictError);
    expect((await getDocument(context.deps, session, profile, 'cmi5LearnerPreferences')).content).toBe(
      '{"audioPreference":"off"}',
    );
    expect(foreign).toBeInstanceOf(OutOfScopeError);
  });
});

describe('the request limit of a session', () => {
  it('admits 100 requests per 10-second window, then answers the wait; a new window starts over', async () => {
    // Prepare
    const sessionId = randomUUID();
    const at = new Date('2026-05-01T09:00:02.000Z');

    // Act
    const answers = await Promise.all(Array.from({ length: 101 }, () => store.countRequest(sessionId, at)));
    const nextWindow = await store.countRequest(sessionId, new Date('2026-05-01T09:00:10.000Z'));

    // Assess
    expect(answers.filter((answer) => answer === undefined)).toHaveLength(100);
    expect(answers.filter((answer) => answer !== undefined)).toEqual([8]);
    expect(nextWindow).toBeUndefined();
  });
});
