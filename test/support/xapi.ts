/**
 * What an AU does, for the LRS's e2e tests: launched by `startCmi5Session` (the runtime's launch route calls
 * it), it reads its launch URL, fetches its auth-token, reads LMS.LaunchData and sends statements built on
 * its context template, over HTTP through the local gateway.
 */
import { randomUUID } from 'node:crypto';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import type { AttemptProgress } from '../../shared/runtime/progress.ts';
import { DynamoLrsStore } from '../../shared/store/xapi-store.ts';
import { type Cmi5LaunchInput, startCmi5Session } from '../../shared/xapi/cmi5-session.ts';
import { type ApiRequest, type ApiResponse, api, gatewayUrl } from './http.ts';

export const PUBLISHER_AU = 'https://example.com/courses/fire-safety/au/intro';

/** The AttemptProgress calls a launch made (abandoning, satisfying at launch), recorded in the test process. */
export const launchReports: { method: string; attemptId: string; value: unknown }[] = [];
const progress: AttemptProgress = {
  initialized: async (attemptId, at) => {
    launchReports.push({ method: 'initialized', attemptId, value: at });
  },
  record: async (attemptId, update) => {
    launchReports.push({ method: 'record', attemptId, value: update });
  },
};

export interface LaunchedAu {
  input: Cmi5LaunchInput;
  /** The launch URL's parameters, as the AU reads them. */
  endpoint: string;
  fetch: string;
  actor: Record<string, unknown>;
  registration: string;
  activityId: string;
  /** tincan's `auth` (xAPI activities): the credential itself. */
  auth: string | null;
}

/** A launch of a new learner in a new course, as the runtime's launch use case makes it. */
export async function launchAu(overrides: Partial<Cmi5LaunchInput> = {}): Promise<LaunchedAu> {
  const userId = randomUUID();
  const input: Cmi5LaunchInput = {
    attemptId: randomUUID(),
    courseId: randomUUID(),
    userId,
    contentVersion: 1,
    preview: false,
    standard: 'cmi5',
    courseStructureId: 'https://example.com/courses/fire-safety',
    au: {
      id: PUBLISHER_AU,
      url: 'https://content.example.com/fire-safety/intro/index.html',
      moveOn: 'CompletedAndPassed',
      masteryScore: 0.7,
      launchMethod: 'AnyWindow',
    },
    auIds: [PUBLISHER_AU],
    actor: { objectType: 'Agent', account: { homePage: 'https://lms.example.com', name: userId } },
    apiBaseUrl: gatewayUrl(),
    now: new Date(),
    ...overrides,
  };
  const deps = {
    store: new DynamoLrsStore(dynamoDb(), requireSetting('tableName')),
    progress,
    runtime: { now: () => new Date(), newId: () => randomUUID() },
  };
  const { contentUrl } = await startCmi5Session(deps, input);
  const parameters = new URL(contentUrl).searchParams;
  return {
    input,
    endpoint: parameters.get('endpoint') as string,
    fetch: parameters.get('fetch') ?? '',
    actor: JSON.parse(parameters.get('actor') as string),
    registration: parameters.get('registration') as string,
    activityId: (parameters.get('activityId') ?? parameters.get('activity_id')) as string,
    auth: parameters.get('auth'),
  };
}

/** A cmi5 course structure of one AU (`index.html`), with its moveOn and mastery score. */
export const CMI5_COURSE = (
  moveOn = 'CompletedAndPassed',
  masteryScore = 0.7,
) => `<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/courses/fire-safety">
    <title><langstring lang="en-US">Fire safety</langstring></title>
    <description><langstring lang="en-US">Evacuation routes and extinguishers.</langstring></description>
  </course>
  <au id="${PUBLISHER_AU}" moveOn="${moveOn}" masteryScore="${masteryScore}">
    <title><langstring lang="en-US">Introduction</langstring></title>
    <description><langstring lang="en-US">The first lesson.</langstring></description>
    <url>index.html</url>
  </au>
</courseStructure>`;

/**
 * The AU's launch as the LMS makes it: the learner's `POST /courses/{id}/launch`, then the AU URL the
 * runtime state names (what the player sends the browser to), read as the AU reads it.
 */
export async function launchThroughLms(
  courseId: string,
  learnerToken: string,
): Promise<{ attemptId: string; launchToken: string; au: Omit<LaunchedAu, 'input'> }> {
  const launched = await api('POST', `/courses/${courseId}/launch`, { token: learnerToken, body: {} });
  if (launched.status !== 201) throw new Error(`launch refused: ${launched.text}`);
  const { attempt, launchToken } = launched.json;
  const state = await api('GET', `/attempts/${attempt.id}/cmi`, {
    headers: { authorization: `Bearer ${launchToken}` },
  });
  const parameters = new URL(state.json.contentUrl).searchParams;
  return {
    attemptId: attempt.id,
    launchToken,
    au: {
      endpoint: parameters.get('endpoint') as string,
      fetch: parameters.get('fetch') ?? '',
      actor: JSON.parse(parameters.get('actor') as string),
      registration: parameters.get('registration') as string,
      activityId: parameters.get('activityId') as string,
      auth: null,
    },
  };
}

/** POSTs the fetch URL, as cmi5 §8.2 has the AU do (no body, no xAPI header). */
export async function postFetchUrl(fetchUrl: string): Promise<ApiResponse> {
  const url = new URL(fetchUrl);
  return api('POST', `${url.pathname}${url.search}`);
}

/** An xAPI request to the LRS with the auth-token and the version header (unless `headers` replace them). */
export function lrs(
  method: string,
  path: string,
  authToken: string | null,
  request: ApiRequest = {},
): Promise<ApiResponse> {
  return api(method, `/xapi/${path}`, {
    ...request,
    headers: {
      'x-experience-api-version': '1.0.3',
      ...(authToken ? { authorization: `Basic ${authToken}` } : {}),
      ...request.headers,
    },
  });
}

/** The query naming the AU's state documents (activity, agent, registration). */
export function stateQuery(au: Omit<LaunchedAu, 'input'>, stateId?: string): string {
  const query = new URLSearchParams({
    activityId: au.activityId,
    agent: JSON.stringify(au.actor),
    registration: au.registration,
    ...(stateId ? { stateId } : {}),
  });
  return `activities/state?${query}`;
}

/** A cmi5 defined statement, its context from LMS.LaunchData's contextTemplate (cmi5 §10). */
export function cmi5Statement(
  au: Omit<LaunchedAu, 'input'>,
  contextTemplate: { contextActivities: Record<string, unknown>; extensions: Record<string, unknown> },
  verb: string,
  result?: Record<string, unknown>,
): Record<string, unknown> {
  const moveOn = result && ('success' in result || 'completion' in result);
  return {
    id: randomUUID(),
    actor: au.actor,
    verb: { id: `http://adlnet.gov/expapi/verbs/${verb}`, display: { 'en-US': verb } },
    object: { id: au.activityId, objectType: 'Activity' },
    ...(result ? { result } : {}),
    timestamp: new Date().toISOString(),
    context: {
      ...contextTemplate,
      registration: au.registration,
      contextActivities: {
        ...contextTemplate.contextActivities,
        category: [
          { id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5' },
          ...(moveOn ? [{ id: 'https://w3id.org/xapi/cmi5/context/categories/moveon' }] : []),
        ],
      },
    },
  };
}
