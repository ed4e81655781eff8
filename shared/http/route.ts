/**
 * The shape of one HTTP route in the manifest. A route declares everything the rest of the system derives:
 * the local gateway and the CDK API stack (method, path, handler module, who may call it, what it needs), the
 * OpenAPI document (summary, schemas) and the authorization-matrix test (access).
 */
import type * as z from 'zod';
import type { ApiScope } from '../domain/api-scopes.ts';
import type { Role } from '../domain/principal.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route. Deny by default: a route names its roles (people) and the scopes (machine clients)
 * it accepts, or says plainly that it is public. A route without scopes is for people only.
 */
export type RouteAccess =
  | { readonly public: true }
  | { readonly roles: readonly Role[]; readonly scopes?: readonly ApiScope[] };

/**
 * Work queues, shared by CDK (SQS, each with its dead-letter queue) and the local stack (its SQS endpoint):
 * `imports` runs apply and undo; `backups` the logical backups; `restores` restores and restore drills;
 * `exports` the analytics exports; `archival` the content archival and unarchiving runs; `reports` the
 * report runs.
 */
export const QUEUES = ['imports', 'backups', 'restores', 'exports', 'archival', 'reports'] as const;
export type QueueName = (typeof QUEUES)[number];

/** Bucket logical names, shared by CDK (which creates them) and the local stack. */
export const BUCKETS = ['uploads', 'content', 'backups', 'analytics'] as const;
export type BucketName = (typeof BUCKETS)[number];

/**
 * How a function reaches a bucket's objects: `read` gets them, `write` puts and deletes them, `read-write`
 * does both. Every access also lists the bucket (HeadBucket, ListObjectsV2, and a 404 rather than a 403 for
 * a missing object), and `list` does only that (a health probe).
 */
/**
 * `upload`: sign uploads, complete them and read their size back, never delete. `list-versions`: list the
 * bucket and every version of its objects (the backup's content inventory), read none. `append`: put new
 * objects, never read nor delete them (backups and audit exports, under object lock). `read-append`: read
 * and put, never delete. `tag`: read and set objects' tags only (archival). `copy-in-place`: copy objects
 * onto themselves with their tags set anew, never delete (an unarchive's content back to S3 Standard).
 */
export type BucketAccess =
  | 'list'
  | 'list-versions'
  | 'read'
  | 'upload'
  | 'append'
  | 'read-append'
  | 'write'
  | 'read-write'
  | 'tag'
  | 'copy-in-place';

/**
 * A bucket need: an access to every object, or only to the keys under `prefix` when the function touches
 * one prefix (`{ access: 'write', prefix: 'packages/' }`).
 */
export type BucketNeed =
  | BucketAccess
  | { readonly access: Exclude<BucketAccess, 'list' | 'list-versions'>; readonly prefix: `${string}/` };

/**
 * What the route's function touches. CDK grants exactly this (and sets the matching environment variables);
 * nothing else is reachable from the function.
 */
