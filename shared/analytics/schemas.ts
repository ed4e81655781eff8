/**
 * The analytics export's tables, in one place: for each exported entity, its Parquet columns (stable
 * snake_case names and types, which the Athena tables declare) and how a stored item becomes its row. Only
 * what the reports need leaves the LMS: no secret (SCIM token hashes, launch token hashes, client secrets),
 * no free text about a person (suspension reasons, custom attributes, audit before/after values), no login
 * identifiers (Cognito subs, linked logins). Columns that name a person are marked, so that erased people
 * leave every file (see `masking`).
 */

import { storedCourseCost } from '../domain/course.ts';

/** The Parquet types the export writes (DuckDB's names). */
export type ColumnType = 'VARCHAR' | 'VARCHAR[]' | 'BOOLEAN' | 'BIGINT' | 'DOUBLE' | 'DATE' | 'TIMESTAMP';

/**
 * How a column names people, for erasure: `person` holds a user id (null when that person is erased),
 * `people` a list of user ids (erased ones left out), `target` a `<kind>:<id>` target's ids, `:`-separated
 * (null when any of them is an erased person).
 */
export type PersonReference = 'person' | 'people' | 'target';

export interface AnalyticsColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly names?: PersonReference;
}

export type Row = Record<string, unknown>;
type Item = Record<string, unknown>;

export interface AnalyticsEntity {
  /** Its folder in the analytics bucket (`<name>/dt=<day>/<runId>.parquet`) and its Athena table. */
  readonly name: AnalyticsEntityName;
  /** The stored items it comes from (their `entity` attribute). */
  readonly source: StoredEntity;
  /**
   * Items of the source it leaves out, and why (the manifest's `omitted: { <reason>: n }`): its rows plus
   * those equal the table's count of the source. @default none
   */
  readonly omits?: { readonly reason: string; readonly when: (item: Item) => boolean };
  readonly columns: readonly AnalyticsColumn[];
  readonly row: (item: Item) => Row;
  /** Its `department_id` column is the person's department, read from their profile at export time. */
  readonly departmentOfPerson?: true;
}

export const ANALYTICS_ENTITY_NAMES = [
  'people',
  'departments',
  'courses',
  'enrollments',
  'completions',
  'attempts',
  'cohorts',
  'cohort_members',
  'audit',
  'business_metrics',
] as const;
export type AnalyticsEntityName = (typeof ANALYTICS_ENTITY_NAMES)[number];

/** The stored entity types the export reads (the `entity` attribute of their items). */
export const EXPORTED_SOURCES = [
  'user',
  'department',
  'course',
  'enrollment',
  'attempt',
  'cohort',
  'cohort-member',
  'audit',
  'business-metric',
] as const;
export type StoredEntity = (typeof EXPORTED_SOURCES)[number];

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
const object = (value: unknown): Item => (value && typeof value === 'object' ? (value as Item) : {});

/** A person's profile; `erasedAt` people never get a row (see the use case). */
const people: AnalyticsEntity = {
  name: 'people',
  source: 'user',
  omits: { reason: 'erased', when: (user) => Boolean(text(user.erasedAt)) },
  columns: [
    { name: 'user_id', type: 'VARCHAR' },
    // Who the person is, for reports that list people (a manager's team, who has not completed).
    { name: 'email', type: 'VARCHAR' },
    { name: 'given_name', type: 'VARCHAR' },
    { name: 'family_name', type: 'VARCHAR' },
    { name: 'external_id', type: 'VARCHAR' },
    // The dimensions reports group by.
    { name: 'department_id', type: 'VARCHAR' },
    { name: 'manager_id', type: 'VARCHAR', names: 'person' },
    { name: 'job_title', type: 'VARCHAR' },
    { name: 'location', type: 'VARCHAR' },
    { name: 'hire_date', type: 'DATE' },
    { name: 'status', type: 'VARCHAR' },
    { name: 'suspended_at', type: 'TIMESTAMP' },
    { name: 'has_login', type: 'BOOLEAN' },
    { name: 'provisioned_by_scim', type: 'BOOLEAN' },
    { name: 'created_at', type: 'TIMESTAMP' },
    { name: 'updated_at', type: 'TIMESTAMP' },
  ],
  row: (user) => ({
    user_id: user.id,
    email: user.email,
    given_name: user.givenName,
    family_name: user.familyName,
    external_id: text(user.externalId),
    department_id: text(user.departmentId),
    manager_id: text(user.managerId),
    job_title: text(user.jobTitle),
    location: text(user.location),
    hire_date: text(user.hireDate),
    status: user.status,
    suspended_at: text(user.suspendedAt),
    has_login: Boolean(user.linkedLogin),
    provisioned_by_scim: Boolean(user.scim),
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  }),
};

