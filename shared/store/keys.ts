/**
 * Every entity's keys in the single table, in one place. Index use:
 * - gsi1: the "all of a kind" listings (users by email, departments in tree order)
 * - gsi2: the "by owner" listings (users of a department by status, departments by manager)
 */
export const keys = {
  user: (id: string) => ({ pk: `USER#${id}`, sk: 'USER' }),
  /** gsi1: every user, ordered by email. */
  usersByEmail: (emailLower: string) => ({ gsi1pk: 'USERS', gsi1sk: emailLower }),
  /** gsi2: the users of one department, grouped by status then email. */
  usersOfDepartment: (departmentId: string, status: string, emailLower: string) => ({
    gsi2pk: `DEPT#${departmentId}#USERS`,
    gsi2sk: `${status}#${emailLower}`,
  }),

  department: (id: string) => ({ pk: `DEPT#${id}`, sk: 'DEPARTMENT' }),
  /** gsi1: every department, ordered by materialised path so a subtree is one key range. */
  departmentsByPath: (path: string) => ({ gsi1pk: 'DEPARTMENTS', gsi1sk: path }),
  /** gsi2: the departments one person manages. */
  departmentsOfManager: (managerId: string, departmentId: string) => ({
    gsi2pk: `MANAGER#${managerId}`,
    gsi2sk: `DEPT#${departmentId}`,
  }),

  course: (id: string) => ({ pk: `COURSE#${id}`, sk: 'COURSE' }),
  /** gsi1: every course by title; gsi2: the courses in one status by title. */
  coursesByTitle: (titleLower: string, id: string) => ({ gsi1pk: 'COURSES', gsi1sk: `${titleLower}#${id}` }),
  coursesByStatus: (status: string, titleLower: string, id: string) => ({
    gsi2pk: `COURSES#${status}`,
    gsi2sk: `${titleLower}#${id}`,
  }),
  /** A course's imported content versions live in the course's partition. */
  contentVersion: (courseId: string, version: number) => ({
    pk: `COURSE#${courseId}`,
    sk: `CONTENT#${String(version).padStart(6, '0')}`,
  }),
  category: (id: string) => ({ pk: `CATEGORY#${id}`, sk: 'CATEGORY' }),
  categoriesByName: (nameLower: string, id: string) => ({
    gsi1pk: 'CATEGORIES',
    gsi1sk: `${nameLower}#${id}`,
  }),
  learningPath: (id: string) => ({ pk: `PATH#${id}`, sk: 'PATH' }),
  learningPathsByTitle: (titleLower: string, id: string) => ({
    gsi1pk: 'PATHS',
    gsi1sk: `${titleLower}#${id}`,
  }),
  job: (id: string) => ({ pk: `JOB#${id}`, sk: 'JOB' }),
  /** gsi1: every run, newest last; gsi2: the runs of one kind. */
  jobsByTime: (createdAt: string, id: string) => ({ gsi1pk: 'JOBS', gsi1sk: `${createdAt}#${id}` }),
  jobsOfKind: (type: string, createdAt: string, id: string) => ({
    gsi2pk: `JOBS#${type}`,
    gsi2sk: `${createdAt}#${id}`,
  }),
  /** The one lock of a kind of run (a run never overlaps itself): which run holds it, until when. */
  jobLock: (name: string) => ({ pk: `JOBLOCK#${name}`, sk: 'LOCK' }),
  /** A person's enrollment lives in the course's partition; gsi1 lists a person's enrollments. */
  enrollment: (courseId: string, userId: string) => ({
    pk: `COURSE#${courseId}`,
    sk: `ENROLLMENT#${userId}`,
  }),
  enrollmentsOfUser: (userId: string, courseId: string) => ({
    gsi1pk: `USER#${userId}#ENROLLMENTS`,
    gsi1sk: courseId,
  }),
  /** Seats taken and the waitlist's last position, one counter item per course. */
  seats: (courseId: string) => ({ pk: `COURSE#${courseId}`, sk: 'SEATS' }),
  waitlistEntry: (courseId: string, userId: string) => ({
    pk: `COURSE#${courseId}`,
    sk: `WAITING#${userId}`,
  }),
  /** gsi2: a course's waitlist in order. */
  waitlistOrder: (courseId: string, position: number) => ({
    gsi2pk: `COURSE#${courseId}#WAITLIST`,
    gsi2sk: String(position).padStart(9, '0'),
  }),

  cohort: (id: string) => ({ pk: `COHORT#${id}`, sk: 'COHORT' }),
  /** gsi1: every cohort by name. */
  cohortsByName: (nameLower: string, id: string) => ({ gsi1pk: 'COHORTS', gsi1sk: `${nameLower}#${id}` }),
  /** A person's membership lives in the cohort's partition; gsi1 lists a person's cohorts. */
  cohortMember: (cohortId: string, userId: string) => ({ pk: `COHORT#${cohortId}`, sk: `MEMBER#${userId}` }),
  cohortsOfUser: (userId: string, cohortId: string) => ({
    gsi1pk: `USER#${userId}#COHORTS`,
    gsi1sk: cohortId,
  }),
  /** A cohort's link to a course; gsi2 lists the cohorts linked to one course. */
  cohortLink: (cohortId: string, courseId: string) => ({ pk: `COHORT#${cohortId}`, sk: `LINK#${courseId}` }),
  cohortLinksOfCourse: (courseId: string, cohortId: string) => ({
    gsi2pk: `COURSE#${courseId}#COHORTS`,
    gsi2sk: cohortId,
  }),
  /**
   * gsi2: enrollments with a deadline to act on (due date, recertification window, expiry), by that time.
   * Spread over a few partitions so the sweep's index never has one hot key.
   */
  complianceQueue: (shard: number, nextCheckAt: string, courseId: string, userId: string) => ({
    gsi2pk: `COMPLIANCE#${shard}`,
    gsi2sk: `${nextCheckAt}#${courseId}#${userId}`,
  }),

  /** A sign-in, in the person's partition, newest last; expires after LOGIN_HISTORY_DAYS (TTL). */
  signIn: (userId: string, at: string) => ({ pk: `USER#${userId}`, sk: `SIGNIN#${at}` }),

  identityProvider: (id: string) => ({ pk: `IDP#${id}`, sk: 'IDP' }),
  /** gsi1: every identity provider by name. */
  identityProvidersByName: (nameLower: string) => ({ gsi1pk: 'IDPS', gsi1sk: nameLower }),

  apiClient: (clientId: string) => ({ pk: `APICLIENT#${clientId}`, sk: 'APICLIENT' }),
  /** gsi1: every machine client by name. */
  apiClientsByName: (nameLower: string) => ({ gsi1pk: 'APICLIENTS', gsi1sk: nameLower }),

  /** A SCIM token, by its id (the first half of its secret's SHA-256, so the authorizer reads it directly). */
  scimToken: (id: string) => ({ pk: `SCIMTOKEN#${id}`, sk: 'SCIMTOKEN' }),
  /** gsi1: every SCIM token, by creation time. */
  scimTokensByCreation: (createdAt: string, id: string) => ({
    gsi1pk: 'SCIMTOKENS',
    gsi1sk: `${createdAt}#${id}`,
  }),

  /**
   * The LMS's record of who holds the admin role (one seat per person), and the count of seats whose person
   * is active: suspending or demoting the last active admin fails a conditional write on that count.
   */
  /** A learner's attempt at one SCO or AU; gsi1 lists a course's attempts by launch time (performance). */
  attempt: (id: string) => ({ pk: `ATTEMPT#${id}`, sk: 'ATTEMPT' }),
  attemptsOfCourse: (courseId: string, launchedAt: string, id: string) => ({
    gsi1pk: `COURSE#${courseId}#ATTEMPTS`,
    gsi1sk: `${launchedAt}#${id}`,
  }),
  /** gsi2: one learner's attempts in one course, newest last (the one a launch resumes). */
  attemptsOfLearner: (userId: string, courseId: string, launchedAt: string, id: string) => ({
    gsi2pk: `USER#${userId}#COURSE#${courseId}#ATTEMPTS`,
    gsi2sk: `${launchedAt}#${id}`,
  }),

  adminSeat: (userId: string) => ({ pk: 'ADMINS', sk: `USER#${userId}` }),
  adminSeatCount: () => ({ pk: 'ADMINS', sk: 'COUNT' }),

  /** A uniqueness claim: the item exists while `ownerId` holds the value (see claims.ts). */
  unique: (kind: UniqueKind, value: string) => ({ pk: `UNIQUE#${kind}#${value}`, sk: 'UNIQUE' }),

  /** An import; gsi1 lists every import, newest last. */
  importRecord: (id: string) => ({ pk: `IMPORT#${id}`, sk: 'IMPORT' }),
  importsByTime: (createdAt: string, id: string) => ({ gsi1pk: 'IMPORTS', gsi1sk: `${createdAt}#${id}` }),
  /** An entry of an import's change log (what apply wrote, for undo), in plan order. */
  importChange: (importId: string, seq: number) => ({
    pk: `IMPORT#${importId}`,
    sk: `CHANGE#${sequence(seq)}`,
  }),
  /** A change that waits for a record a later change of the import makes (import-store.ts). */
  importWaiting: (importId: string, seq: number) => ({
    pk: `IMPORT#${importId}`,
    sk: `WAIT#${sequence(seq)}`,
  }),

  /** Powertools idempotency records: one partition per caller, so a key names one request of theirs. */
  idempotencyRecords: (caller: string) => `IDEMPOTENCY#${caller}`,

  /**
   * The LRS (shared/xapi): a launch's session (and its request counter), a learner's registration for a
   * course (a preview's is its own), statements by id, and xAPI documents by scope (a hash of what
   * identifies them: kind, activity, agent, registration) and id.
   */
  xapiSession: (id: string) => ({ pk: `XAPISESSION#${id}`, sk: 'SESSION' }),
  xapiSessionRequests: (id: string) => ({ pk: `XAPISESSION#${id}`, sk: 'REQUESTS' }),
  xapiRegistration: (courseId: string, userId: string, preview: boolean) => ({
    pk: `XAPIREG#${courseId}#${userId}${preview ? '#preview' : ''}`,
    sk: 'REGISTRATION',
  }),
  xapiStatement: (id: string) => ({ pk: `XAPISTATEMENT#${id}`, sk: 'STATEMENT' }),
  /** gsi1: a registration's statements by `stored`, then order in their batch. */
  xapiStatementsOfRegistration: (registration: string, stored: string, order: string) => ({
    gsi1pk: `XAPISTATEMENTS#${registration}`,
    gsi1sk: `${stored}#${order}`,
  }),
  xapiDocument: (scopeHash: string, id: string) => ({ pk: `XAPIDOC#${scopeHash}`, sk: `DOC#${id}` }),

  /**
   * Report schedules. gsi1 (active ones only): by the time they run next, so the tick reads those due as one
   * key range. gsi2: every schedule by owner, then creation (a manager's own are one prefix).
   */
  reportSchedule: (id: string) => ({ pk: `REPORTSCHEDULE#${id}`, sk: 'SCHEDULE' }),
  reportSchedulesDue: (nextRunAt: string, id: string) => ({
    gsi1pk: 'REPORTSCHEDULES#ACTIVE',
    gsi1sk: `${nextRunAt}#${id}`,
  }),
  reportSchedulesByOwner: (ownerId: string, createdAt: string, id: string) => ({
    gsi2pk: 'REPORTSCHEDULES',
    gsi2sk: `${ownerId}#${createdAt}#${id}`,
  }),
  /** A run a schedule requested and has not mailed yet, in the schedule's partition; gsi1: all of them. */
  reportDelivery: (scheduleId: string, jobId: string) => ({
    pk: `REPORTSCHEDULE#${scheduleId}`,
    sk: `DELIVERY#${jobId}`,
  }),
  reportDeliveriesPending: (requestedAt: string, jobId: string) => ({
    gsi1pk: 'REPORTDELIVERIES',
    gsi1sk: `${requestedAt}#${jobId}`,
  }),

  /** An organisation setting document (`data-lifecycle`, `report-delivery`). */
  settings: (name: string) => ({ pk: 'SETTINGS', sk: name }),

  /** A department's figure for one metric and period (imported business metrics). */
  businessMetric: (departmentId: string, metric: string, periodStart: string, periodEnd: string) => ({
    pk: `METRIC#${departmentId}`,
    sk: `${metric}#${periodStart}#${periodEnd}`,
  }),
  audit: (target: string, at: string, id: string) => ({ pk: `AUDIT#${target}`, sk: `${at}#${id}` }),
  auditTrail: (target: string) => `AUDIT#${target}`,
} as const;

