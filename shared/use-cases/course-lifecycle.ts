/**
 * Course lifecycle: draft -> published -> archived, and archived -> draft by an admin only (which brings
 * content moved to archive storage back: shared/use-cases/archival.ts).
 * Publishing is gated on accessibility: a current content version whose scan found critical or serious
 * violations blocks it until an admin records a waiver (with a reason) for that version.
 * Scheduled `publishAt` / `archiveAt` are honoured by `runCourseSchedule`, a job of the job manifest.
 */
import type { ContentRestore } from '../domain/content.ts';
import type { Course } from '../domain/course.ts';
import { BusinessRuleError, ConflictError } from '../domain/errors.ts';
import type { Actor } from '../domain/principal.ts';
import { systemActor } from '../domain/principal.ts';
import { requestContentRestore } from './archival.ts';
import { audit, type CatalogDeps, editableCourse } from './catalog.ts';
import type { JobRunPorts, RunQueue } from './job-runs.ts';
import type { ContentRepository, ContentVersionLookup } from './ports.ts';

export interface LifecycleDeps extends CatalogDeps {
  content: ContentVersionLookup;
}

/** Steps: load (owner or admin) -> must be a draft -> accessibility gate -> publish, audited. */
export async function publishCourse(
  deps: LifecycleDeps,
  actor: Actor,
  id: string,
  expectedVersion?: number,
): Promise<Course> {
  const course = await editableCourse(deps, actor, id, expectedVersion);
  if (course.status === 'published') return course;
  if (course.status === 'archived') {
    throw new ConflictError(
      `${course.title} is archived: an administrator returns it to draft before it is published again.`,
    );
  }
  await assertAccessible(deps, course);
  const now = deps.runtime.now().toISOString();
  return transition(
    deps,
    actor,
    course,
    { status: 'published', publishedAt: now, publishAt: null },
    'course.published',
  );
}

/** Steps: load (owner or admin) -> archive: it leaves the catalog, takes no new enrollments, keeps its records. */
export async function archiveCourse(
  deps: LifecycleDeps,
  actor: Actor,
  id: string,
  expectedVersion?: number,
): Promise<Course> {
  const course = await editableCourse(deps, actor, id, expectedVersion);
  if (course.status === 'archived') return course;
  const now = deps.runtime.now().toISOString();
  return transition(
    deps,
    actor,
    course,
    { status: 'archived', archivedAt: now, archiveAt: null },
    'course.archived',
  );
}

export type UnarchiveDeps = LifecycleDeps &
  JobRunPorts & {
    readonly contents: Pick<ContentRepository, 'listContentVersions'>;
    /** The archival work queue, which hands a content restore to its worker. */
    readonly queue: RunQueue;
  };

/**
 * Steps: admin only (the manifest says so) -> must be archived -> any content in archive storage: request
 * the run that brings it back to Standard (or answer the one under way) -> back to draft. The restore is
 * requested first, so a course back in draft never has archived content and no run bringing it back.
 */
export async function unarchiveCourse(
  deps: UnarchiveDeps,
  actor: Actor,
  id: string,
  expectedVersion?: number,
): Promise<Course & { contentRestore: ContentRestore }> {
  const course = await editableCourse(deps, actor, id, expectedVersion);
  if (course.status !== 'archived')
    throw new ConflictError(`${course.title} is ${course.status}, not archived.`);
  const contentRestore = await requestContentRestore(deps, actor, course.id);
  const after = await transition(
    deps,
    actor,
    course,
    { status: 'draft', archivedAt: null },
    'course.unarchived',
  );
  return { ...after, contentRestore };
}

/** Steps: the course must have content -> record who waived the accessibility gate for which version, and why. */
export async function waiveAccessibility(
  deps: LifecycleDeps,
  actor: Actor,
  id: string,
  reason: string,
): Promise<Course> {
  const course = await editableCourse(deps, actor, id, undefined);
  if (course.currentContentVersion === null) {
    throw new BusinessRuleError(`${course.title} has no content yet, so there is nothing to waive.`);
  }
  const waiver = {
    contentVersion: course.currentContentVersion,
    reason,
    by: actor.principal.email ?? actor.principal.sub,
    at: deps.runtime.now().toISOString(),
  };
  return transition(deps, actor, course, { accessibilityWaiver: waiver }, 'course.accessibility-waived');
}

/**
 * The scheduled sweep: publishes drafts whose publishAt has come (unless the accessibility gate holds them:
 * they stay drafts and are reported) and archives courses whose archiveAt has come. Safe to re-run.
 */
export async function runCourseSchedule(deps: LifecycleDeps, now: Date) {
  const system = systemActor('system:course-schedule', `schedule-${now.toISOString()}`, ['admin']);
  const at = now.toISOString();
  const result = {
    published: [] as string[],
    archived: [] as string[],
    held: [] as { courseId: string; reason: string }[],
  };
  for (const course of await deps.catalog.coursesDue('draft', 'publishAt', at)) {
    try {
      await publishCourse(deps, system, course.id, course.version);
      result.published.push(course.id);
    } catch (error) {
      result.held.push({ courseId: course.id, reason: (error as Error).message });
    }
  }
  for (const status of ['draft', 'published'] as const) {
    for (const course of await deps.catalog.coursesDue(status, 'archiveAt', at)) {
      await archiveCourse(deps, system, course.id, course.version);
      result.archived.push(course.id);
    }
  }
  return result;
}

async function assertAccessible(deps: LifecycleDeps, course: Course): Promise<void> {
  if (course.currentContentVersion === null) return;
  const content = await deps.content.getContentVersion(course.id, course.currentContentVersion);
  const report = content?.accessibility;
  if (!report?.blocking) return;
  if (course.accessibilityWaiver?.contentVersion === course.currentContentVersion) return;
  throw new BusinessRuleError(
    `${course.title} v${course.currentContentVersion} has ${report.critical} critical and ${report.serious} serious accessibility violations: fix the package, or an administrator records a waiver with a reason.`,
    [{ path: 'accessibility', message: 'critical or serious violations' }],
  );
}

async function transition(
  deps: LifecycleDeps,
  actor: Actor,
  before: Course,
  change: Partial<Course>,
  action: string,
): Promise<Course> {
  const after: Course = {
    ...before,
    ...change,
    updatedAt: deps.runtime.now().toISOString(),
    version: before.version + 1,
  };
  await deps.catalog.putCourse(after, before, audit(deps, actor, action, before, after));
  return after;
}
