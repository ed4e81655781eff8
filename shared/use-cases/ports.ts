/**
 * Ports: what the use cases need from the outside world, as small interfaces. DynamoDB adapters in
 * shared/store implement them; unit tests pass in-memory fakes.
 */
import type { Readable } from 'node:stream';
import type { Login, LoginAccount, SignIn } from '../domain/access.ts';
import type { ApiClient, IssuedSecret } from '../domain/api-client.ts';
import type { ApiScope } from '../domain/api-scopes.ts';
import type { Attempt } from '../domain/attempt.ts';
import type { AuditRecord } from '../domain/audit.ts';
import type { Cohort, CohortCourseLink, CohortMember } from '../domain/cohort.ts';
import type { ContentVersion } from '../domain/content.ts';
import type { Category, Course, LearningPath } from '../domain/course.ts';
import type { Department } from '../domain/department.ts';
import type { Enrollment, EnrollmentSource, WaitlistEntry } from '../domain/enrollment.ts';
import type { IdentityProvider } from '../domain/identity-provider.ts';
import type { Job, JobKind, JobStatus } from '../domain/job.ts';
import type { Role } from '../domain/principal.ts';
import type { ScimToken } from '../domain/scim-token.ts';
import type { User, UserStatus } from '../domain/user.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface UserFilter {
  /** Exact, case-insensitive. */
  email?: string | undefined;
  departmentId?: string | undefined;
  status?: UserStatus | undefined;
}

export interface UserRepository {
  get(id: string): Promise<User | undefined>;
  getMany(ids: readonly string[]): Promise<User[]>;
  /** Everyone (rule cohorts are evaluated over the whole organisation). */
  all(): Promise<User[]>;
  idByEmail(email: string): Promise<string | undefined>;
  /** The profile a login (by its `sub`) is linked to. */
  idByLogin(sub: string): Promise<string | undefined>;
  /** The person holding this external id (as given). */
  idByExternalId(externalId: string): Promise<string | undefined>;
  /** The person an identity provider provisioned under this SCIM userName (any case). */
  idByScimUserName(userName: string): Promise<string | undefined>;
  list(filter: UserFilter, page: PageRequest): Promise<Page<User>>;
  /** Creates the user with its email/external-id claims and the audit record, atomically. */
  create(user: User, audit: AuditRecord): Promise<void>;
  /** Replaces `before` with `after` if `before.version` is still current, moving claims and counters. */
  update(before: User, after: User, audit: AuditRecord): Promise<void>;
}

export interface DepartmentRepository {
  get(id: string): Promise<Department | undefined>;
  list(
    filter: { parentId?: string | undefined; withinDepartments?: readonly string[] | undefined },
    page: PageRequest,
  ): Promise<Page<Department>>;
  /** The department and all its descendants, in tree order. */
  subtree(department: Department): Promise<Department[]>;
  /** Departments anywhere in the tree named `name`, ignoring case and surrounding whitespace. */
  named(name: string): Promise<Department[]>;
  managedBy(userId: string): Promise<Department[]>;
  create(department: Department, parent: Department | undefined, audit: AuditRecord): Promise<void>;
  /**
   * Writes `after` over `before` (version-checked) and rewrites `descendants` (a move changes their
   * ancestors), adjusting the old and new parents' child counts, atomically. The new parent must still be
   * at the version the cycle check read.
   */
  update(change: DepartmentChange, audit: AuditRecord): Promise<void>;
  /** Deletes the department if it is still empty and at the given version. */
  delete(department: Department, audit: AuditRecord): Promise<void>;
}

export interface DepartmentChange {
  before: Department;
  after: Department;
  /** Descendants with their new ancestors (empty unless the department moves). */
  descendants: Department[];
  /** The parent it moves under, as read for the cycle check. */
  newParent?: Department | undefined;
}

export interface AuditTrail {
  list(target: string, page: PageRequest): Promise<Page<AuditRecord>>;
  /** An audit record for a change made outside the table (Cognito), written on its own. */
  append(record: AuditRecord): Promise<void>;
}

