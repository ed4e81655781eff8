/** What the import use cases need from the outside world: the import's record, its files, the bulk writes. */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuditRecord } from '../../domain/audit.ts';
import type { BusinessMetric } from '../../domain/business-metric.ts';
import type { Cohort, CohortMember } from '../../domain/cohort.ts';
import type { Course } from '../../domain/course.ts';
import type { Department } from '../../domain/department.ts';
import type { Enrollment } from '../../domain/enrollment.ts';
import type { Import, PlanAction, PlanEntry } from '../../domain/import.ts';
import type { User } from '../../domain/user.ts';
import type { CsvEvent } from '../../imports/csv.ts';
import type {
  CatalogRepository,
  ContentVersionLookup,
  DepartmentRepository,
  EnrollmentRepository,
  Page,
  PageRequest,
  Runtime,
  UploadStore,
  UserRepository,
} from '../ports.ts';

/** The plan's streams: every entry in row order (`all`), and each action's entries on their own. */
export type PlanStream = 'all' | PlanAction;

/**
 * An import as stored: the API's view, plus what the steps keep for themselves: the plan's parts, how far
 * apply or undo got (`checkpoint`, an entry index), and the lease of the run that works on it.
 */
export type ImportRecord = Import & {
  plan: { entries: number; parts: Partial<Record<PlanStream, number>> } | null;
  checkpoint: number;
  /** The run working on the import now, until when (a run that dies lets its lease run out). */
  lease: { run: string; until: string } | null;
  /** Changes that waited for a record a later change makes (a manager further down the file), so far. */
  waited: number;
};

export interface ImportRepository {
  create(record: ImportRecord, audit: AuditRecord): Promise<void>;
  get(id: string): Promise<ImportRecord | undefined>;
  /** Newest first. */
  list(page: PageRequest): Promise<Page<ImportRecord>>;
  /** Replaces the import if it is still at `expectedVersion` (StaleVersionError otherwise). */
  save(record: ImportRecord, expectedVersion: number, audit?: AuditRecord): Promise<void>;
}

/**
 * A plan entry as stored: the API's view, the row as the file had it (for errors.csv), and the write the
 * apply step makes (what the plan shows, as data).
 */
export type StoredPlanEntry = PlanEntry & {
  raw?: string[];
  write?: PlannedWrite;
};

/** A person created, changed or suspended: the profile before (null: new) and after. */
export interface PersonWrite {
  op: 'person';
  before: User | null;
  after: User;
}

/**
 * An enrollment created or changed (enrolled again, withdrawn, a new due date, completed): before (null: new)
 * and after. A completion imported for someone not enrolled is made as the API would make it, enrolled
 * (`enrolledFirst`) then completed, and audited as both. `capacity`: the course's seats, checked when the
 * write takes one; null when not checked (a historical completion is a record, not a seat to refuse).
 */
export interface EnrollmentWrite {
  op: 'enrollment';
  before: Enrollment | null;
  after: Enrollment;
  enrolledFirst?: Enrollment;
  capacity: number | null;
}

/**
 * A course created or changed: before (null: new) and after, and `steps`, the course after each request the
 * API would take to make the change (created or updated, then published, archived or back to draft), each
 * audited as that request is. `after` is the last step.
 */
export interface CourseWrite {
  op: 'course';
  before: Course | null;
  after: Course;
  steps: Course[];
}

/**
 * A department created (a Canvas SIS account): imports make departments and never change one (an account
 * that names a department of the LMS is that department), so `before` is always null. Its parent is one
 * the LMS has, or one the same import creates earlier in the plan.
 */
export interface DepartmentWrite {
  op: 'department';
  before: null;
  after: Department;
}

/**
 * A static cohort created (a Canvas SIS section; a cohort a Moodle people file names that the LMS lacks):
 * imports make cohorts and never change one, so `before` is always null.
 */
export interface CohortWrite {
  op: 'cohort';
  before: null;
  after: Cohort;
}

/**
 * A person joining a static cohort (a Moodle `cohortN` column, a Canvas enrollment in a section): `after` is
 * the membership as written, `addedBy` naming the import, which is how undo knows the memberships it made.
 */