/**
 * The kinds of value held unique by a claim item. A new kind also needs its row in claims.ts (the field and
 * words a conflict names), which the compiler asks for.
 */
export type UniqueKind =
  | 'email'
  /** A course's code, lower-cased. */
  | 'courseCode'
  | 'externalId'
  /** A login's `sub`, held by the profile it is linked to. */
  | 'login'
  /** A person's SCIM userName, lower-cased (kept after a SCIM delete, so the same userName brings them back). */
  | 'scimUserName'
  | 'departmentName'
  | 'categoryName'
  | 'cohortName'
  /** A cohort's external id, as given (external ids are case-exact). */
  | 'cohortExternalId'
  | 'idpName'
  | 'idpDomain'
  | 'apiClientName';

/** Materialised path of a department: its ancestors then itself, `/a/b/c/`. */
export function departmentPath(ancestorIds: readonly string[], id: string): string {
  return `/${[...ancestorIds, id].join('/')}/`;
}

/** Attributes that exist only for storage; stripped before anything leaves the store. */
export const STORAGE_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'] as const;

export function withoutStorageAttributes<T extends Record<string, unknown>>(
  item: T,
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...item };
  for (const name of STORAGE_ATTRIBUTES) delete copy[name];
  return copy;
}

/** A plan entry's number as sort keys write it, so that they sort in plan order. */
export function sequence(seq: number): string {
  return String(seq).padStart(9, '0');
}