const departments: AnalyticsEntity = {
  name: 'departments',
  source: 'department',
  columns: [
    { name: 'department_id', type: 'VARCHAR' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'parent_id', type: 'VARCHAR' },
    // From the root down, this department excluded: a subtree is every row whose list holds its id.
    { name: 'ancestor_ids', type: 'VARCHAR[]' },
    { name: 'manager_id', type: 'VARCHAR', names: 'person' },
    { name: 'member_count', type: 'BIGINT' },
    { name: 'child_count', type: 'BIGINT' },
    { name: 'created_at', type: 'TIMESTAMP' },
    { name: 'updated_at', type: 'TIMESTAMP' },
  ],
  row: (department) => ({
    department_id: department.id,
    name: department.name,
    parent_id: text(department.parentId),
    ancestor_ids: texts(department.ancestorIds),
    manager_id: text(department.managerId),
    member_count: number(department.memberCount),
    child_count: number(department.childCount),
    created_at: department.createdAt,
    updated_at: department.updatedAt,
  }),
};

/** Descriptions and custom fields stay out: long free text no report groups by. */
const courses: AnalyticsEntity = {
  name: 'courses',
  source: 'course',
  columns: [
    { name: 'course_id', type: 'VARCHAR' },
    { name: 'code', type: 'VARCHAR' },
    { name: 'title', type: 'VARCHAR' },
    { name: 'status', type: 'VARCHAR' },
    { name: 'language', type: 'VARCHAR' },
    { name: 'category_id', type: 'VARCHAR' },
    { name: 'tags', type: 'VARCHAR[]' },
    { name: 'owner_ids', type: 'VARCHAR[]', names: 'people' },
    { name: 'duration_minutes', type: 'BIGINT' },
    // The learning time a completion is credited with (training hours); null: count duration_minutes.
    { name: 'expected_minutes', type: 'BIGINT' },
    // What a course costs, in cost_currency: per person enrolled, and once.
    { name: 'cost_per_seat', type: 'DOUBLE' },
    { name: 'cost_fixed', type: 'DOUBLE' },
    { name: 'cost_currency', type: 'VARCHAR' },
    { name: 'self_enrollment', type: 'BOOLEAN' },
    { name: 'capacity', type: 'BIGINT' },
    { name: 'certification_valid_days', type: 'BIGINT' },
    { name: 'current_content_version', type: 'BIGINT' },
    { name: 'review_by', type: 'DATE' },
    { name: 'published_at', type: 'TIMESTAMP' },
    { name: 'archived_at', type: 'TIMESTAMP' },
    { name: 'created_at', type: 'TIMESTAMP' },
    { name: 'updated_at', type: 'TIMESTAMP' },
  ],
  row: (course) => {
    const cost = storedCourseCost(course.cost);
    const certification = course.certification ? object(course.certification) : null;
    return {
      course_id: course.id,
      code: text(course.code),
      title: course.title,
      status: course.status,
      language: text(course.language),
      category_id: text(course.categoryId),
      tags: texts(course.tags),
      owner_ids: texts(course.ownerIds),
      duration_minutes: number(course.durationMinutes),
      expected_minutes: number(course.expectedMinutes),
      cost_per_seat: cost?.perSeat ?? null,
      cost_fixed: cost?.fixed ?? null,
      cost_currency: cost?.currency ?? null,
      self_enrollment: course.selfEnrollment === true,
      capacity: number(course.capacity),
      certification_valid_days: number(certification?.validDays),
      current_content_version: number(course.currentContentVersion),
      review_by: text(course.reviewBy),
      published_at: text(course.publishedAt),
      archived_at: text(course.archivedAt),
      created_at: course.createdAt,
      updated_at: course.updatedAt,
    };
  },
};

