/**
 * The document resources for an authenticated session (xAPI 1.0.3 §7.3 State, §7.5 Activity Profile, §7.6
 * Agent Profile): read one or list ids (`since`), write whole (PUT), merge JSON (POST), delete.
 *
 * Who: State and Agent Profile documents are the session's learner's (`agent` must be the launch's actor,
 * `registration` the launch's); Activity Profiles are the activity's, shared by its learners. The LMS's
 * `LMS.LaunchData` is read-only to the AU (cmi5 §10).
 * Concurrency (§6.3): `If-Match` (the ETag read, or `*`) and `If-None-Match: *` are honoured on every write,
 * a failed one is a 412; a profile PUT with neither header on an existing document is a 409. Writes happen
 * only on the state that was read, so a POST merge never loses a concurrent write.
 */
import { createHash } from 'node:crypto';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  OutOfScopeError,
  StaleVersionError,
} from '../domain/errors.ts';
import type { Runtime } from '../use-cases/ports.ts';
import type { DocumentKind, DocumentScope, XapiDocument, XapiDocumentStore } from './ports.ts';
import type { LrsSession } from './session.ts';
import { type Agent, agentKey, isObject } from './statement.ts';
import { LAUNCH_DATA_STATE_ID } from './vocabulary.ts';

export interface DocumentDeps {
  documents: XapiDocumentStore;
  runtime: Runtime;
}

/** What a request names: the kind, and the activity, agent and registration its kind is identified by. */
export interface DocumentTarget {
  kind: DocumentKind;
  activityId?: string | undefined;
  agent?: Agent | undefined;
  registration?: string | undefined;
}

export interface DocumentWrite {
  content: string;
  contentType: string;
  /** POST: merge the JSON object into the stored one instead of replacing it. */
  merge: boolean;
  /** `If-Match`: the ETag read (unquoted), or `*` for any existing document. */
  ifMatch?: string | undefined;
  /** `If-None-Match: *`: only when there is no document yet. */
  ifNoneMatch?: boolean | undefined;
}

/** A write's precondition failed (412). */
export class PreconditionFailedError extends StaleVersionError {
  constructor(message: string, header: 'if-match' | 'if-none-match') {
    super('document', '', 0, undefined);
    this.message = message;
    this.fields.push({ path: `headers.${header}`, message: 'does not match the document' });
  }
}

/** Attempts of a merge when another write came between its read and its write. */
const MERGE_ATTEMPTS = 3;

export async function getDocument(
  deps: DocumentDeps,
  session: LrsSession,
  target: DocumentTarget,
  id: string,
): Promise<XapiDocument> {
  const found = await deps.documents.get(scopeOf(session, target), id);
  if (!found) throw new NotFoundError('document', id);
  return found;
}

export function listDocumentIds(
  deps: DocumentDeps,
  session: LrsSession,
  target: DocumentTarget,
  since: string | undefined,
): Promise<string[]> {
  return deps.documents.ids(scopeOf(session, target), since);
}

export async function writeDocument(
  deps: DocumentDeps,
  session: LrsSession,
  target: DocumentTarget,
  id: string,
  write: DocumentWrite,
): Promise<void> {
  const scope = scopeOf(session, target);
  refuseLaunchData(scope, id);
  const incoming = write.merge ? jsonObject(write.content, write.contentType, 'body') : undefined;
  const headers = write.ifMatch !== undefined || write.ifNoneMatch === true;
  for (let attempt = 1; ; attempt++) {
    const current = await deps.documents.get(scope, id);
    checkPreconditions(current, write);
    if (!write.merge && !headers && current && scope.kind !== 'state') throw overwriteConflict();
    const content =
      incoming && current
        ? JSON.stringify({ ...jsonObject(current.content, current.contentType, 'document'), ...incoming })
        : write.content;
    const document: XapiDocument = {
      id,
      content,
      contentType: incoming ? 'application/json' : write.contentType,
      etag: etagOf(content),
      updated: deps.runtime.now().toISOString(),
    };
    // A plain PUT of a State replaces whatever is there; every other write holds to what it read.
    const holdsToRead = write.merge || headers || scope.kind !== 'state';
    if (await deps.documents.put(scope, document, holdsToRead ? (current?.etag ?? null) : undefined)) return;
    if (headers)
      throw new PreconditionFailedError('The document changed since it was read; read it again.', 'if-match');
    if (!write.merge) throw overwriteConflict();
    if (attempt >= MERGE_ATTEMPTS)
      throw new ConflictError('Other writes to this document kept coming first; send the merge again.');
  }
}