export interface RouteNeeds {
  /**
   * `describe`: DescribeTable only (health). `read`: GetItem, BatchGetItem, Query (the table and its
   * indexes). `write`: read plus PutItem, UpdateItem, DeleteItem, BatchWriteItem and ConditionCheckItem (the
   * items of a TransactWriteItems are authorised as these).
   */
  readonly table?: 'describe' | 'read' | 'write';
  /**
   * Scan (and DescribeTable) on the table itself, never its indexes: reading every item, for the logical
   * backup and the analytics export. Beside `table`, which says what else the function does.
   */
  readonly tableScan?: true;
  /**
   * Restore tables, `<table name>-restore-*` only: create one (with the table's TTL), wait for it, fill it
   * (BatchWriteItem), read it back (Scan) and drop it. The restore and drill worker.
   */
  readonly restoreTables?: true;
  readonly buckets?: Partial<Record<BucketName, BucketNeed>>;
  /**
   * `describe`: DescribeUserPool only (health). `lookup`: AdminGetUser only (the login with a new profile's
   * email). `sign-out`: AdminUserGlobalSignOut only (suspension). `users`: read a login (AdminGetUser, its
   * groups, its recent sign-in events), move it between role groups (AdminAddUserToGroup /
   * AdminRemoveUserFromGroup) and sign it out (AdminUserGlobalSignOut).
   * `logins`: ListUsers and ListUsersInGroup (the link-logins job reads every login and the admin group).
   * `federation`: Create/Describe/Update/DeleteIdentityProvider and Describe/UpdateUserPoolClient (the web
   * client's providers), plus the OIDC client secrets in Secrets Manager, `lms/identity-providers/*` only
   * (create, tag, put, describe, restore, schedule deletion with a recovery window; never read back). `link`:
   * ListUsers, AdminLinkProviderForUser, and AdminListGroupsForUser (is the login an admin?) (the pre sign-up
   * trigger).
   * `clients`: machine clients' app clients and secrets (Create/Update/DeleteUserPoolClient, List/Add/
   * DeleteUserPoolClientSecret), and the pool's token URL.
   * `web-client`: DescribeIdentityProvider and Describe/UpdateUserPoolClient (relisting the providers on the
   * web client after a deploy reset its list).
   * `erase`: AdminDeleteUser only (an erased person's login goes).
   */
  readonly userPool?:
    | 'describe'
    | 'lookup'
    | 'sign-out'
    | 'users'
    | 'federation'
    | 'link'
    | 'logins'
    | 'clients'
    | 'web-client'
    | 'erase';
  /**
   * The hosted sign-in page (AWS with a Cognito domain): the function gets its domain, the web client and
   * the callback URL, to build sign-in links. Nothing where there is no hosted page (locally).
   */
  readonly hostedUi?: true;
  /**
   * The content delivery origin (CloudFront in AWS, the local content server): the function gets its URL
   * (`CONTENT_BASE_URL`), where the player and the content are served, to build launch URLs. No grant.
   */
  readonly contentDelivery?: true;
  /** `publish`: PutEvents on the LMS event bus (only the outbox publisher: use cases never publish directly). */
  readonly events?: 'publish';
  /**
   * Run reports with Athena: Start/Get/StopQueryExecution and GetQueryResults in the LMS workgroup, Glue's
   * GetDatabase/GetTable on the analytics database and its tables (partition projection: no partitions are
   * read), read of the analytics bucket's table folders and read-write of the workgroup's results location
   * (`ATHENA_WORKGROUP`, `ANALYTICS_DATABASE`). Locally the reports run on DuckDB and this grants nothing.
   */
  readonly reportQueries?: true;
  /**
   * `send`: SES `SendEmail` from the LMS's report sender (`REPORT_MAIL_SENDER`, context `lms:reportMailSender`):
   * scheduled reports. Without a sender configured the function gets neither, and mailing fails saying so.
   * Locally mail goes to a folder (`LMS_LOCAL_MAIL_DIR`).
   */
  readonly mail?: 'send';
  /**
   * Read the API's own CloudWatch metrics (requests, 5XX errors): `cloudwatch:GetMetricData`, which IAM cannot
   * scope to a resource, and the API's name (`API_NAME`, the metrics' `ApiName` dimension). Locally the
   * gateway's request log answers instead, and this grants nothing.
   */
  readonly apiMetrics?: true;
  /** `send`: SendMessage on the queue (whose URL the function gets), to start background work on it. */
  readonly queues?: Partial<Record<QueueName, 'send'>>;
}

export interface RouteRequest {
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** `If-Match` is required (428 when missing) or accepted (checked when present). */
  readonly ifMatch?: 'required' | 'optional';
  /**
   * The route accepts an `Idempotency-Key` header: a retry with the same key (same caller, route, path
   * parameters and body) gets the first response again instead of a second write; the key with anything else
   * is a 422. Handlers of such routes use `idempotentHttpHandler`.
   */
  readonly idempotent?: boolean;
}

export interface RouteResponse {
  readonly status: number;
  readonly description: string;
  readonly body?: z.ZodType;
}

export interface RouteDefinition {
  /** operationId in OpenAPI, and the construct id of the route's function in CDK: a contract, do not rename. */
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway style: `/users/{id}`. */
  readonly path: string;
  /** Handler module, relative to the project root, exporting `handler`. */
  readonly handler: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: RouteAccess;
  readonly request: RouteRequest;
  readonly response: RouteResponse;
  readonly needs: RouteNeeds;
  /** Function timeout; API Gateway answers 504 after 29 s whatever this says. @default 10 */
  readonly timeoutSeconds?: number;
  /** Largest accepted body in bytes (413 above it). @default 65536 */
  readonly maxBodyBytes?: number;
  /**
   * The body reaches the action as the text received, whatever its content type (xAPI documents), within
   * `maxBodyBytes`; `request.body` (a string schema) documents it. @default parsed as JSON
   */
  readonly rawBody?: true;
  /**
   * `scim`: the route speaks SCIM 2.0 (RFC 7644) to identity providers: bodies in `application/scim+json`
   * (`application/json` accepted too), every error the function answers as a SCIM error body (§3.12), never
   * problem+json, and the version as a weak ETag (`W/"3"`), as `meta.version` writes it.
   * @default the LMS's JSON: problem+json errors and strong ETags
   */
  readonly protocol?: 'scim';
}

/** Identity helper that keeps the literal types of a route while checking its shape. */
export function defineRoute<const R extends RouteDefinition>(route: R): R {
  return route;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