export interface CourseFilter {
  q?: string | undefined;
  status?: Course['status'] | undefined;
  /** Any of these categories (a category and its sub-categories). */
  categoryIds?: readonly string[] | undefined;
  tag?: string | undefined;
  ownerId?: string | undefined;
  /** The course with this code (ignoring case), in the other filters' status. */
  code?: string | undefined;
  /** Only courses (not archived) whose reviewBy date is at or before this day. */
  reviewDueBy?: string | undefined;
}

/** What the publishing gate needs to know about an imported content version. */
export interface ContentVersionSummary {
  courseId: string;
  version: number;
  accessibility: { blocking: boolean; critical: number; serious: number } | null;
}

export interface ContentVersionLookup {
  getContentVersion(courseId: string, version: number): Promise<ContentVersionSummary | undefined>;
}

export interface CatalogRepository {
  getCourse(id: string): Promise<Course | undefined>;
  getCourses(ids: readonly string[]): Promise<Course[]>;
  listCourses(filter: CourseFilter, page: PageRequest): Promise<Page<Course>>;
  /**
   * Courses in `status` whose `field` is at or before `until` (scheduled transitions, reviews due, content to
   * archive).
   */
  coursesDue(
    status: Course['status'],
    field: 'publishAt' | 'archiveAt' | 'reviewBy' | 'archivedAt',
    until: string,
  ): Promise<Course[]>;
  /**
   * Creates (`before` null) or replaces `before` if the stored course is still at its version, with its
   * code's claim and its audit record; `guards` must still be at the versions read (the courses a
   * prerequisite check walked).
   */
  putCourse(
    course: Course,
    before: Course | null,
    audit: AuditRecord,
    guards?: readonly Course[],
  ): Promise<void>;
  getCategory(id: string): Promise<Category | undefined>;
  listCategories(): Promise<Category[]>;
  putCategory(category: Category, before: Category | null, audit: AuditRecord): Promise<void>;
  getLearningPath(id: string): Promise<LearningPath | undefined>;
  listLearningPaths(page: PageRequest): Promise<Page<LearningPath>>;
  putLearningPath(path: LearningPath, expectedVersion: number | null, audit: AuditRecord): Promise<void>;
}

/** Time and identity sources, injectable so tests are deterministic. */
export interface Runtime {
  now(): Date;
  newId(): string;
}

export interface JobRepository {
  /** Creates the job, with its audit record when it is a change someone asked for (a scheduled run: null). */
  create(job: Job, audit: AuditRecord | null): Promise<void>;
  get(id: string): Promise<Job | undefined>;
  /** Replaces the job if it is still at `expectedVersion` (a job is advanced by one worker at a time). */
  save(job: Job, expectedVersion: number): Promise<void>;
  /** Runs newest first, of one kind and status when given. */
  list(filter: { type?: JobKind; status?: JobStatus }, page: PageRequest): Promise<Page<Job>>;
  /**
   * Takes the lock `name` for run `runId` until `leaseUntil`, if nobody holds it or its holder's lease ended
   * before `now`; returns the run that holds it otherwise. A previous holder whose lease ended is returned
   * as `abandoned` (its run died without releasing the lock).
   */
  acquireLock(
    name: string,
    runId: string,
    leaseUntil: string,
    now: string,
  ): Promise<{ acquired: true; abandoned: string | null } | { acquired: false; heldBy: string }>;
  /** Extends the lease of `runId`'s lock; false if `runId` no longer holds it. */
  renewLock(name: string, runId: string, leaseUntil: string): Promise<boolean>;
  /** Releases the lock if `runId` still holds it. */
  releaseLock(name: string, runId: string): Promise<void>;
}

/** What one transaction writes to make an import visible. */
export interface ImportCommit {
  content: ContentVersion;
  /** The course pointing at the new version, written if the stored course is at `expectedCourseVersion`. */
  course: Course;
  expectedCourseVersion: number;
  /** The job, succeeded, written if the stored job is at `expectedJobVersion`. */
  job: Job;
  expectedJobVersion: number;
  audit: AuditRecord;
}

