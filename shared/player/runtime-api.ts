/// <reference lib="dom" />
/**
 * The player's side of the runtime API (`<api>/attempts/{id}/cmi` and `/events`, with the launch token as
 * bearer). The API is on another origin than the player: every call is a CORS request.
 *
 * Commits are synchronous XHRs: SCORM's Commit/LMSCommit and Terminate/LMSFinish return their result to the
 * SCO, so the answer must be known before they return. Everything else is `fetch`.
 */
// Types only: the schemas would bring zod into the browser (100 KB).
import type { CommitBody, RuntimeEventBody, RuntimeState } from '../domain/attempt.ts';
import type { Launch } from './launch.ts';

/** What became of one commit request. */
export type CommitAnswer =
  /** Applied (or a replay of a commit already applied): `seq` is now the attempt's last commit. */
  | { readonly kind: 'applied'; readonly seq: number }
  /** The LMS read it and refused it with a SCORM error code (nothing of it was stored). */
  | { readonly kind: 'refused'; readonly code: number; readonly reason: string }
  /** The LMS answered without a SCORM error (expired token, throttled, down): the commit may be sent again. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** No answer at all (connection refused or dropped): whether it was applied is unknown, so it is sent again as is. */
  | { readonly kind: 'unreachable' };

export class RuntimeApiError extends Error {}

export class RuntimeApi {
  /** `GET` the runtime state, `PUT` commits. */
  readonly cmiUrl: string;
  private readonly eventsUrl: string;
  private readonly authorization: string;

  constructor(launch: Launch) {
    const attempt = `${launch.apiBaseUrl}/attempts/${encodeURIComponent(launch.attemptId)}`;
    this.cmiUrl = `${attempt}/cmi`;
    this.eventsUrl = `${attempt}/events`;
    this.authorization = `Bearer ${launch.token}`;
  }

  /** The attempt's state: what the SCORM API starts from, or where a cmi5/xAPI AU is. */
  async readState(): Promise<RuntimeState> {
    let response: Response;
    try {
      response = await fetch(this.cmiUrl, { headers: { authorization: this.authorization } });
    } catch {
      throw new RuntimeApiError('the LMS could not be reached');
    }
    if (response.status === 401)
      throw new RuntimeApiError('the launch link has expired: launch the course again');
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw new RuntimeApiError(problemDetail(body) ?? `the LMS answered ${response.status}`);
    const state = runtimeState(body);
    if (!state) throw new RuntimeApiError('the LMS sent an attempt state the player does not understand');
    return state;
  }

  /** Sends one commit and waits for the answer (a synchronous XHR: see the module comment). */
  commit(body: CommitBody): CommitAnswer {
    const request = new XMLHttpRequest();
    request.open('PUT', this.cmiUrl, false);
    request.setRequestHeader('authorization', this.authorization);
    request.setRequestHeader('content-type', 'application/json');
    try {
      request.send(JSON.stringify(body));
    } catch {
      return { kind: 'unreachable' };
    }
    if (request.status === 0) return { kind: 'unreachable' };
    return commitAnswer(request.status, parseJson(request.responseText));
  }

  /**
   * Sends a commit the page will not wait for: it is being closed or left, when browsers refuse synchronous
   * XHRs. `keepalive` lets the request outlive the page.
   */
  commitOnExit(body: CommitBody): void {
    fetch(this.cmiUrl, {
      method: 'PUT',
      keepalive: true,
      headers: { authorization: this.authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => {});
  }

  /** Reports what the player observed; a lost report is not worth bothering the learner with. */
  report(event: RuntimeEventBody): void {
    fetch(this.eventsUrl, {
      method: 'POST',
      headers: { authorization: this.authorization, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    }).catch(() => {});
  }
}

/**
 * Reads the LMS's answer to a commit: `200 CommitResult`, or problem+json with `scormError` when the commit was
 * refused (4xx, including 409 for a stale sequence number or an ended attempt).
 */
export function commitAnswer(status: number, body: unknown): CommitAnswer {
  if (status >= 200 && status < 300) {
    const seq = (body as { seq?: unknown } | undefined)?.seq;
    return Number.isInteger(seq)
      ? { kind: 'applied', seq: seq as number }
      : { kind: 'failed', reason: 'the LMS sent an answer the player does not understand' };
  }
  const scormError = (body as { scormError?: { code?: unknown; message?: unknown } } | undefined)?.scormError;
  if (status >= 400 && status < 500 && Number.isInteger(scormError?.code))
    return {
      kind: 'refused',
      code: scormError?.code as number,
      reason:
        typeof scormError?.message === 'string' ? scormError.message : `SCORM error ${scormError?.code}`,
    };
  if (status === 401) return { kind: 'failed', reason: 'the launch has expired: launch the course again' };
  if (status === 429) return { kind: 'failed', reason: 'the LMS is busy (too many requests)' };
  return { kind: 'failed', reason: problemDetail(body) ?? `the LMS answered ${status}` };
}

const STANDARDS = [
  'scorm12',
  'scorm2004',
  'cmi5',
  'xapi',
] as const satisfies readonly RuntimeState['standard'][];
/** More data model elements than any SCO has (250 interactions of a dozen elements each, objectives...). */
const MAX_ELEMENTS = 20_000;

/** The body of `GET /attempts/{id}/cmi`, if it is one (the player reads what it uses). */
export function runtimeState(body: unknown): RuntimeState | undefined {
  const state = body as Partial<Record<keyof RuntimeState, unknown>> | null | undefined;
  if (typeof state !== 'object' || state === null) return undefined;
  const { attemptId, standard, status, seq, cmi, contentUrl } = state;
  if (typeof attemptId !== 'string' || typeof status !== 'string' || typeof contentUrl !== 'string')
    return undefined;
  if (!STANDARDS.includes(standard as never) || !Number.isInteger(seq) || (seq as number) < 0)
    return undefined;
  if (typeof cmi !== 'object' || cmi === null || Array.isArray(cmi)) return undefined;
  const elements = Object.entries(cmi);
  if (elements.length > MAX_ELEMENTS || elements.some(([, value]) => typeof value !== 'string'))
    return undefined;
  return state as RuntimeState;
}

function problemDetail(body: unknown): string | undefined {
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  return typeof detail === 'string' && detail !== '' ? detail : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