/** The history (who changed what, with reasons) and the sources' actors stay out: the audit export has them. */
const enrollments: AnalyticsEntity = {
  name: 'enrollments',
  source: 'enrollment',
  columns: [
    { name: 'course_id', type: 'VARCHAR' },
    { name: 'user_id', type: 'VARCHAR', names: 'person' },
    { name: 'status', type: 'VARCHAR' },
    // Why the person is enrolled: manual, cohort, self, api, import, recertification.
    { name: 'sources', type: 'VARCHAR[]' },
    { name: 'enrolled_at', type: 'TIMESTAMP' },
    { name: 'due_at', type: 'TIMESTAMP' },
    { name: 'overdue_at', type: 'TIMESTAMP' },
    { name: 'completed_at', type: 'TIMESTAMP' },
    { name: 'expires_at', type: 'TIMESTAMP' },
    { name: 'recertify_at', type: 'TIMESTAMP' },
    { name: 'score', type: 'DOUBLE' },
    { name: 'time_spent_seconds', type: 'DOUBLE' },
    { name: 'content_version', type: 'BIGINT' },
  ],
  row: (enrollment) => ({
    course_id: enrollment.courseId,
    user_id: enrollment.userId,
    status: enrollment.status,
    sources: [
      ...new Set(
        (Array.isArray(enrollment.sources) ? enrollment.sources : []).map((source) =>
          text(object(source).source),
        ),
      ),
    ].filter((source): source is string => source !== null),
    enrolled_at: text(enrollment.enrolledAt),
    due_at: text(enrollment.dueAt),
    overdue_at: text(enrollment.overdueAt),
    completed_at: text(enrollment.completedAt),
    expires_at: text(enrollment.expiresAt),
    recertify_at: text(enrollment.recertifyAt),
    score: number(enrollment.score),
    time_spent_seconds: number(enrollment.timeSpentSeconds) ?? 0,
    content_version: number(enrollment.contentVersion),
  }),
};

/**
 * Every recorded completion (an enrollment with `completedAt`, whatever it became since: a lapsed
 * certification stays a completion in the compliance history). The person's department is the one on their
 * profile when the export runs: the LMS keeps no department history.
 */
const completions: AnalyticsEntity = {
  name: 'completions',
  source: 'enrollment',
  omits: { reason: 'notCompleted', when: (enrollment) => !text(enrollment.completedAt) },
  departmentOfPerson: true,
  columns: [
    { name: 'course_id', type: 'VARCHAR' },
    { name: 'user_id', type: 'VARCHAR', names: 'person' },
    { name: 'department_id', type: 'VARCHAR' },
    { name: 'completed_at', type: 'TIMESTAMP' },
    { name: 'score', type: 'DOUBLE' },
    { name: 'status', type: 'VARCHAR' },
    { name: 'expires_at', type: 'TIMESTAMP' },
    // Imported from another system (historical completions), and which.
    { name: 'imported', type: 'BOOLEAN' },
    { name: 'source_system', type: 'VARCHAR' },
  ],
  row: (enrollment) => {
    const origin = enrollment.completionOrigin ? object(enrollment.completionOrigin) : null;
    return {
      course_id: enrollment.courseId,
      user_id: enrollment.userId,
      completed_at: enrollment.completedAt,
      score: number(enrollment.score),
      status: enrollment.status,
      expires_at: text(enrollment.expiresAt),
      imported: origin !== null,
      source_system: text(origin?.sourceSystem),
    };
  },
};