export interface ContentRepository {
  getContentVersion(courseId: string, version: number): Promise<ContentVersion | undefined>;
  listContentVersions(courseId: string): Promise<ContentVersion[]>;
  /** The next content version number of a course (an atomic counter: never handed out twice). */
  allocateContentVersion(courseId: string): Promise<number>;
  /**
   * Makes an import visible, atomically: the content version, the course pointing at it (if still at
   * `expectedCourseVersion`), the job succeeded (if still at `expectedJobVersion`), and the audit record.
   */
  commitImport(change: ImportCommit): Promise<void>;
}

/** Where presigned uploads go, by the target each names (a package's key, an import's id). */
export interface UploadStore {
  presignUpload(
    target: string,
    sizeBytes: number,
    expiresInSeconds: number,
  ): Promise<{ url: string; headers: Record<string, string> }>;
  /** One presigned UploadPart URL per part, each bound to that part's size. */
  startMultipartUpload(
    target: string,
    partSizes: readonly number[],
    expiresInSeconds: number,
  ): Promise<{ uploadId: string; partUrls: string[] }>;
  /** `size-mismatch` when the storage refuses parts that do not add up to `expectedBytes`. */
  completeMultipartUpload(
    target: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
    expectedBytes: number,
  ): Promise<'completed' | 'size-mismatch'>;
  /** The uploaded object's size, or undefined when there is none. */
  uploadSize(target: string): Promise<number | undefined>;
}

/** Where packages arrive (uploads bucket) and where their files are served from (content bucket). */
export interface PackageStorage extends UploadStore {
  /**
   * Downloads the upload, which must be `sizeBytes` long, to a local file (bounded memory, ranges fetched in
   * parallel, all of one version of the object).
   */
  downloadUpload(key: string, toFile: string, sizeBytes: number): Promise<void>;
  deleteUpload(key: string): Promise<void>;
  /**
   * Streams `body` (exactly `sizeBytes` bytes) into the content bucket. Aborting `signal` stops the upload
   * before its last byte, so nothing of it is stored.
   */
  putContentStream(
    key: string,
    body: Readable,
    sizeBytes: number,
    contentType: string,
    signal: AbortSignal,
  ): Promise<void>;
  putContentJson(key: string, value: unknown): Promise<void>;
  getContentJson(key: string): Promise<unknown | undefined>;
  deleteContentPrefix(prefix: string): Promise<void>;
}

export interface EnrollmentRepository {
  get(courseId: string, userId: string): Promise<Enrollment | undefined>;
  listForCourse(courseId: string, page: PageRequest): Promise<Page<Enrollment>>;
  listForUser(userId: string): Promise<Enrollment[]>;
  waitlist(courseId: string, page: PageRequest): Promise<Page<WaitlistEntry>>;
  /**
   * Creates the enrollment and takes a seat in one transaction. Throws AlreadyEnrolledError when one
   * exists, CourseFullError when `capacity` seats are taken.
   */
  enroll(enrollment: Enrollment, capacity: number | null, audit: AuditRecord): Promise<void>;
  /** Adds a source to an existing enrollment (version-checked). */
  addSource(before: Enrollment, source: EnrollmentSource, audit: AuditRecord): Promise<Enrollment>;
  /** The next waitlist position of a course (an atomic counter). */
  nextWaitlistPosition(courseId: string): Promise<number>;
  /** Queues the person; AlreadyWaitlistedError / AlreadyEnrolledError when they are queued or enrolled. */
  addToWaitlist(entry: WaitlistEntry, audit: AuditRecord): Promise<void>;
  /** Moves the first in line into a freed seat: entry removed, enrollment created, seat taken, atomically. */
  promote(
    entry: WaitlistEntry,
    enrollment: Enrollment,
    capacity: number | null,
    audit: AuditRecord,
    /** The person's earlier (withdrawn or expired) enrollment, replaced rather than duplicated. */
    previous?: Enrollment,
  ): Promise<void>;
  /** Brings a withdrawn or expired enrollment back, taking a seat, atomically (CourseFullError when full). */
  reactivate(
    before: Enrollment,
    after: Enrollment,
    capacity: number | null,
    audit: AuditRecord,
  ): Promise<void>;
  /** Replaces the enrollment if still at `before.version` (status changes that keep the seat). */
  /** Any change; a status leaving (or returning to) a seat-holding one frees (or takes) the seat. */
  save(before: Enrollment, after: Enrollment, audit: AuditRecord): Promise<void>;
  /** Creates all or none; CourseFullError when they do not all fit, AlreadyEnrolledError when one exists. */
  enrollBatch(enrollments: readonly Enrollment[], capacity: number | null, audit: AuditRecord): Promise<void>;
  /** Strongly consistent: every enrollment of the course committed before the call. */
  allForCourse(courseId: string): Promise<Enrollment[]>;
  /**
   * A bulk run's hold on the course's seats: while held, every other write that creates an enrollment or
   * moves seats fails with CourseBusyError. Takes over a hold whose time ran out, naming its run.
   */
  claimForBulk(courseId: string, run: string, until: string, now: string): Promise<{ takenOver?: string }>;
  extendBulk(courseId: string, run: string, until: string): Promise<void>;
  releaseBulk(courseId: string, run: string, seatsTaken: number): Promise<void>;
  /** New enrollments without conditions: only under the run's hold, for people who had none. */
  writeBulk(enrollments: readonly Enrollment[], run: string): Promise<void>;
  bulkLeftovers(courseId: string, run: string): Promise<{ written: Enrollment[]; audited: Set<string> }>;
  recountSeats(courseId: string, run: string): Promise<number>;
  /** Enrollments whose next compliance deadline (due, recertification, expiry) is `until` or earlier. */
  dueForCompliance(until: string): Promise<Enrollment[]>;
  getWaitlistEntry(courseId: string, userId: string): Promise<WaitlistEntry | undefined>;
  seatsTaken(courseId: string): Promise<number>;
}