/** Deletes one document, or (no id) every document of the scope but the LMS's launch data. */
export async function deleteDocuments(
  deps: DocumentDeps,
  session: LrsSession,
  target: DocumentTarget,
  id: string | undefined,
  ifMatch: string | undefined,
): Promise<void> {
  const scope = scopeOf(session, target);
  if (id === undefined) {
    await deps.documents.deleteAll(scope, scope.kind === 'state' ? [LAUNCH_DATA_STATE_ID] : []);
    return;
  }
  refuseLaunchData(scope, id);
  if (ifMatch !== undefined) checkPreconditions(await deps.documents.get(scope, id), { ifMatch });
  const expected = ifMatch === undefined || ifMatch === '*' ? undefined : ifMatch;
  if (!(await deps.documents.delete(scope, id, expected)))
    throw new PreconditionFailedError('The document changed since it was read; read it again.', 'if-match');
}

/** xAPI §6.3: the ETag of a document is the SHA-1 of its content. */
export function etagOf(content: string): string {
  return createHash('sha1').update(content).digest('hex');
}

/** The scope a request may reach, checked against the session: the learner's own documents only. */
function scopeOf(session: LrsSession, target: DocumentTarget): DocumentScope {
  if (target.kind === 'activity-profile')
    return { kind: target.kind, activityId: target.activityId as string };
  if (agentKey(target.agent) !== session.actorKey)
    throw new OutOfScopeError("A session reaches only its learner's documents.", [
      { path: 'query.agent', message: 'must be the actor of the launch' },
    ]);
  if (target.kind === 'agent-profile') return { kind: target.kind, agentKey: session.actorKey };
  if (target.registration !== undefined && target.registration !== session.registration)
    throw new OutOfScopeError("A session reaches only its registration's documents.", [
      { path: 'query.registration', message: 'must be the registration of the launch' },
    ]);
  return {
    kind: 'state',
    activityId: target.activityId as string,
    agentKey: session.actorKey,
    ...(target.registration !== undefined ? { registration: target.registration } : {}),
  };
}

function refuseLaunchData(scope: DocumentScope, id: string): void {
  if (scope.kind === 'state' && id === LAUNCH_DATA_STATE_ID)
    throw new OutOfScopeError('cmi5: the AU must not change LMS.LaunchData; the LMS writes it at launch.', [
      { path: 'query.stateId', message: 'LMS.LaunchData is the LMS’s' },
    ]);
}

function checkPreconditions(
  current: XapiDocument | undefined,
  write: Pick<DocumentWrite, 'ifMatch' | 'ifNoneMatch'>,
): void {
  if (write.ifNoneMatch && current)
    throw new PreconditionFailedError('The document exists already (If-None-Match: *).', 'if-none-match');
  if (write.ifMatch === undefined) return;
  if (!current || (write.ifMatch !== '*' && write.ifMatch !== current.etag))
    throw new PreconditionFailedError(
      'The document is not the one If-Match names; read it again.',
      'if-match',
    );
}

/** A PUT that would overwrite a profile without saying which version it read (xAPI §6.3): 409. */
function overwriteConflict(): ConflictError {
  return new ConflictError(
    'The document exists: send If-Match with the ETag you read (or If-None-Match: * to create only).',
    [{ path: 'headers.if-match', message: 'required to replace an existing document' }],
  );
}

function jsonObject(
  content: string,
  contentType: string,
  what: 'body' | 'document',
): Record<string, unknown> {
  const path = what === 'body' ? 'headers.content-type' : 'document';
  if (contentType.split(';')[0]?.trim().toLowerCase() !== 'application/json')
    throw new InvalidInputError(`Only JSON documents merge: the ${what} is ${contentType || 'untyped'}.`, [
      { path, message: 'must be application/json to merge' },
    ]);
  try {
    const parsed: unknown = JSON.parse(content);
    if (isObject(parsed)) return parsed;
  } catch {
    // answered below
  }
  throw new InvalidInputError(`Only JSON objects merge: the ${what} is not one.`, [
    { path: what, message: 'must be a JSON object' },
  ]);
}