/** The SCORM data model (`cmi`: learner name, suspend data) and the launch token's hash stay out. */
const attempts: AnalyticsEntity = {
  name: 'attempts',
  source: 'attempt',
  columns: [
    { name: 'attempt_id', type: 'VARCHAR' },
    { name: 'course_id', type: 'VARCHAR' },
    { name: 'user_id', type: 'VARCHAR', names: 'person' },
    // An administrator's preview: never counted in a learner's progress.
    { name: 'preview', type: 'BOOLEAN' },
    { name: 'content_version', type: 'BIGINT' },
    { name: 'standard', type: 'VARCHAR' },
    { name: 'sco_id', type: 'VARCHAR' },
    { name: 'status', type: 'VARCHAR' },
    { name: 'completion', type: 'VARCHAR' },
    { name: 'success', type: 'VARCHAR' },
    { name: 'score_scaled', type: 'DOUBLE' },
    { name: 'total_seconds', type: 'DOUBLE' },
    { name: 'load_ms', type: 'BIGINT' },
    { name: 'error_count', type: 'BIGINT' },
    { name: 'launched_at', type: 'TIMESTAMP' },
    { name: 'initialized_at', type: 'TIMESTAMP' },
    { name: 'ended_at', type: 'TIMESTAMP' },
  ],
  row: (attempt) => {
    const outcome = object(attempt.outcome);
    return {
      attempt_id: attempt.id,
      course_id: attempt.courseId,
      user_id: attempt.userId,
      preview: attempt.preview === true,
      content_version: number(attempt.contentVersion),
      standard: attempt.standard,
      sco_id: text(attempt.scoId),
      status: attempt.status,
      completion: text(outcome.completion),
      success: text(outcome.success),
      score_scaled: number(outcome.scoreScaled),
      total_seconds: number(outcome.totalSeconds),
      load_ms: number(attempt.loadMs),
      error_count: number(attempt.errorCount),
      launched_at: text(attempt.launchedAt),
      initialized_at: text(attempt.initializedAt),
      ended_at: text(attempt.endedAt),
    };
  },
};

const cohorts: AnalyticsEntity = {
  name: 'cohorts',
  source: 'cohort',
  columns: [
    { name: 'cohort_id', type: 'VARCHAR' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'kind', type: 'VARCHAR' },
    { name: 'external_id', type: 'VARCHAR' },
    { name: 'member_count', type: 'BIGINT' },
    { name: 'created_at', type: 'TIMESTAMP' },
    { name: 'updated_at', type: 'TIMESTAMP' },
  ],
  row: (cohort) => ({
    cohort_id: cohort.id,
    name: cohort.name,
    kind: cohort.kind,
    external_id: text(cohort.externalId),
    member_count: number(cohort.memberCount),
    created_at: cohort.createdAt,
    updated_at: cohort.updatedAt,
  }),
};

/** Who added the member (`addedBy`, an actor) stays out: the audit export has it. */
const cohortMembers: AnalyticsEntity = {
  name: 'cohort_members',
  source: 'cohort-member',
  columns: [
    { name: 'cohort_id', type: 'VARCHAR' },
    { name: 'user_id', type: 'VARCHAR', names: 'person' },
    { name: 'via', type: 'VARCHAR' },
    { name: 'added_at', type: 'TIMESTAMP' },
  ],
  row: (member) => ({
    cohort_id: member.cohortId,
    user_id: member.userId,
    via: member.via,
    added_at: member.addedAt,
  }),
};