export interface CohortRepository {
  get(id: string): Promise<Cohort | undefined>;
  list(page: PageRequest): Promise<Page<Cohort>>;
  ruleCohorts(): Promise<Cohort[]>;
  /** Every static cohort, by name. */
  staticCohorts(): Promise<Cohort[]>;
  /** The cohort holding this name (any case). */
  idByName(name: string): Promise<string | undefined>;
  /** The cohort holding this external id (as given). */
  idByExternalId(externalId: string): Promise<string | undefined>;
  /** Fails with ConflictError when the name is taken (any case). */
  create(cohort: Cohort, audit: AuditRecord): Promise<void>;
  /** Fails with StaleVersionError when `before` is no longer current. */
  update(before: Cohort, after: Cohort, audit: AuditRecord): Promise<void>;
  members(cohortId: string, page: PageRequest): Promise<Page<CohortMember>>;
  allMemberIds(cohortId: string): Promise<string[]>;
  /** Those of `userIds` who are members (one read per 100 people, whatever the cohort's size). */
  membersAmong(cohortId: string, userIds: readonly string[]): Promise<string[]>;
  membershipsOf(userId: string): Promise<CohortMember[]>;
  /** Adds those not yet in, with the cohort's count, audited per batch; returns who was added. */
  addMembers(
    members: readonly CohortMember[],
    audit: (added: readonly CohortMember[]) => AuditRecord,
  ): Promise<CohortMember[]>;
  /** Removes those still in; returns who was removed. */
  removeMembers(
    members: readonly CohortMember[],
    audit: (removed: readonly CohortMember[]) => AuditRecord,
  ): Promise<CohortMember[]>;
  /**
   * Deletes the cohort with its name and external-id claims while it is at its version with no members and no
   * course links are left (unlink them and remove the members first).
   */
  delete(cohort: Cohort, audit: AuditRecord): Promise<void>;
  links(cohortId: string): Promise<CohortCourseLink[]>;
  linksOfCourse(courseId: string): Promise<CohortCourseLink[]>;
  /** Fails with ConflictError when the link exists. */
  putLink(link: CohortCourseLink, audit: AuditRecord): Promise<void>;
  deleteLink(link: CohortCourseLink, audit: AuditRecord): Promise<void>;
}