export interface MembershipWrite {
  op: 'membership';
  before: null;
  after: CohortMember;
  /** How the file names the cohort and the person, for the plan and the notes. */
  key: string;
}

/**
 * A department's business metric for a period, created or its value (or unit) replaced: before (null: new)
 * and after, one figure per department, metric and period.
 */
export interface BusinessMetricWrite {
  op: 'business-metric';
  before: BusinessMetric | null;
  after: BusinessMetric;
}

/** What apply writes for one plan entry: each kind of record has its bulk port and its part of apply. */
export type PlannedWrite =
  | PersonWrite
  | EnrollmentWrite
  | CourseWrite
  | DepartmentWrite
  | CohortWrite
  | MembershipWrite
  | BusinessMetricWrite;

/** One change apply makes, as the change log keeps it for undo: the plan entry's position, its line, the write. */
export type Change<W extends PlannedWrite = PlannedWrite> = W & { seq: number; line: number };
export type PersonChange = Change<PersonWrite>;
export type EnrollmentChange = Change<EnrollmentWrite>;
export type CourseChange = Change<CourseWrite>;
export type DepartmentCreation = Change<DepartmentWrite>;
export type CohortCreation = Change<CohortWrite>;
export type MembershipChange = Change<MembershipWrite>;
export type BusinessMetricChange = Change<BusinessMetricWrite>;

/** How an enrollment is named in maps: its course and person. */
export function enrollmentKey(enrollment: { courseId: string; userId: string }): string {
  return `${enrollment.courseId}/${enrollment.userId}`;
}

export interface PlanWriter {
  add(entry: StoredPlanEntry): Promise<void>;
  /** Flushes what is buffered; answers the number of parts of each stream. */
  close(): Promise<Partial<Record<PlanStream, number>>>;
}

/** The import's files in the uploads bucket: the upload, the plan, errors.csv. */
export interface ImportFiles extends UploadStore {
  /** Deletes the upload once planned, or once it cannot be (no error if it is gone already). */
  discardSource(importId: string): Promise<void>;
  /** The uploaded file, streamed. */
  source(importId: string): Promise<AsyncIterable<Uint8Array>>;
  planWriter(importId: string): PlanWriter;
  /** One part of a plan stream (entries in order), or [] past the end. */
  planPart(importId: string, stream: PlanStream, part: number): Promise<StoredPlanEntry[]>;
  /** Stores errors.csv from the lines given (already CSV). */
  putErrors(importId: string, lines: AsyncIterable<string>): Promise<void>;
  /** A short-lived download link of errors.csv. */
  errorsUrl(importId: string, expiresInSeconds: number): Promise<string>;
}

/**
 * The import's change log: apply writes each change there before making it, undo reads it back. Written with
 * BatchWriteItem (retried; writing an entry twice is writing it once).
 */
export interface ChangeLog {
  log(importId: string, changes: readonly Change[]): Promise<void>;
  /** Removes the entries of changes that were not made after all. */
  unlog(importId: string, seqs: readonly number[]): Promise<void>;
  /**
   * The entries apply wrote, newest first, below `before` (exclusive): undo goes back through them, so a
   * record is put back before the records it needed (a sub-department before its parent, an enrollment
   * before its course), even when they were written in different chunks.
   */
  changes(importId: string, before: number, limit: number): Promise<Change[]>;
  /**
   * Keeps changes that wait for a record a later change of the import makes (a manager further down the
   * file), with why they could not be made yet; they are tried again once the plan has been through.
   */
  wait(importId: string, waiting: readonly WaitingChange[]): Promise<void>;
  /** The waiting changes, in order, from `after` (exclusive). */
  waiting(importId: string, after: number, limit: number): Promise<WaitingChange[]>;
  /** Removes waiting changes that were made, or given up on. */
  unwait(importId: string, seqs: readonly number[]): Promise<void>;
}

export interface WaitingChange {
  change: Change;
  reason: string;
}

/**
 * Bulk writes of people. Every profile write is conditional (the version the plan read, or no profile and
 * free claims for a new person), in transactions of many people at once; a person whose condition fails is a
 * conflict, and the others go on.
 */
