import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ContentVersion } from '../../shared/domain/content.ts';
import {
  BusinessRuleError,
  ConflictError,
  NotFoundError,
  OutOfScopeError,
} from '../../shared/domain/errors.ts';
import type { Job } from '../../shared/domain/job.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { runQueue } from '../../shared/store/job-queue.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import {
  coursesDueForReview,
  createCourse,
  getCourse,
  listCourses,
  saveCategory,
  saveLearningPath,
  updateCourse,
} from '../../shared/use-cases/catalog.ts';
import {
  archiveCourse,
  publishCourse,
  runCourseSchedule,
  unarchiveCourse,
  waiveAccessibility,
} from '../../shared/use-cases/course-lifecycle.ts';
import { createUser } from '../../shared/use-cases/users.ts';
import { actor, uniqueEmail, uniqueName } from '../support/actors.ts';

const ports = catalogPorts();
const admin = actor(['admin']);

async function instructor() {
  const email = uniqueEmail('instructor');
  const user = await createUser(organisationPorts(), admin, {
    email,
    givenName: 'In',
    familyName: 'Structor',
  });
  return { user, as: actor(['instructor'], user.id) };
}

describe('the catalog, against DynamoDB Local', () => {
  it('makes an instructor the owner of what they create, and keeps them to their own courses', async () => {
    // Prepare
    const alice = await instructor();
    const bob = await instructor();
    // Act
    const course = await createCourse(ports, alice.as, { title: uniqueName('Fire safety') });
    // Assess
    expect(course).toMatchObject({ ownerIds: [alice.user.id], status: 'draft', version: 1 });
    await expect(
      createCourse(ports, alice.as, { title: 'X', ownerIds: [bob.user.id] }),
    ).rejects.toBeInstanceOf(OutOfScopeError);
    await expect(
      updateCourse(ports, alice.as, course.id, 1, { ownerIds: [bob.user.id] }),
    ).rejects.toBeInstanceOf(OutOfScopeError);
    await expect(updateCourse(ports, bob.as, course.id, 1, { title: 'Taken over' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(updateCourse(ports, alice.as, course.id, 1, { durationMinutes: 45 })).resolves.toMatchObject(
      { version: 2 },
    );
  });

  it('shows learners the published catalog only', async () => {
    const course = await createCourse(ports, admin, { title: uniqueName('Onboarding') });
    const learner = actor(['learner']);
    await expect(getCourse(ports, learner, course.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(listCourses(ports, learner, { status: 'draft' }, { limit: 5 })).rejects.toBeInstanceOf(
      OutOfScopeError,
    );
    await publishCourse(ports, admin, course.id);
    await expect(getCourse(ports, learner, course.id)).resolves.toMatchObject({ status: 'published' });
  });

  it('refuses a prerequisite cycle and names it', async () => {
    // Prepare: A requires B, B requires C
    const c = await createCourse(ports, admin, { title: uniqueName('C') });
    const b = await createCourse(ports, admin, { title: uniqueName('B'), prerequisiteIds: [c.id] });
    const a = await createCourse(ports, admin, { title: uniqueName('A'), prerequisiteIds: [b.id] });
    // Act: C requires A would close the loop
    const attempt = updateCourse(ports, admin, c.id, c.version, { prerequisiteIds: [a.id] });
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(BusinessRuleError);
    await expect(attempt).rejects.toThrow(`${c.title} -> ${a.title} -> ${b.title} -> ${c.title}`);
    await expect(updateCourse(ports, admin, c.id, c.version, { prerequisiteIds: [c.id] })).rejects.toThrow(
      /its own prerequisite/,
    );
    await expect(
      createCourse(ports, admin, { title: 'Orphan', prerequisiteIds: [randomUUID()] }),
    ).rejects.toThrow(/No course with id/);
  });

  it('searches by words, tag, category (with sub-categories), owner and status, by pages', async () => {
    // Prepare
    const marker = randomUUID().slice(0, 8);
    const safety = await saveCategory(ports, admin, null, undefined, { name: uniqueName('Safety') });
    const fire = await saveCategory(ports, admin, null, undefined, { name: 'Fire', parentId: safety.id });
    const inParent = await createCourse(ports, admin, {
      title: `Ladders ${marker}`,
      categoryId: safety.id,
      tags: ['height'],
    });
    const inChild = await createCourse(ports, admin, {
      title: `Extinguishers ${marker}`,
      categoryId: fire.id,
      description: 'Using a CO2 extinguisher',
    });
    await createCourse(ports, admin, { title: `Unrelated ${marker}` });
    // Act / Assess
    const byCategory = await listCourses(ports, admin, { categoryId: safety.id }, { limit: 10 });
    expect(byCategory.items.map((c) => c.id).sort()).toEqual([inParent.id, inChild.id].sort());
    const byWords = await listCourses(ports, admin, { q: `co2 extinguisher` }, { limit: 10 });
    expect(byWords.items.map((c) => c.id)).toEqual([inChild.id]);
    const byTag = await listCourses(ports, admin, { tag: 'height', q: marker }, { limit: 10 });
    expect(byTag.items.map((c) => c.id)).toEqual([inParent.id]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listCourses(ports, admin, { q: marker }, { limit: 1, cursor });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
  });

  it('keeps category names unique among siblings and refuses category cycles', async () => {
    const root = await saveCategory(ports, admin, null, undefined, { name: uniqueName('Root') });
    const child = await saveCategory(ports, admin, null, undefined, { name: 'Child', parentId: root.id });
    await expect(
      saveCategory(ports, admin, null, undefined, { name: 'CHILD', parentId: root.id }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(saveCategory(ports, admin, root.id, root.version, { parentId: child.id })).rejects.toThrow(
      /cycle/,
    );
  });

  it('builds learning paths from existing courses only', async () => {
    const first = await createCourse(ports, admin, { title: uniqueName('Step 1') });
    const second = await createCourse(ports, admin, { title: uniqueName('Step 2') });
    const path = await saveLearningPath(ports, admin, null, undefined, {
      title: uniqueName('New managers'),
      courseIds: [first.id, second.id],
    });
    expect(path.courseIds).toEqual([first.id, second.id]);
    await expect(
      saveLearningPath(ports, admin, null, undefined, { title: 'Broken', courseIds: [randomUUID()] }),
    ).rejects.toBeInstanceOf(BusinessRuleError);
  });

  it('walks the lifecycle: publish, archive, and back to draft by an admin', async () => {
    const course = await createCourse(ports, admin, { title: uniqueName('Lifecycle') });
    const published = await publishCourse(ports, admin, course.id);
    expect(published.publishedAt).not.toBeNull();
    const archived = await archiveCourse(ports, admin, course.id);
    await expect(publishCourse(ports, admin, course.id)).rejects.toBeInstanceOf(ConflictError);
    expect(archived.status).toBe('archived');
    // No content, so nothing to bring back from archive storage
    await expect(
      unarchiveCourse({ ...ports, queue: runQueue('archival') }, admin, course.id),
    ).resolves.toMatchObject({ status: 'draft', contentRestore: null });
  });

  it('holds publishing while the content has serious accessibility violations, until an admin waives it', async () => {
    // Prepare: a course whose current content version has a blocking report
    const course = await createCourse(ports, admin, { title: uniqueName('Inaccessible') });
    await importFakeContent(course.id, course.version, { blocking: true, critical: 2, serious: 1 });
    // Act / Assess
    await expect(publishCourse(ports, admin, course.id)).rejects.toThrow(/2 critical and 1 serious/);
    const waived = await waiveAccessibility(
      ports,
      admin,
      course.id,
      'Captioned alternative provided offline',
    );
    expect(waived.accessibilityWaiver).toMatchObject({
      contentVersion: 1,
      reason: 'Captioned alternative provided offline',
    });
    await expect(publishCourse(ports, admin, course.id)).resolves.toMatchObject({ status: 'published' });
  });

  it('publishes and archives on schedule, and lists content due for review', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const toPublish = await createCourse(ports, admin, { title: uniqueName('Scheduled'), publishAt: past });
    const toArchive = await createCourse(ports, admin, {
      title: uniqueName('Retiring'),
      archiveAt: past,
      reviewBy: '2020-01-01',
    });
    const result = await runCourseSchedule(ports, new Date());
    expect(result.published).toContain(toPublish.id);
    expect(result.archived).toContain(toArchive.id);
    expect((await ports.catalog.getCourse(toPublish.id))?.status).toBe('published');
    // Archived courses are no longer due for review; a published one past its date is.
    const reviewed = await createCourse(ports, admin, { title: uniqueName('Stale'), reviewBy: '2020-06-01' });
    const due = await coursesDueForReview(ports, undefined, { limit: 100 });
    const ids = due.items.map((c) => c.id);
    expect(ids).toContain(reviewed.id);
    expect(ids).not.toContain(toArchive.id);
    // Re-running finds nothing more to do for these.
    const again = await runCourseSchedule(ports, new Date());
    expect(again.published).not.toContain(toPublish.id);
  });
});

/** Records an imported content version directly, as the package import's commit does. */
async function importFakeContent(
  courseId: string,
  courseVersion: number,
  accessibility: { blocking: boolean; critical: number; serious: number },
) {
  const now = new Date().toISOString();
  const job: Job = {
    id: randomUUID(),
    type: 'package-import',
    status: 'running',
    target: `course:${courseId}`,
    createdBy: 'test',
    createdAt: now,
    startedAt: now,
    finishedAt: null,
    progress: { step: 'store', done: 0, total: 0 },
    failure: null,
    findings: [],
    input: {},
    result: null,
    counts: {},
    outputs: {},
    leaseUntil: null,
    version: 1,
  };
  await ports.jobs.create(job, {
    id: randomUUID(),
    at: now,
    action: 'test',
    target: `job:${job.id}`,
    actor: { sub: 't', userId: null, email: null, roles: [] },
    requestId: 't',
    before: null,
    after: null,
  });
  const version = await ports.contents.allocateContentVersion(courseId);
  const summary = {
    ...accessibility,
    moderate: 0,
    minor: 0,
    filesScanned: 1,
    filesWithViolations: 1,
    filesWithErrors: 0,
    notChecked: [],
  };
  const content: ContentVersion = {
    courseId,
    version,
    standard: 'scorm12',
    title: 'Fake',
    launchUrl: 'index.html',
    contentPrefix: `courses/${courseId}/v${version}/`,
    scoCount: 1,
    scos: [],
    fileCount: 1,
    totalBytes: 1,
    hasSequencing: false,
    launchables: [],
    courseStructureId: null,
    warnings: [],
    accessibility: summary,
    jobId: job.id,
    importedBy: 'test',
    importedAt: now,
    storage: 'standard',
    storageChangedAt: null,
  };
  const course = await ports.catalog.getCourse(courseId);
  if (!course) throw new Error('no course');
  await ports.contents.commitImport({
    content,
    course: { ...course, currentContentVersion: version, version: courseVersion + 1 },
    expectedCourseVersion: courseVersion,
    job: { ...job, status: 'succeeded', version: 2 },
    expectedJobVersion: 1,
    audit: {
      id: randomUUID(),
      at: now,
      action: 'course.content-imported',
      target: `course:${courseId}`,
      actor: { sub: 't', userId: null, email: null, roles: [] },
      requestId: 't',
      before: null,
      after: null,
    },
  });
}
