/**
 * Content archival: the content of courses archived longer than the policy's `archiveContentAfterDays` moves
 * to archive storage (S3 Glacier Instant Retrieval, by the content bucket's lifecycle rule on the tag
 * `lms-storage=archive`), and unarchiving a course brings it back to S3 Standard. Content stays launchable
 * throughout: Glacier Instant Retrieval is read as fast as Standard. Enrollments are never touched.
 *
 * The daily archival run: the policy -> the courses archived before its cut-off -> each of their versions
 * still in standard storage: tag every object, then mark the version `archive`. A version is marked only once
 * all its objects are tagged, so a run that dies half way leaves it to the next run (which skips the objects
 * already tagged), and a version marked `archive` is not read again.
 *
 * The unarchive run (requested by the unarchive, one per course at a time): each version in archive storage
 * is copied back to Standard without the tag, then marked `standard`; its result says `ready: true`.
 */
import * as z from 'zod';
import type { ContentRestore, ContentStorage } from '../domain/content.ts';
import type { Job } from '../domain/job.ts';
import type { Actor } from '../domain/principal.ts';
import {
  JobOverlapError,
  type JobRunOutcome,
  type JobRunPorts,
  type JobRunProgress,
  type RunQueue,
  requestJobRun,
} from './job-runs.ts';
import type { CatalogRepository, ContentRepository } from './ports.ts';
import { dataLifecycleSettings, type SettingsDeps } from './retention.ts';

/** After each page of objects, how many of the version's objects are done so far. */
export type ObjectsDone = (objects: number) => Promise<void>;

export interface ObjectsChanged {
  readonly objects: number;
  /** Objects changed by this call (the others were already as wanted). */
  readonly changed: number;
}

/** The objects of one content version in the content bucket: the keys under its content prefix. */
export interface ContentArchive {
  /** Tags each object for archive storage, keeping its other tags; objects already tagged are left. */
  tagForArchive(prefix: string, onObjects: ObjectsDone): Promise<ObjectsChanged>;
  /** Brings each object back to S3 Standard without the archive tag, keeping its other tags. */
  restoreToStandard(prefix: string, onObjects: ObjectsDone): Promise<ObjectsChanged>;
}

/** Records where a content version's objects are kept. */
export interface ContentStorageMarks {
  mark(courseId: string, version: number, storage: ContentStorage, at: string): Promise<void>;
}

export interface ContentArchiveDeps extends JobRunPorts {
  readonly contents: Pick<ContentRepository, 'listContentVersions'>;
  readonly storageMarks: ContentStorageMarks;
  readonly archive: ContentArchive;
}

export type ArchivalDeps = ContentArchiveDeps &
  SettingsDeps & { readonly catalog: Pick<CatalogRepository, 'coursesDue'> };

/** The versions a run's result names; the counts cover them all (a job record stays small). */
const LISTED_VERSIONS = 100;
const DAY_MS = 86_400_000;

/** The daily archival run (see the module's comment). */
export async function runArchival(deps: ArchivalDeps, at: Date, run: JobRunProgress): Promise<JobRunOutcome> {
  const { archiveContentAfterDays } = await dataLifecycleSettings(deps);
  const archivedBefore = new Date(at.getTime() - archiveContentAfterDays * DAY_MS).toISOString();
  const courses = await deps.catalog.coursesDue('archived', 'archivedAt', archivedBefore);
  const counts = { courses: courses.length, versions: 0, objects: 0, tagged: 0 };
  const archived: { courseId: string; version: number }[] = [];
  for (const [done, course] of courses.entries()) {
    await run.progress('archive', done, courses.length, { ...counts });
    const versions = await deps.contents.listContentVersions(course.id);
    for (const version of versions.filter((v) => v.storage !== 'archive')) {
      const objectsBefore = counts.objects;
      const tagged = await deps.archive.tagForArchive(version.contentPrefix, (objects) =>
        run.progress('archive', done, courses.length, { ...counts, objects: objectsBefore + objects }),
      );
      await deps.storageMarks.mark(course.id, version.version, 'archive', deps.runtime.now().toISOString());
      counts.versions++;
      counts.objects += tagged.objects;
      counts.tagged += tagged.changed;
      if (archived.length < LISTED_VERSIONS) archived.push({ courseId: course.id, version: version.version });
    }
  }
  return {
    result: {
      archiveContentAfterDays,
      archivedBefore,
      versions: archived,
      moreVersions: counts.versions - archived.length,
    },
    counts,
  };
}

/** The lock of a course's unarchive runs: one at a time per course. */
export const unarchiveLock = (courseId: string) => `unarchive:${courseId}`;

const UnarchiveInput = z.object({ courseId: z.uuid() });

/**
 * Requests the run that brings a course's archived content back to Standard, when any version is in archive
 * storage (null otherwise). A run for that course already queued or under way is answered instead of a
 * second one.
 */
export async function requestContentRestore(
  deps: JobRunPorts & {
    readonly contents: Pick<ContentRepository, 'listContentVersions'>;
    readonly queue: RunQueue;
  },
  actor: Actor,
  courseId: string,
): Promise<ContentRestore> {
  const versions = await deps.contents.listContentVersions(courseId);
  if (!versions.some((version) => version.storage === 'archive')) return null;
  try {
    const job = await requestJobRun(deps, actor, {
      type: 'unarchive',
      lock: unarchiveLock(courseId),
      target: () => `course:${courseId}`,
      input: { courseId },
      audited: true,
    });
    return { jobId: job.id, status: job.status };
  } catch (error) {
    if (!(error instanceof JobOverlapError)) throw error;
    const running = await deps.jobs.get(error.runningJobId);
    return { jobId: error.runningJobId, status: running?.status ?? 'running' };
  }
}

/** The lock an unarchive run holds (its worker's `queuedRunHandler` option). */
export function unarchiveLockOf(job: Job): string {
  return unarchiveLock(UnarchiveInput.parse(job.input).courseId);
}

/** The unarchive run: every version of the course in archive storage back to Standard, then `ready`. */
export async function runContentRestore(
  deps: ContentArchiveDeps,
  job: Job,
  run: JobRunProgress,
): Promise<JobRunOutcome> {
  const { courseId } = UnarchiveInput.parse(job.input);
  const archived = (await deps.contents.listContentVersions(courseId)).filter(
    (version) => version.storage === 'archive',
  );
  const counts = { versions: 0, objects: 0, restored: 0 };
  for (const [done, version] of archived.entries()) {
    const objectsBefore = counts.objects;
    const restored = await deps.archive.restoreToStandard(version.contentPrefix, (objects) =>
      run.progress('restore', done, archived.length, { ...counts, objects: objectsBefore + objects }),
    );
    await deps.storageMarks.mark(courseId, version.version, 'standard', deps.runtime.now().toISOString());
    counts.versions++;
    counts.objects += restored.objects;
    counts.restored += restored.changed;
  }
  return {
    result: {
      courseId,
      ready: true,
      versions: archived.map((version) => ({ version: version.version, storage: 'standard' })),
    },
    counts,
  };
}