export interface PeopleBulk {
  /** The current profiles of these ids (strongly consistent; missing ids are absent). */
  current(ids: readonly string[]): Promise<Map<string, User>>;
  /** Who holds each of these emails / external ids now. */
  owners(kind: 'email' | 'externalId', values: readonly string[]): Promise<Map<string, string>>;
  /**
   * Writes the changes with their claims, department member counts and audit records, each only if the
   * profile is still as the change expects. Answers the changes that were not written, with why.
   */
  write(changes: readonly PersonChange[], audits: readonly AuditRecord[]): Promise<Map<number, string>>;
  /**
   * Puts profiles back as undo decided (`after` null removes a profile the import created), each only if it
   * is still as the import left it (`before`). Answers those that were not, with why.
   */
  restore(
    changes: readonly { seq: number; before: User; after: User | null }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>>;
}

/**
 * Bulk writes of enrollments: each conditional (the version the plan read, or no enrollment for a new one),
 * with the course's seats and the audit records, many in one transaction; one whose condition fails is a
 * conflict, and the others go on.
 */
export interface EnrollmentBulk {
  /** The current enrollments of these people in these courses, by {@link enrollmentKey} (strongly consistent). */
  current(enrollments: readonly { courseId: string; userId: string }[]): Promise<Map<string, Enrollment>>;
  /**
   * Writes the changes with their seats and audit records (`audits[i]` for `changes[i]`), each only if the
   * enrollment is still as the change expects, and a seat it takes under the capacity. Answers the changes
   * that were not written, with why.
   */
  write(
    changes: readonly EnrollmentChange[],
    audits: readonly (readonly AuditRecord[])[],
  ): Promise<Map<number, string>>;
  /**
   * Puts enrollments back as undo decided (`after` null removes one the import created), each only if it is
   * still as the import left it (`before`), with the seats they free or take. Answers those that were not.
   */
  restore(
    changes: readonly {
      seq: number;
      before: Enrollment;
      after: Enrollment | null;
      capacity: number | null;
    }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>>;
}

/**
 * Bulk writes of courses: each conditional (the version the plan read, or no course and a free code for a
 * new one), with its code claim and audit records; one whose condition fails is a conflict, and the others
 * go on.
 */
export interface CourseBulk {
  /** The current courses of these ids (strongly consistent; missing ids are absent). */
  current(ids: readonly string[]): Promise<Map<string, Course>>;
  /** Who holds each of these course codes now, by the code in lower case. */
  owners(codes: readonly string[]): Promise<Map<string, string>>;
  /** Writes the changes (`audits[i]` for `changes[i]`); answers those not written, with why. */
  write(
    changes: readonly CourseChange[],
    audits: readonly (readonly AuditRecord[])[],
  ): Promise<Map<number, string>>;
  /**
   * Puts courses back as undo decided (`after` null removes a course the import created, with its code), each
   * only if it is still as the import left it (`before`). Answers those that were not, with why.
   */
  restore(
    changes: readonly { seq: number; before: Course; after: Course | null }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>>;
}

/**
 * Bulk writes of the departments an import creates: each with its name claim (free among its siblings), its
 * parent's count of sub-departments and its audit record, one department a transaction (a parent and its
 * child are never in one, as a transaction takes an item once), a child after its parent.
 */
export interface DepartmentBulk {
  /** The current departments of these ids (strongly consistent; missing ids are absent). */
  current(ids: readonly string[]): Promise<Map<string, Department>>;
  /** Creates the departments (`audits[i]` for `creations[i]`); answers those not created, with why. */
  create(
    creations: readonly DepartmentCreation[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>>;
  /**
   * Removes departments the import created (`removals` in the order to remove them: sub-departments first),
   * each only if it is still at the version given, with no people and no sub-departments. Answers those not
   * removed, with why.
   */
  remove(
    removals: readonly { seq: number; department: Department }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>>;
}

/**
 * The cohorts an import creates and the memberships it adds. Cohorts: each with its name and external-id
 * claims and its audit record, one a transaction. Memberships go through the cohort repository's own
 * member writes (counts and `cohort.member_*` events as through the API).
 */
export interface CohortBulk {
  /** The current cohorts of these ids (strongly consistent; missing ids are absent). */
  current(ids: readonly string[]): Promise<Map<string, Cohort>>;
  /** Who holds each of these cohort external ids (as given) or names (any case: by the name in lower case). */
  owners(kind: 'externalId' | 'name', values: readonly string[]): Promise<Map<string, string>>;
  /** The memberships of these people in these cohorts that exist, by {@link membershipKey}. */
  members(pairs: readonly { cohortId: string; userId: string }[]): Promise<Map<string, CohortMember>>;
  /** Creates the cohorts (`audits[i]` for `creations[i]`); answers those not created, with why. */
  create(creations: readonly CohortCreation[], audits: readonly AuditRecord[]): Promise<Map<number, string>>;
  /**
   * Removes cohorts the import created, each only if it is still at the version given, with no members and
   * no course links. Answers those not removed, with why.
   */
  remove(
    removals: readonly { seq: number; cohort: Cohort }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>>;
}

/** How a membership is named in maps: its cohort and person. */
export function membershipKey(member: { cohortId: string; userId: string }): string {
  return `${member.cohortId}/${member.userId}`;
}

/**
 * Bulk writes of business metrics: each conditional (the version the plan read, or none yet for a new
 * figure), with its audit record, many in one transaction; one whose condition fails is refused alone.
 */
export interface BusinessMetricBulk {
  /** The current figures for these {@link businessMetricKey}s (strongly consistent; missing ones are absent). */
  current(
    figures: readonly Pick<BusinessMetric, 'departmentId' | 'metric' | 'periodStart' | 'periodEnd'>[],
  ): Promise<Map<string, BusinessMetric>>;
  /** Writes the changes (`audits[i]` for `changes[i]`); answers those not written, with why. */
  write(
    changes: readonly BusinessMetricChange[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>>;
  /**
   * Puts figures back as undo decided (`after` null removes one the import created), each only if it is still
   * as the import left it (`before`). Answers those that were not, with why.
   */
  restore(
    changes: readonly { seq: number; before: BusinessMetric; after: BusinessMetric | null }[],
    audits: readonly AuditRecord[],
  ): Promise<Map<number, string>>;
}

/** What the plan step and its planners use. */
export interface PlanDeps {
  imports: ImportRepository;
  files: ImportFiles;
  peopleBulk: Pick<PeopleBulk, 'current' | 'owners'>;
  enrollmentBulk: Pick<EnrollmentBulk, 'current'>;
  courseBulk: Pick<CourseBulk, 'current' | 'owners'>;
  cohortBulk: Pick<CohortBulk, 'current' | 'owners' | 'members'>;
  businessMetricBulk: Pick<BusinessMetricBulk, 'current'>;
  /** A course's enrollments (a sync's scope) and seats taken (a full course refuses a row). */
  enrollments: Pick<EnrollmentRepository, 'listForCourse' | 'seatsTaken'>;
  /** Courses by id (enrollment files), or by code (Moodle's course columns of a people file); categories. */
  catalog: Pick<CatalogRepository, 'getCourses' | 'listCourses' | 'listCategories'>;
  /** The publishing gate: a course's content with blocking accessibility violations is not published. */
  content: ContentVersionLookup;
  departments: Pick<DepartmentRepository, 'list'>;
  users: Pick<UserRepository, 'list'>;
  runtime: Runtime;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/** What a planner is given: the file (opened anew for each pass), where entries go, the import. */
export interface PlanContext {
  record: ImportRecord;
  /** The file's events, from the start: a planner that needs two passes opens it twice. */
  open(): AsyncIterable<CsvEvent>;
  add(entry: Omit<StoredPlanEntry, 'seq'>): Promise<void>;
  /** Rows read so far (pass 2), for progress. */
  rowRead(): void;
}

export interface PlanOutcome {
  /** How many people (or enrollments) the plan's suspensions or withdrawals are measured against. */
  scope: number;
  warnings: string[];
}
