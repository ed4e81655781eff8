/**
 * Content archival, as its functions run it (the daily run through the local handler loader, the unarchive
 * over HTTP with its worker fed by the local archival queue), against DynamoDB Local and s3rver: the content
 * of courses archived longer than the policy says is tagged for archive storage and its versions marked;
 * enrollments stay as they were; unarchiving brings the content back to S3 Standard without the tag.
 * The lifecycle rule's move to Glacier Instant Retrieval is AWS's: here a copy in that storage class stands
 * in for it.
 */
import { randomUUID } from 'node:crypto';
import {
  CopyObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { handlerLoader, PROJECT_ROOT } from '../../infra/local/paths.ts';
import { dynamoDb, s3Client } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { StaleVersionError } from '../../shared/domain/errors.ts';
import type { Job } from '../../shared/domain/job.ts';
import { archival } from '../../shared/jobs/manifest.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { settingsPorts } from '../../shared/store/erasure-wiring.ts';
import { runQueue } from '../../shared/store/job-queue.ts';
import { keys } from '../../shared/store/keys.ts';
import { peopleWithLoginsPorts } from '../../shared/store/wiring.ts';
import { createCourse } from '../../shared/use-cases/catalog.ts';
import { archiveCourse, publishCourse } from '../../shared/use-cases/course-lifecycle.ts';
import { completeEnrollment, enrollUsers } from '../../shared/use-cases/enrollment.ts';
import { startJobRun } from '../../shared/use-cases/job-runs.ts';
import { dataLifecycleSettings, updateDataLifecycleSettings } from '../../shared/use-cases/retention.ts';
import { createUser } from '../../shared/use-cases/users.ts';
import { actor, uniqueEmail, uniqueName } from '../support/actors.ts';
import { api, tokenFor } from '../support/http.ts';

type ScheduledHandler = (event: { time: string }) => Promise<unknown>;
const load = handlerLoader<ScheduledHandler>(PROJECT_ROOT);
const admin = actor(['admin']);
const catalog = catalogPorts();
const DAY = 86_400_000;
const ARCHIVE = { Key: 'lms-storage', Value: 'archive' };
const TEAM = { Key: 'team', Value: 'design' };

/** A package's files, as the import stores them under the version's content prefix. */
const FILES = [
  { path: 'index.html', type: 'text/html', body: '<h1>Forklift safety</h1>' },
  { path: 'js/app.js', type: 'text/javascript', body: 'console.log("ready")' },
  { path: 'notes.txt', type: 'text/plain', body: 'Speaker notes' },
];

let token: string;
beforeAll(async () => {
  token = await tokenFor('admin@example.com');
});

const bucket = () => requireSetting('contentBucket');
const prefixOf = (courseId: string, version: number) => `courses/${courseId}/v${version}/`;

async function setArchiveAfterDays(archiveContentAfterDays: number) {
  for (;;) {
    const current = await dataLifecycleSettings(settingsPorts());
    try {
      return await updateDataLifecycleSettings(settingsPorts(), admin, current.version, {
        archiveContentAfterDays,
        eraseSuspendedAfterDays: current.eraseSuspendedAfterDays,
        auditRetentionYears: current.auditRetentionYears,
      });
    } catch (error) {
      if (!(error instanceof StaleVersionError)) throw error;
    }
  }
}

/**
 * A published course with content versions 1..`versions` (records as stored before archival existed: no
 * `storage`), their files in the content bucket (notes.txt tagged team=design).
 */
async function courseWithContent(versions = 1) {
  const course = await createCourse(catalog, admin, { title: uniqueName('Forklift safety') });
  for (let version = 1; version <= versions; version++) {
    await dynamoDb().send(
      new PutCommand({
        TableName: requireSetting('tableName'),
        Item: {
          ...keys.contentVersion(course.id, version),
          entity: 'content-version',
          ...contentVersionRecord(course.id, version),
        },
      }),
    );
    for (const file of FILES) {
      const Key = prefixOf(course.id, version) + file.path;
      await s3Client().send(
        new PutObjectCommand({ Bucket: bucket(), Key, Body: file.body, ContentType: file.type }),
      );
      if (file.path === 'notes.txt')
        await s3Client().send(
          new PutObjectTaggingCommand({ Bucket: bucket(), Key, Tagging: { TagSet: [TEAM] } }),
        );
    }
  }
  await publishCourse(catalog, admin, course.id);
  return course;
}

/** Archives the course, as if `daysAgo` days ago. */
async function archiveDaysAgo(courseId: string, daysAgo: number) {
  await archiveCourse(catalog, admin, courseId);
  await dynamoDb().send(
    new UpdateCommand({
      TableName: requireSetting('tableName'),
      Key: keys.course(courseId),
      UpdateExpression: 'SET archivedAt = :at',
      ExpressionAttributeValues: { ':at': new Date(Date.now() - daysAgo * DAY).toISOString() },
    }),
  );
}

function contentVersionRecord(courseId: string, version: number) {
  const summary = {
    critical: 0,
    serious: 0,
    moderate: 0,
    minor: 0,
    filesScanned: 1,
    filesWithViolations: 0,
    filesWithErrors: 0,
    blocking: false,
    notChecked: [],
  };
  return {
    courseId,
    version,
    standard: 'scorm12',
    title: 'Forklift safety',
    launchUrl: 'index.html',
    contentPrefix: prefixOf(courseId, version),
    scoCount: 1,
    scos: [],
    fileCount: FILES.length,
    totalBytes: 60,
    hasSequencing: false,
    launchables: [],
    courseStructureId: null,
    warnings: [],
    accessibility: summary,
    jobId: randomUUID(),
    importedBy: 'test',
    importedAt: new Date(Date.now() - 400 * DAY).toISOString(),
  };
}

async function tagsOf(key: string) {
  const { TagSet } = await s3Client().send(new GetObjectTaggingCommand({ Bucket: bucket(), Key: key }));
  return TagSet ?? [];
}

async function storageClassOf(key: string) {
  const head = await s3Client().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
  // S3 names no storage class for Standard objects.
  return { storageClass: head.StorageClass ?? 'STANDARD', contentType: head.ContentType };
}

/** What the lifecycle rule does to a tagged object in AWS: a copy of it in Glacier Instant Retrieval. */
async function moveToGlacierIr(key: string) {
  await s3Client().send(
    new CopyObjectCommand({
      Bucket: bucket(),
      Key: key,
      CopySource: `${bucket()}/${key}`,
      StorageClass: 'GLACIER_IR',
      MetadataDirective: 'COPY',
    }),
  );
}

async function runArchivalJob(): Promise<Job> {
  return (await (
    await load(archival.handler)
  )({ time: new Date().toISOString() })) as Job;
}

/** Polls the run until it ends. */
async function finished(jobId: string) {
  const deadline = Date.now() + 50_000;
  for (;;) {
    const polled = await api('GET', `/jobs/${jobId}`, { token });
    if (polled.json?.status === 'succeeded' || polled.json?.status === 'failed') return polled.json;
    if (Date.now() > deadline) throw new Error(`run ${jobId} still ${polled.json?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the archival run', () => {
  it('tags the content of courses archived longer than the policy says, marks their versions, and keeps enrollments', async () => {
    // Prepare: content archived after 30 days; a course archived 45 days ago (two versions, with a completed
    // and an open enrollment; one object already tagged by a run that died half way), one archived 10 days ago
    await setArchiveAfterDays(30);
    const old = await courseWithContent(2);
    const people = await Promise.all(
      ['done', 'open'].map((name) =>
        createUser(peopleWithLoginsPorts(), admin, {
          email: uniqueEmail(name),
          givenName: 'Fran',
          familyName: 'Forklift',
        }),
      ),
    );
    const enrollments = enrollmentPorts();
    await enrollUsers(enrollments, admin, old.id, { userIds: people.map((person) => person.id) });
    await completeEnrollment(enrollments, admin, old.id, people[0]?.id ?? '', {
      reason: 'Attended the practical',
      score: 90,
    });
    await archiveDaysAgo(old.id, 45);
    const recent = await courseWithContent();
    await archiveDaysAgo(recent.id, 10);
    await s3Client().send(
      new PutObjectTaggingCommand({
        Bucket: bucket(),
        Key: `${prefixOf(old.id, 1)}index.html`,
        Tagging: { TagSet: [ARCHIVE] },
      }),
    );
    const enrollmentsBefore = await enrollments.enrollments.listForCourse(old.id, { limit: 10 });

    // Act
    const job = await runArchivalJob();

    // Assess: the run names the old course's versions only
    expect(job).toMatchObject({ type: 'archival', status: 'succeeded' });
    expect(job.result).toMatchObject({ archiveContentAfterDays: 30 });
    const archived = (job.result as { versions: { courseId: string; version: number }[] }).versions;
    expect(archived.filter((v) => v.courseId === old.id)).toEqual([
      { courseId: old.id, version: 2 },
      { courseId: old.id, version: 1 },
    ]);
    // ... six objects, one of them already tagged (no other course in the table was archived that long ago)
    expect(job.counts).toEqual({ courses: 1, versions: 2, objects: 6, tagged: 5 });
    expect(archived.some((v) => v.courseId === recent.id)).toBe(false);
    // ... every object of the old course's versions carries the tag (notes.txt keeps its own); the recent
    // course's carry none
    for (const version of [1, 2]) {
      expect(await tagsOf(`${prefixOf(old.id, version)}index.html`)).toEqual([ARCHIVE]);
      expect(await tagsOf(`${prefixOf(old.id, version)}js/app.js`)).toEqual([ARCHIVE]);
      expect(await tagsOf(`${prefixOf(old.id, version)}notes.txt`)).toEqual([TEAM, ARCHIVE]);
    }
    expect(await tagsOf(`${prefixOf(recent.id, 1)}index.html`)).toEqual([]);
    expect(await tagsOf(`${prefixOf(recent.id, 1)}notes.txt`)).toEqual([TEAM]);
    // ... the versions are marked; the recent course's still read as standard (its records have no storage)
    const versions = await catalog.contents.listContentVersions(old.id);
    expect(versions.map((v) => [v.version, v.storage])).toEqual([
      [2, 'archive'],
      [1, 'archive'],
    ]);
    expect(Date.parse(versions[0]?.storageChangedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect((await catalog.contents.listContentVersions(recent.id))[0]).toMatchObject({
      storage: 'standard',
      storageChangedAt: null,
    });
    // ... the enrollments, the completed one too, are as they were
    expect(await enrollments.enrollments.listForCourse(old.id, { limit: 10 })).toEqual(enrollmentsBefore);
    expect(enrollmentsBefore.items.map((e) => e.status).sort()).toEqual(['completed', 'enrolled']);

    // Act: the next day's run
    const again = await runArchivalJob();

    // Assess: nothing left to tag
    expect(again).toMatchObject({ status: 'succeeded', counts: { tagged: 0 } });
    expect((again.result as { versions: { courseId: string }[] }).versions).not.toContainEqual(
      expect.objectContaining({ courseId: old.id }),
    );
  });
});

describe('POST /courses/{id}/unarchive', () => {
  it('brings archived content back to S3 Standard without the tag, with a run that reports it ready', async () => {
    // Prepare: a course whose content was archived, two of its objects since moved by the lifecycle rule
    await setArchiveAfterDays(30);
    const course = await courseWithContent();
    await archiveDaysAgo(course.id, 60);
    expect(await runArchivalJob()).toMatchObject({ status: 'succeeded' });
    const prefix = prefixOf(course.id, 1);
    await moveToGlacierIr(`${prefix}index.html`);
    await moveToGlacierIr(`${prefix}notes.txt`);
    expect(await storageClassOf(`${prefix}index.html`)).toEqual({
      storageClass: 'GLACIER_IR',
      contentType: 'text/html',
    });
    expect(await tagsOf(`${prefix}notes.txt`)).toEqual([TEAM, ARCHIVE]);

    // Act
    const response = await api('POST', `/courses/${course.id}/unarchive`, { token });

    // Assess: the course is a draft again, with the run bringing its content back
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      id: course.id,
      status: 'draft',
      contentRestore: { jobId: expect.any(String), status: 'queued' },
    });
    const run = await finished(response.json.contentRestore.jobId);
    expect(run).toMatchObject({
      type: 'unarchive',
      status: 'succeeded',
      target: `course:${course.id}`,
      result: { courseId: course.id, ready: true, versions: [{ version: 1, storage: 'standard' }] },
      counts: { versions: 1, objects: 3, restored: 3 },
    });
    // ... every object in Standard, its type kept, without the archive tag (notes.txt keeps its own), and
    // still what learners launch
    for (const file of FILES) {
      expect(await storageClassOf(prefix + file.path)).toEqual({
        storageClass: 'STANDARD',
        contentType: file.type,
      });
      const object = await s3Client().send(
        new GetObjectCommand({ Bucket: bucket(), Key: prefix + file.path }),
      );
      expect(await object.Body?.transformToString()).toBe(file.body);
    }
    expect(await tagsOf(`${prefix}index.html`)).toEqual([]);
    expect(await tagsOf(`${prefix}js/app.js`)).toEqual([]);
    expect(await tagsOf(`${prefix}notes.txt`)).toEqual([TEAM]);
    expect((await catalog.contents.listContentVersions(course.id))[0]).toMatchObject({ storage: 'standard' });
  });

  it('answers an unarchive while a restore of that course is under way with that run, not a second one', async () => {
    // Prepare: archived content, and a restore of it already queued (an earlier unarchive's)
    await setArchiveAfterDays(30);
    const course = await courseWithContent();
    await archiveDaysAgo(course.id, 60);
    expect(await runArchivalJob()).toMatchObject({ status: 'succeeded' });
    const earlier = await startJobRun(catalog, admin, {
      type: 'unarchive',
      lock: `unarchive:${course.id}`,
      target: () => `course:${course.id}`,
      input: { courseId: course.id },
      status: 'queued',
    });

    // Act
    const response = await api('POST', `/courses/${course.id}/unarchive`, { token });

    // Assess: answered with the run under way; no other run of that course
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      status: 'draft',
      contentRestore: { jobId: earlier.id, status: 'queued' },
    });
    const runs = await api('GET', '/jobs?kind=unarchive&limit=100', { token });
    expect(
      runs.json.items.filter((job: Job) => job.target === `course:${course.id}`).map((job: Job) => job.id),
    ).toEqual([earlier.id]);

    // Act: the earlier run reaches the worker
    await runQueue('archival').send(earlier.id);

    // Assess
    expect(await finished(earlier.id)).toMatchObject({ status: 'succeeded', result: { ready: true } });
    expect(await tagsOf(`${prefixOf(course.id, 1)}index.html`)).toEqual([]);
  });
});