/**
 * What was done, to what, by whom and when; which fields changed, never their values (`before`/`after` hold
 * profiles, emails and names). The actor's login (`sub`) and email stay out: `actor_user_id` joins people.
 */
const audit: AnalyticsEntity = {
  name: 'audit',
  source: 'audit',
  columns: [
    { name: 'audit_id', type: 'VARCHAR' },
    { name: 'at', type: 'TIMESTAMP' },
    { name: 'action', type: 'VARCHAR' },
    { name: 'target_kind', type: 'VARCHAR' },
    { name: 'target_id', type: 'VARCHAR', names: 'target' },
    { name: 'actor_user_id', type: 'VARCHAR', names: 'person' },
    { name: 'actor_roles', type: 'VARCHAR[]' },
    { name: 'changed_fields', type: 'VARCHAR[]' },
    { name: 'request_id', type: 'VARCHAR' },
  ],
  row: (record) => {
    const target = String(record.target ?? '');
    const colon = target.indexOf(':');
    const actor = object(record.actor);
    return {
      audit_id: record.id,
      at: record.at,
      action: record.action,
      target_kind: colon > 0 ? target.slice(0, colon) : target,
      target_id: colon > 0 ? target.slice(colon + 1) : null,
      actor_user_id: text(actor.userId),
      actor_roles: texts(actor.roles),
      changed_fields: changedFields(record.before, record.after),
      request_id: text(record.requestId),
    };
  },
};

/** A department's figure for a period (incidents, sales), imported to set beside training completion. */
const businessMetrics: AnalyticsEntity = {
  name: 'business_metrics',
  source: 'business-metric',
  columns: [
    { name: 'department_id', type: 'VARCHAR' },
    { name: 'metric', type: 'VARCHAR' },
    { name: 'unit', type: 'VARCHAR' },
    { name: 'period_start', type: 'DATE' },
    { name: 'period_end', type: 'DATE' },
    { name: 'value', type: 'DOUBLE' },
    { name: 'imported_at', type: 'TIMESTAMP' },
  ],
  row: (metric) => ({
    department_id: metric.departmentId,
    metric: metric.metric,
    unit: metric.unit,
    period_start: metric.periodStart,
    period_end: metric.periodEnd,
    value: number(metric.value),
    imported_at: metric.importedAt,
  }),
};

/** The top-level fields whose values differ between an audit record's before and after (names only). */
function changedFields(before: unknown, after: unknown): string[] {
  const a = before && typeof before === 'object' ? (before as Item) : {};
  const b = after && typeof after === 'object' ? (after as Item) : {};
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((field) => JSON.stringify(a[field]) !== JSON.stringify(b[field]))
    .sort();
}

/** Every exported entity, in the order the export writes them. */
export const ANALYTICS_ENTITIES: readonly AnalyticsEntity[] = [
  people,
  departments,
  courses,
  enrollments,
  completions,
  attempts,
  cohorts,
  cohortMembers,
  audit,
  businessMetrics,
];

/**
 * The stored entity type of an item: its `entity` attribute, or for attempts (stored without one) their key
 * shape, `ATTEMPT#<id>` / `ATTEMPT`.
 */
export function storedEntityOf(item: Item): string | undefined {
  if (typeof item.entity === 'string') return item.entity;
  if (item.sk === 'ATTEMPT' && typeof item.pk === 'string' && item.pk.startsWith('ATTEMPT#'))
    return 'attempt';
  return undefined;
}

/** A place in a day's partition: `<entity>/dt=<YYYY-MM-DD>/<runId>.parquet`. */
export function analyticsFileKey(entity: AnalyticsEntityName, day: string, runId: string): string {
  return `${entity}/dt=${day}/${runId}.parquet`;
}

/** The run's manifest: `_manifests/dt=<YYYY-MM-DD>/<runId>.json`. */
export function analyticsManifestKey(day: string, runId: string): string {
  return `_manifests/dt=${day}/${runId}.json`;
}
