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
  'content_versions',
  'jobs',
  'imports',
  'sign_ins',
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
  'content-version',
  'job',
  'import',
  'sign-in',
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
    const [targetKind, targetId] = targetParts(record.target);
    const actor = object(record.actor);
    return {
      audit_id: record.id,
      at: record.at,
      action: record.action,
      target_kind: targetKind,
      target_id: targetId,
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

/**
 * Each imported package's content version, with its accessibility findings' counts. A version has no status
 * or publication of its own (the course is published; the newest import becomes the course's current
 * version): reports compare `version` with the courses' `current_content_version`. Warnings' texts and the
 * SCOs' titles and URLs stay out.
 */
const contentVersions: AnalyticsEntity = {
  name: 'content_versions',
  source: 'content-version',
  columns: [
    { name: 'course_id', type: 'VARCHAR' },
    { name: 'version', type: 'BIGINT' },
    { name: 'standard', type: 'VARCHAR' },
    { name: 'sco_count', type: 'BIGINT' },
    { name: 'file_count', type: 'BIGINT' },
    { name: 'bytes', type: 'BIGINT' },
    { name: 'has_sequencing', type: 'BOOLEAN' },
    { name: 'warnings', type: 'BIGINT' },
    // Critical + serious + moderate + minor, and the four on their own.
    { name: 'accessibility_violations', type: 'BIGINT' },
    { name: 'accessibility_critical', type: 'BIGINT' },
    { name: 'accessibility_serious', type: 'BIGINT' },
    { name: 'accessibility_moderate', type: 'BIGINT' },
    { name: 'accessibility_minor', type: 'BIGINT' },
    // `blocking` (publishing needs a waiver), `violations` (none blocking), `clean`.
    { name: 'accessibility_status', type: 'VARCHAR' },
    { name: 'files_with_violations', type: 'BIGINT' },
    { name: 'files_not_scanned', type: 'BIGINT' },
    { name: 'job_id', type: 'VARCHAR' },
    { name: 'imported_by', type: 'VARCHAR', names: 'person' },
    { name: 'imported_at', type: 'TIMESTAMP' },
    // `standard` or `archive` (S3 Glacier Instant Retrieval), and when that last changed.
    { name: 'storage', type: 'VARCHAR' },
    { name: 'storage_changed_at', type: 'TIMESTAMP' },
  ],
  row: (content) => {
    const found = object(content.accessibility);
    const severities = ['critical', 'serious', 'moderate', 'minor'].map((level) => number(found[level]) ?? 0);
    const violations = severities.reduce((sum, n) => sum + n, 0);
    const [critical, serious, moderate, minor] = severities;
    return {
      course_id: content.courseId,
      version: content.version,
      standard: content.standard,
      sco_count: number(content.scoCount),
      file_count: number(content.fileCount),
      bytes: number(content.totalBytes),
      has_sequencing: content.hasSequencing === true,
      warnings: Array.isArray(content.warnings) ? content.warnings.length : 0,
      accessibility_violations: violations,
      accessibility_critical: critical,
      accessibility_serious: serious,
      accessibility_moderate: moderate,
      accessibility_minor: minor,
      accessibility_status: found.blocking === true ? 'blocking' : violations > 0 ? 'violations' : 'clean',
      files_with_violations: number(found.filesWithViolations),
      files_not_scanned: number(found.filesWithErrors),
      job_id: text(content.jobId),
      imported_by: text(content.importedBy),
      imported_at: text(content.importedAt),
      storage: text(content.storage) ?? 'standard',
      storage_changed_at: text(content.storageChangedAt),
    };
  },
};

/**
 * The job records (package imports, scheduled jobs, backups, exports, report runs): what ran, for whom, how
 * long and how it ended. Their input, findings' texts, failure messages and outputs stay out (they may name
 * files and people); `items` is the count most kinds keep of what they went through.
 */
const jobs: AnalyticsEntity = {
  name: 'jobs',
  source: 'job',
  columns: [
    { name: 'job_id', type: 'VARCHAR' },
    { name: 'kind', type: 'VARCHAR' },
    { name: 'status', type: 'VARCHAR' },
    { name: 'target_kind', type: 'VARCHAR' },
    { name: 'target_id', type: 'VARCHAR', names: 'target' },
    // A person's user id; a scheduled job's or a machine client's name otherwise (`job:backup`).
    { name: 'created_by', type: 'VARCHAR', names: 'person' },
    { name: 'created_at', type: 'TIMESTAMP' },
    { name: 'started_at', type: 'TIMESTAMP' },
    { name: 'finished_at', type: 'TIMESTAMP' },
    { name: 'failure_code', type: 'VARCHAR' },
    { name: 'items', type: 'BIGINT' },
    { name: 'errors', type: 'BIGINT' },
    { name: 'warnings', type: 'BIGINT' },
  ],
  row: (job) => {
    const [kind, targetId] = targetParts(job.target);
    const findings = Array.isArray(job.findings) ? job.findings.map(object) : [];
    return {
      job_id: job.id,
      kind: job.type,
      status: job.status,
      target_kind: kind,
      target_id: targetId,
      created_by: text(job.createdBy),
      created_at: job.createdAt,
      started_at: text(job.startedAt),
      finished_at: text(job.finishedAt),
      failure_code: text(object(job.failure).code),
      items: number(object(job.counts).items),
      errors: findings.filter((finding) => finding.severity === 'error').length,
      warnings: findings.filter((finding) => finding.severity === 'warning').length,
    };
  },
};

/**
 * The imports of people, enrollments, courses and completions: type, format, status, rows and what the plan
 * does with them, who asked and who approved. The file's name, notes and conflicts stay out (they name people).
 */
const imports: AnalyticsEntity = {
  name: 'imports',
  source: 'import',
  columns: [
    { name: 'import_id', type: 'VARCHAR' },
    { name: 'type', type: 'VARCHAR' },
    { name: 'format', type: 'VARCHAR' },
    { name: 'mode', type: 'VARCHAR' },
    { name: 'status', type: 'VARCHAR' },
    { name: 'size_bytes', type: 'BIGINT' },
    // Rows read (header excluded), and the plan's entries per action; `errors` are rows it refused.
    { name: 'rows_read', type: 'BIGINT' },
    { name: 'created', type: 'BIGINT' },
    { name: 'updated', type: 'BIGINT' },
    { name: 'unchanged', type: 'BIGINT' },
    { name: 'errors', type: 'BIGINT' },
    { name: 'warnings', type: 'BIGINT' },
    // What apply did: entries applied, and records left alone because they changed since planning.
    { name: 'applied', type: 'BIGINT' },
    { name: 'conflicts', type: 'BIGINT' },
    { name: 'approval_required', type: 'BOOLEAN' },
    { name: 'approved_by', type: 'VARCHAR', names: 'person' },
    { name: 'created_by', type: 'VARCHAR', names: 'person' },
    { name: 'created_at', type: 'TIMESTAMP' },
    // Its last change: when it ended, once it is applied, undone or failed.
    { name: 'updated_at', type: 'TIMESTAMP' },
    { name: 'failure_code', type: 'VARCHAR' },
  ],
  row: (record) => {
    const counts = object(record.counts);
    const approval = object(record.approval);
    const applied = record.applied ? object(record.applied) : null;
    return {
      import_id: record.id,
      type: record.type,
      format: record.format,
      mode: record.mode,
      status: record.status,
      size_bytes: number(record.sizeBytes),
      rows_read: number(record.rows),
      created: number(counts.create),
      updated: number(counts.update),
      unchanged: number(counts.unchanged),
      errors: number(counts.error),
      warnings: Array.isArray(record.warnings) ? record.warnings.length : 0,
      applied: number(applied?.done),
      conflicts: number(applied?.conflicts),
      approval_required: approval.required === true,
      approved_by: text(approval.approvedBy),
      created_by: text(record.createdBy),
      created_at: record.createdAt,
      updated_at: record.updatedAt,
      failure_code: text(object(record.failure).code),
    };
  },
};

/**
 * The sign-in history (kept 90 days): sign-ins that succeeded and those the LMS refused, with why (a
 * suspended profile). Cognito's own refusals (a wrong password, a locked login) never reach the LMS.
 */
const signIns: AnalyticsEntity = {
  name: 'sign_ins',
  source: 'sign-in',
  columns: [
    { name: 'user_id', type: 'VARCHAR', names: 'person' },
    { name: 'at', type: 'TIMESTAMP' },
    // `succeeded` or `refused`; sign-ins recorded before refusals were kept are `succeeded`.
    { name: 'outcome', type: 'VARCHAR' },
    { name: 'reason', type: 'VARCHAR' },
    // `password` (a native login) or `federated` (an identity provider's); null when not recorded.
    { name: 'method', type: 'VARCHAR' },
    { name: 'client_id', type: 'VARCHAR' },
  ],
  row: (signIn) => ({
    user_id: signIn.userId,
    at: signIn.at,
    outcome: text(signIn.outcome) ?? 'succeeded',
    reason: text(signIn.reason),
    method: text(signIn.method),
    client_id: text(signIn.clientId),
  }),
};

/** `<kind>:<id>` as its kind and its id (null without one). */
function targetParts(target: unknown): [string, string | null] {
  const value = String(target ?? '');
  const colon = value.indexOf(':');
  return colon > 0 ? [value.slice(0, colon), value.slice(colon + 1)] : [value, null];
}

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
  contentVersions,
  jobs,
  imports,
  signIns,
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