/** The sign-in directory (Cognito): logins and their role groups. */
export interface IdentityDirectory {
  /** A login by user name (or its email alias), as troubleshooting shows it; undefined when there is none. */
  login(username: string): Promise<Login | undefined>;
  /** Just enough of a login (by user name or email alias) to decide which profile it is (one read). */
  account(username: string): Promise<LoginAccount | undefined>;
  /** Puts the login in exactly these role groups (other groups are left alone). */
  setRoleGroups(username: string, roles: readonly Role[]): Promise<void>;
  /** Every login of the pool, page by page. */
  logins(): AsyncIterable<LoginAccount>;
  /** The logins in a role group. */
  groupMembers(group: Role): Promise<LoginAccount[]>;
  /**
   * Signs the login out everywhere: its refresh tokens stop working (AdminUserGlobalSignOut). `aws-only`
   * where the directory cannot (cognito-local); the authorizer's profile check still refuses the person.
   */
  signOut(username: string): Promise<'signed-out' | 'aws-only'>;
}

/**
 * Who holds the admin role, as the LMS records it, and how many of them are active: the guard against an
 * organisation locked out of its own LMS.
 */
export interface AdminSeats {
  holds(userId: string): Promise<boolean>;
  /** Idempotent. */
  grant(userId: string): Promise<void>;
  /** Idempotent; LastAdminError when the person is the last active administrator. */
  revoke(userId: string): Promise<void>;
  /**
   * Drops a seat whose person no longer holds the admin role in the directory (changed outside the LMS):
   * unguarded, because a count that includes someone who is not an admin would let the real last admin go.
   */
  forget(userId: string): Promise<void>;
  activeCount(): Promise<number>;
  holders(): Promise<string[]>;
}

/** Sign-ins the LMS recorded (post-authentication trigger), per person. */
export interface SignInHistory {
  record(signIn: SignIn): Promise<void>;
  /** Newest first. */
  recent(userId: string, limit: number): Promise<SignIn[]>;
}

/** An identity provider as stored: the API's view plus the metadata document (kept for rollovers). */
export type StoredIdentityProvider = IdentityProvider & { metadataXml: string | null };

export interface IdentityProviderRepository {
  get(id: string): Promise<StoredIdentityProvider | undefined>;
  list(): Promise<IdentityProvider[]>;
  /** The provider an email domain is routed to. */
  byDomain(domain: string): Promise<IdentityProvider | undefined>;
  /** The id of the provider holding this name (any case), if one does. */
  idByName(name: string): Promise<string | undefined>;
  /** ConflictError naming the clash when the name or a domain is taken. */
  create(provider: StoredIdentityProvider, audit: AuditRecord): Promise<void>;
  update(before: StoredIdentityProvider, after: StoredIdentityProvider, audit: AuditRecord): Promise<void>;
  delete(provider: StoredIdentityProvider, audit: AuditRecord): Promise<void>;
}

export interface SyncResult {
  status: 'synced' | 'aws-only';
  message: string;
}

/** The user pool's federation: its identity providers and the web client's list of them. */
export interface Federation {
  save(
    provider: IdentityProvider,
    secrets: {
      metadataXml?: string | undefined;
      metadataUrl?: string | undefined;
      clientSecret?: string | undefined;
    },
    created: boolean,
  ): Promise<SyncResult>;
  remove(provider: IdentityProvider): Promise<SyncResult>;
  /**
   * Makes the web app client's SupportedIdentityProviders exactly COGNITO plus those of `names` the pool has
   * (the others are returned as `missing`), writing only when the list differs. `aws-only` where the pool has
   * no federation (cognito-local); `no-web-client` when no web client is configured.
   */
  listOnWebClient(names: readonly string[]): Promise<{
    status: 'updated' | 'unchanged' | 'aws-only' | 'no-web-client';
    /** Providers put on the list, and taken off it (not COGNITO and not among `names`). */
    added: string[];
    removed: string[];
    /** Among `names` but not in the user pool, so not listed (Cognito refuses to list an unknown provider). */
    missing: string[];
    message: string;
  }>;
}

