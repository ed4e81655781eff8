/**
 * What the LRS use cases need from storage, as small interfaces; `shared/store/xapi-store.ts` and
 * `shared/store/xapi-document-store.ts` implement them on the single DynamoDB table.
 */
import type { Page } from '../use-cases/ports.ts';
import type { LrsSession, Registration } from './session.ts';
import type { Statement } from './statement.ts';

export interface StoredStatement {
  statement: Statement;
  /** The registration of the session that sent it: the partition statements are listed from. */
  registration: string;
  actorKey: string;
  /** The LRS gave it its timestamp (a retry without one still matches). */
  timestampAssigned: boolean;
  /** The voiding statement's id, once voided. */
  voidedBy: string | null;
}

export interface StatementQuery {
  /** The session's registration: the one partition a session may read. */
  registration: string;
  actorKey: string;
  /** Only statements whose `context.registration` is this (xAPI's `registration` parameter). */
  contextRegistration?: string | undefined;
  verb?: string | undefined;
  activity?: string | undefined;
  /** `activity` also matches context activities (xAPI `related_activities`). */
  relatedActivities: boolean;
  /** Exclusive lower bound on `stored`. */
  since?: string | undefined;
  /** Inclusive upper bound on `stored`. */
  until?: string | undefined;
  ascending: boolean;
  limit: number;
  cursor?: string | undefined;
}

/** A write the store makes in one transaction: everything in it happens, or nothing. */
export interface LrsChange {
  /** New statements; one whose id is taken fails the change with a ConflictError. */
  statements: (StoredStatement & { sessionId: string | null })[];
  /** Statements voided by a voiding statement of this change. */
  voided: { id: string; by: string }[];
  /** `expected`: the version read (null: a new session); another version fails it with StaleVersionError. */
  sessions: { session: LrsSession; expected: number | null }[];
  registration?: { registration: Registration; expected: number | null };
  /** Documents written whole (the LMS's `LMS.LaunchData`). */
  documents: { scope: DocumentScope; document: XapiDocument }[];
}

export interface LrsStore {
  session(id: string): Promise<LrsSession | undefined>;
  registration(courseId: string, userId: string, preview: boolean): Promise<Registration | undefined>;
  /** The stored statements among `ids` (missing ones are left out). */
  statements(ids: readonly string[]): Promise<Map<string, StoredStatement>>;
  /** Not voided statements of the query's registration and actor, by `stored`. */
  listStatements(query: StatementQuery): Promise<Page<StoredStatement>>;
  commit(change: LrsChange): Promise<void>;
  /**
   * Records the exchange of the fetch key for an auth-token while the session is at `expectedVersion` and
   * not fetched yet; false when another request came first.
   */
  markFetched(
    sessionId: string,
    expectedVersion: number,
    at: string,
    authTokenHash: string,
  ): Promise<boolean>;
  /**
   * Counts one request of the session against its limit; the seconds to wait when it is over, else
   * undefined.
   */
  countRequest(sessionId: string, now: Date): Promise<number | undefined>;
}

export type DocumentKind = 'state' | 'activity-profile' | 'agent-profile';

/** Where a document lives: its kind and what xAPI identifies it by besides its id. */
export interface DocumentScope {
  kind: DocumentKind;
  activityId?: string;
  agentKey?: string;
  registration?: string;
}

export interface XapiDocument {
  id: string;
  content: string;
  contentType: string;
  /** SHA-1 of the content, hex (xAPI §6.3's suggestion). */
  etag: string;
  updated: string;
}

/**
 * `expected` on writes: undefined, write whatever is there; null, only when there is no document; a string,
 * only while the document has that ETag. A failed condition answers false and changes nothing.
 */
export interface XapiDocumentStore {
  get(scope: DocumentScope, id: string): Promise<XapiDocument | undefined>;
  /** The ids of the scope's documents, updated after `since` when given. */
  ids(scope: DocumentScope, since?: string): Promise<string[]>;
  put(scope: DocumentScope, document: XapiDocument, expected: string | null | undefined): Promise<boolean>;
  delete(scope: DocumentScope, id: string, expected: string | undefined): Promise<boolean>;
  /** Deletes every document of the scope but those named in `keep`. */
  deleteAll(scope: DocumentScope, keep: readonly string[]): Promise<void>;
}