/** Linking a federated sign-in to the login a person already has (the pre sign-up trigger). */
export interface LoginLinker {
  /** The username of the native (email and password) login with this email, if there is one. */
  nativeLogin(userPoolId: string, email: string): Promise<string | undefined>;
  /** The groups of a login (is it an administrator?). */
  groupsOf(userPoolId: string, username: string): Promise<string[]>;
  link(userPoolId: string, nativeUsername: string, provider: string, providerUserId: string): Promise<void>;
}

/** Reads an IdP's published metadata document (bounded: time, size, no redirects). */
export interface MetadataFetcher {
  fetch(url: string): Promise<string>;
}

/** The LMS's record of machine clients (never their secrets): name claim, scopes, secret ids, audit. */
export interface ApiClientRepository {
  get(clientId: string): Promise<ApiClient | undefined>;
  list(): Promise<ApiClient[]>;
  idByName(name: string): Promise<string | undefined>;
  create(client: ApiClient, audit: AuditRecord): Promise<void>;
  /** Conditional on `before.version`. */
  update(before: ApiClient, after: ApiClient, audit: AuditRecord): Promise<void>;
  delete(client: ApiClient, audit: AuditRecord): Promise<void>;
}

/**
 * Where machine clients authenticate: Cognito app clients with the client-credentials grant in AWS, the
 * local OAuth server's clients here. Secrets are generated there and returned once.
 */
export interface MachineClientRegistry {
  /** The token endpoint clients POST `grant_type=client_credentials` to. */
  readonly tokenUrl: string;
  create(name: string, scopes: readonly ApiScope[]): Promise<{ clientId: string; secret: IssuedSecret }>;
  /** Replaces the scopes the client may ask for; tokens issued before keep theirs until they expire. */
  setScopes(clientId: string, name: string, scopes: readonly ApiScope[]): Promise<void>;
  addSecret(clientId: string): Promise<IssuedSecret>;
  /** Idempotent: a secret already gone is not an error. */
  removeSecret(clientId: string, secretId: string): Promise<void>;
  /** Idempotent: a client already gone is not an error. */
  remove(clientId: string): Promise<void>;
}

/**
 * SCIM tokens' records, by id (derived from the secret's hash). The hash is stored beside the record for the
 * authorizer, never the secret, and never answered.
 */
export interface ScimTokenRepository {
  /** Fails with a ConflictError when a token with its id exists (two equal secrets: never in practice). */
  create(token: ScimToken, secretHash: string, audit: AuditRecord): Promise<void>;
  get(id: string): Promise<ScimToken | undefined>;
  /** Newest first, revoked and expired ones included (the audit names them). */
  list(): Promise<ScimToken[]>;
  /** Sets `revokedAt` once, with its audit record; writes nothing when it is revoked already (a race lost). */
  revoke(id: string, at: string, audit: AuditRecord): Promise<void>;
}

/** An attempt as stored: the summary, the SCORM data model, the launch token's hash, the last commit. */
export interface AttemptRecord {
  attempt: Attempt;
  /** Flattened SCORM data model elements (empty for cmi5 and xAPI attempts). */
  cmi: Record<string, string>;
  /** What the player frames or redirects to (absolute; cmi5: with its launch parameters). */
  contentUrl: string;
  /** SHA-256 (hex) of the current session's launch token. */
  tokenHash: string;
  tokenExpiresAt: string;
  /** The last commit applied: its sequence number and a digest of its body (a retry is recognised by both). */
  lastCommit: { seq: number; digest: string } | null;
}

export interface AttemptRepository {
  get(id: string): Promise<AttemptRecord | undefined>;
  /** Creates (`expected` null) or replaces the attempt at version `expected`; StaleVersionError otherwise. */
  save(record: AttemptRecord, expected: number | null): Promise<void>;
  /** One commit, conditioned on the version and the token `before` holds; StaleVersionError otherwise. */
  commit(before: AttemptRecord, after: AttemptRecord): Promise<void>;
  /** The attempts one person launched in a course, oldest first. */
  ofLearner(userId: string, courseId: string): Promise<Attempt[]>;
  /** A course's attempts launched in [from, to], newest first, at most `limit`. */
  ofCourse(courseId: string, from: string, to: string, limit: number): Promise<Attempt[]>;
}
