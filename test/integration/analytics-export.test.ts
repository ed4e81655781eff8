/**
 * The analytics export on a table of its own (so every count is known): seeded items as the stores write
 * them, one person erased as the erasure contract says (`erasedAt` set, profile anonymised on the item),
 * then the worker's handler runs a queued run, as the exports queue delivers it. The files are read back from
 * the analytics bucket with DuckDB.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerLoader, PROJECT_ROOT } from '../../infra/local/paths.ts';
import { localTableDefinition } from '../../infra/local/resources.ts';
import { ANALYTICS_ENTITIES } from '../../shared/analytics/schemas.ts';
import { resetClients } from '../../shared/clients.ts';
import { ENV, resetSettingsCache } from '../../shared/config.ts';
import { systemActor } from '../../shared/domain/principal.ts';
import { runExports } from '../../shared/jobs/manifest.ts';
import { analyticsExportPorts } from '../../shared/store/analytics-wiring.ts';
import { DynamoJobRepository } from '../../shared/store/content-store.ts';
import { keys } from '../../shared/store/keys.ts';
import { systemRuntime } from '../../shared/store/wiring.ts';
import { ExportCountMismatchError, runAnalyticsExport } from '../../shared/use-cases/analytics-export.ts';
import { runJob, startJobRun } from '../../shared/use-cases/job-runs.ts';
import { analyticsKeys, readExportedRun } from '../support/analytics-export.ts';

const tableName = `lms-analytics-${randomUUID().slice(0, 8)}`;
const control = new DynamoDBClient({});
const items = DynamoDBDocumentClient.from(control);
const tester = systemActor('test:analytics-export', 'test');

// The organisation, written in the test: 2 departments, 4 people (one erased), 2 courses, 4 enrollments (2
// completed), 2 attempts, 1 cohort with 2 members, 3 audit records, 1 content version, 2 jobs (plus each
// export's own run), 1 import, 3 sign-ins (one refused), and claims the export leaves alone.
const id = () => randomUUID();
const [sales, support] = [id(), id()];
const [ana, bo, cy, erased] = [id(), id(), id(), id()];
const [safety, privacy] = [id(), id()];
const cohort = id();
const [importJob, backupJob, peopleImport] = [id(), id(), id()];
const ERASED = { email: 'eleanor.rigby@example.com', givenName: 'Eleanor', familyName: 'Rigby' };
const at = '2026-03-02T09:30:00.000Z';

function person(userId: string, fields: Record<string, unknown>) {
  return {
    ...keys.user(userId),
    entity: 'user',
    id: userId,
    departmentId: sales,
    managerId: null,
    jobTitle: null,
    location: 'Lisbon',
    externalId: null,
    hireDate: '2024-05-01',
    customAttributes: { shirt: 'M' },
    status: 'active',
    suspendedAt: null,
    suspensionReason: null,
    stickyFields: [],
    linkedLogin: null,
    scim: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...fields,
  };
}

function enrollment(courseId: string, userId: string, fields: Record<string, unknown>) {
  return {
    ...keys.enrollment(courseId, userId),
    entity: 'enrollment',
    courseId,
    userId,
    status: 'enrolled',
    sources: [{ source: 'manual', actor: `user:${ana}`, reference: 'req-1', at }],
    enrolledAt: at,
    dueAt: null,
    overdueAt: null,
    completedAt: null,
    expiresAt: null,
    recertifyAt: null,
    score: null,
    timeSpentSeconds: 0,
    completionOrigin: null,
    contentVersion: 1,
    history: [{ status: 'enrolled', at, by: `user:${ana}`, reason: null }],
    version: 1,
    ...fields,
  };
}

function attempt(attemptId: string, userId: string) {
  // Stored without an `entity` attribute, as the attempt store writes them.
  return {
    ...keys.attempt(attemptId),
    id: attemptId,
    courseId: safety,
    userId,
    contentVersion: 1,
    standard: 'scorm2004',
    scoId: 'sco-1',
    preview: false,
    launchedBy: userId,
    status: 'ended',
    launchedAt: at,
    initializedAt: at,
    loadMs: 850,
    pageLoadMs: 400,
    endedAt: '2026-03-02T10:00:00.000Z',
    seq: 3,
    outcome: { completion: 'completed', success: 'passed', scoreScaled: 0.92, totalSeconds: 1800 },
    errors: [],
    errorCount: 0,
    cmi: { 'cmi.learner_name': 'Rigby, Eleanor', 'cmi.suspend_data': 'secret-progress' },
    contentUrl: 'https://content.example/x',
    tokenHash: 'a'.repeat(64),
    tokenExpiresAt: at,
    lastCommit: null,
    version: 3,
  };
}

function job(jobId: string, fields: Record<string, unknown>) {
  return {
    ...keys.job(jobId),
    entity: 'job',
    id: jobId,
    type: 'package-import',
    status: 'succeeded',
    target: `course:${safety}`,
    createdBy: ana,
    createdAt: at,
    startedAt: at,
    finishedAt: '2026-03-02T09:31:15.000Z',
    progress: { step: 'done', done: 1, total: 1 },
    failure: null,
    findings: [],
    input: { fileName: 'eleanor-rigby-onboarding.zip' },
    result: null,
    counts: {},
    outputs: {},
    leaseUntil: null,
    version: 3,
    ...fields,
  };
}

function signIn(userId: string, signedInAt: string, fields: Record<string, unknown>) {
  return {
    ...keys.signIn(userId, signedInAt),
    entity: 'sign-in',
    userId,
    at: signedInAt,
    clientId: 'web-client',
    ...fields,
    expiresAt: Math.floor(Date.parse(signedInAt) / 1000) + 90 * 86_400,
  };
}

function audit(action: string, target: string, actorUserId: string | null, after: Record<string, unknown>) {
  const auditId = id();
  return {
    ...keys.audit(target, at, auditId),
    entity: 'audit',
    id: auditId,
    at,
    action,
    target,
    actor: {
      sub: `sub-${actorUserId ?? 'job'}`,
      userId: actorUserId,
      email: actorUserId === erased ? ERASED.email : null,
      roles: ['admin'],
    },
    requestId: `req-${auditId}`,
    before: null,
    after,
  };
}

const seeded = [
  {
    ...keys.businessMetric(sales, 'incidents', '2026-01-01', '2026-03-31'),
    entity: 'business-metric',
    departmentId: sales,
    metric: 'incidents',
    unit: 'incidents',
    periodStart: '2026-01-01',
    periodEnd: '2026-03-31',
    value: 7,
    importId: id(),
    importedAt: at,
    version: 1,
  },
  {
    ...keys.department(sales),
    entity: 'department',
    id: sales,
    name: 'Sales',
    parentId: null,
    managerId: ana,
    ancestorIds: [],
    memberCount: 3,
    childCount: 1,
    createdAt: at,
    updatedAt: at,
    version: 1,
  },
  {
    ...keys.department(support),
    entity: 'department',
    id: support,
    name: 'Support',
    parentId: sales,
    managerId: erased,
    ancestorIds: [sales],
    memberCount: 1,
    childCount: 0,
    createdAt: at,
    updatedAt: at,
    version: 1,
  },
  person(ana, {
    email: 'ana.alves@example.com',
    givenName: 'Ana',
    familyName: 'Alves',
    jobTitle: 'Seller',
    linkedLogin: { sub: 'sub-ana', username: 'sub-ana', linkedAt: at, by: 'profile-created' },
  }),
  person(bo, {
    email: 'bo.berg@example.com',
    givenName: 'Bo',
    familyName: 'Berg',
    departmentId: support,
    managerId: erased,
  }),
  person(cy, {
    email: 'cy.cole@example.com',
    givenName: 'Cy',
    familyName: 'Cole',
    status: 'suspended',
    suspendedAt: at,
    suspensionReason: 'Left the company',
  }),
  // Erased: anonymised in place (department kept for the aggregates), marked with erasedAt.
  person(erased, {
    email: `erased-${erased}@erased.invalid`,
    givenName: 'Erased',
    familyName: 'Person',
    location: null,
    hireDate: null,
    customAttributes: {},
    erasedAt: at,
    legalHold: null,
  }),
  { ...keys.unique('email', 'ana.alves@example.com'), entity: 'claim', ownerId: ana },
  {
    ...keys.course(safety),
    entity: 'course',
    id: safety,
    title: 'Fire safety',
    code: 'HSE-101',
    description: 'Long text',
    language: 'en',
    durationMinutes: 45,
    expectedMinutes: 60,
    cost: { perSeat: 120.5, fixed: 800, currency: 'EUR' },
    ownerIds: [erased, ana],
    categoryId: null,
    tags: ['safety'],
    prerequisiteIds: [],
    customFields: {},
    selfEnrollment: false,
    capacity: null,
    publishAt: null,
    archiveAt: null,
    reviewBy: '2027-01-31',
    certification: { validDays: 365, recertifyDaysBefore: 30 },
    status: 'published',
    currentContentVersion: 1,
    accessibilityWaiver: null,
    publishedAt: at,
    archivedAt: null,
    createdAt: at,
    updatedAt: at,
    version: 2,
  },
  {
    ...keys.course(privacy),
    entity: 'course',
    id: privacy,
    title: 'Privacy basics',
    code: null,
    description: '',
    language: 'en',
    durationMinutes: null,
    // As courses were stored before a cost had a per-seat and a fixed part: the price of a seat.
    cost: { amount: 30, currency: 'USD' },
    ownerIds: [],
    categoryId: null,
    tags: [],
    prerequisiteIds: [],
    customFields: {},
    selfEnrollment: true,
    capacity: 20,
    publishAt: null,
    archiveAt: null,
    reviewBy: null,
    certification: null,
    status: 'draft',
    currentContentVersion: null,
    accessibilityWaiver: null,
    publishedAt: null,
    archivedAt: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  },
  enrollment(safety, ana, { status: 'completed', completedAt: '2026-03-02T10:00:00.000Z', score: 92 }),
  enrollment(safety, erased, { status: 'completed', completedAt: '2026-03-01T08:00:00.000Z', score: 80 }),
  enrollment(privacy, bo, {}),
  enrollment(safety, cy, { status: 'withdrawn' }),
  attempt(id(), ana),
  attempt(id(), erased),
  {
    ...keys.cohort(cohort),
    entity: 'cohort',
    id: cohort,
    name: 'New starters',
    description: '',
    kind: 'manual',
    rule: null,
    externalId: null,
    memberCount: 2,
    createdAt: at,
    updatedAt: at,
    version: 1,
  },
  {
    ...keys.cohortMember(cohort, ana),
    entity: 'cohort-member',
    cohortId: cohort,
    userId: ana,
    via: 'manual',
    addedAt: at,
    addedBy: `user:${erased}`,
  },
  {
    ...keys.cohortMember(cohort, erased),
    entity: 'cohort-member',
    cohortId: cohort,
    userId: erased,
    via: 'manual',
    addedAt: at,
    addedBy: `user:${ana}`,
  },
  audit('user.created', `user:${erased}`, ana, { id: erased, ...ERASED }),
  audit('enrollment.completed', `enrollment:${safety}:${erased}`, erased, { status: 'completed' }),
  audit('course.updated', `course:${safety}`, erased, { title: 'Fire safety' }),
  {
    ...keys.contentVersion(safety, 1),
    entity: 'content-version',
    courseId: safety,
    version: 1,
    standard: 'scorm2004-4th',
    title: 'Fire safety',
    launchUrl: 'index.html',
    contentPrefix: `courses/${safety}/v1/`,
    scoCount: 2,
    scos: [
      { identifier: 'sco-1', title: 'Intro', launchUrl: 'intro.html', accessibility: null },
      { identifier: 'sco-2', title: 'Exits', launchUrl: 'exits.html', accessibility: null },
    ],
    fileCount: 42,
    totalBytes: 1_048_576,
    hasSequencing: true,
    launchables: [],
    courseStructureId: null,
    warnings: [{ severity: 'warning', code: 'missing-metadata', message: 'Written by Eleanor Rigby' }],
    accessibility: {
      critical: 1,
      serious: 2,
      moderate: 0,
      minor: 4,
      filesScanned: 40,
      filesWithViolations: 3,
      filesWithErrors: 1,
      blocking: true,
      notChecked: [],
    },
    jobId: importJob,
    importedBy: erased,
    importedAt: at,
    storage: 'archive',
    storageChangedAt: '2026-03-05T00:00:00.000Z',
  },
  job(importJob, { createdBy: erased, counts: { files: 42 } }),
  job(backupJob, {
    type: 'backup',
    status: 'failed',
    target: `job:${backupJob}`,
    createdBy: 'job:backup',
    finishedAt: '2026-03-02T09:40:00.000Z',
    failure: { code: 'throttled', message: 'DynamoDB throttled the scan of Eleanor Rigby' },
    findings: [
      { severity: 'error', code: 'segment-failed', message: 'segment 3' },
      { severity: 'warning', code: 'slow', message: 'slow' },
      { severity: 'warning', code: 'slow', message: 'slower' },
    ],
    counts: { items: 1200 },
  }),
  {
    ...keys.importRecord(peopleImport),
    entity: 'import',
    id: peopleImport,
    type: 'people',
    format: 'lms',
    mode: 'upsert',
    fileName: 'rigby-team.csv',
    sizeBytes: 2048,
    options: {},
    status: 'applied',
    createdBy: erased,
    createdAt: at,
    updatedAt: '2026-03-02T09:45:00.000Z',
    rows: 10,
    counts: { create: 3, update: 4, unchanged: 1, suspend: 0, enroll: 0, withdraw: 0, complete: 0, error: 2 },
    progress: { step: 'applied', done: 7, total: 7 },
    warnings: ['Column "password" ignored'],
    approval: {
      required: true,
      reason: 'suspends people',
      approvedBy: ana,
      approvedAt: at,
      note: 'Eleanor asked',
    },
    applied: { done: 6, conflicts: 1, conflictsListed: [{ line: 4, key: ERASED.email, reason: 'changed' }] },
    undone: null,
    failure: null,
    version: 5,
    plan: null,
    checkpoint: 7,
    lease: null,
    waited: 0,
  },
  signIn(ana, '2026-03-02T08:00:00.000Z', {
    outcome: 'succeeded',
    reason: null,
    method: 'password',
  }),
  // Recorded before sign-ins kept their outcome: a success.
  signIn(ana, '2026-02-01T08:00:00.000Z', {}),
  signIn(cy, '2026-03-03T08:00:00.000Z', {
    clientId: null,
    outcome: 'refused',
    reason: 'suspended',
    method: 'federated',
  }),
  signIn(erased, '2026-03-01T07:00:00.000Z', { outcome: 'succeeded', reason: null, method: 'password' }),
];

let sharedTableName: string | undefined;

beforeAll(async () => {
  const { StreamSpecification: _stream, ...definition } = localTableDefinition(tableName);
  await control.send(new CreateTableCommand(definition));
  while (
    (await control.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus !== 'ACTIVE'
  )
    await new Promise((resolve) => setTimeout(resolve, 100));
  for (let start = 0; start < seeded.length; start += 25) {
    await items.send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName]: seeded.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
  }
  // The worker runs as deployed, against this table: its handler reads TABLE_NAME at load, as at cold start.
  sharedTableName = process.env[ENV.tableName];
  process.env[ENV.tableName] = tableName;
  resetSettingsCache();
  resetClients();
});

afterAll(async () => {
  if (sharedTableName) process.env[ENV.tableName] = sharedTableName;
  resetSettingsCache();
  resetClients();
  await control.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
});

const load = handlerLoader<(event: SQSEvent) => Promise<void>>(PROJECT_ROOT);

/** Queues a run in the test's table and delivers its message to the worker, as the exports queue does. */
async function exportNow() {
  const jobs = new DynamoJobRepository(items, tableName);
  const queued = await startJobRun({ jobs, runtime: systemRuntime }, tester, {
    type: 'export',
    status: 'queued',
  });
  const worker = await load(runExports.handler);
  await worker({
    Records: [{ messageId: id(), body: JSON.stringify({ jobId: queued.id }) }],
  } as unknown as SQSEvent);
  return { jobs, job: await jobs.get(queued.id) };
}

describe('the analytics export', () => {
  it('writes one Parquet file per entity whose rows equal the table, and a manifest that says so', async () => {
    // Act
    const { job } = await exportNow();

    // Assess: the run
    expect(job).toMatchObject({ status: 'succeeded', failure: null });
    const runId = job?.id ?? '';
    const day = String(job?.result?.dt);
    expect(day).toBe(new Date().toISOString().slice(0, 10));
    const exported = await readExportedRun(runId);
    expect(exported.keys.sort()).toEqual(
      [
        ...[
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
        ].map((entity) => `${entity}/dt=${day}/${runId}.parquet`),
        `_manifests/dt=${day}/${runId}.json`,
      ].sort(),
    );

    // Assess: the manifest's counts are the table's
    const expected = {
      people: { rows: 3, source: 'user', tableCount: 4, omitted: { erased: 1 } },
      departments: { rows: 2, source: 'department', tableCount: 2, omitted: {} },
      courses: { rows: 2, source: 'course', tableCount: 2, omitted: {} },
      enrollments: { rows: 4, source: 'enrollment', tableCount: 4, omitted: {} },
      completions: { rows: 2, source: 'enrollment', tableCount: 4, omitted: { notCompleted: 2 } },
      attempts: { rows: 2, source: 'attempt', tableCount: 2, omitted: {} },
      cohorts: { rows: 1, source: 'cohort', tableCount: 1, omitted: {} },
      cohort_members: { rows: 2, source: 'cohort-member', tableCount: 2, omitted: {} },
      audit: { rows: 3, source: 'audit', tableCount: 3, omitted: {} },
      business_metrics: { rows: 1, source: 'business-metric', tableCount: 1, omitted: {} },
      content_versions: { rows: 1, source: 'content-version', tableCount: 1, omitted: {} },
      // The 2 seeded, and this run itself (running while it scans).
      jobs: { rows: 3, source: 'job', tableCount: 3, omitted: {} },
      imports: { rows: 1, source: 'import', tableCount: 1, omitted: {} },
      sign_ins: { rows: 4, source: 'sign-in', tableCount: 4, omitted: {} },
    };
    expect(exported.manifest).toMatchObject({ runId, dt: day, files: expected });
    expect(Date.parse(String(exported.manifest.exportedAt))).toBeLessThanOrEqual(
      Date.parse(String(job?.startedAt)) + 5_000,
    );
    for (const [entity, file] of Object.entries(exported.manifest.files)) {
      expect(exported.rows[entity], entity).toHaveLength(file.rows);
      expect(exported.sha256[entity], entity).toBe(file.sha256);
    }
    expect(job?.result).toMatchObject({
      rows: { people: 3, completions: 2, audit: 3 },
      omitted: { people: { erased: 1 } },
    });

    // Assess: a few values, typed
    expect(exported.columns.people).toEqual([
      'user_id VARCHAR',
      'email VARCHAR',
      'given_name VARCHAR',
      'family_name VARCHAR',
      'external_id VARCHAR',
      'department_id VARCHAR',
      'manager_id VARCHAR',
      'job_title VARCHAR',
      'location VARCHAR',
      'hire_date DATE',
      'status VARCHAR',
      'suspended_at TIMESTAMP',
      'has_login BOOLEAN',
      'provisioned_by_scim BOOLEAN',
      'created_at TIMESTAMP',
      'updated_at TIMESTAMP',
    ]);
    const anaRow = exported.rows.people?.find((row) => row.user_id === ana);
    expect(anaRow).toMatchObject({
      email: 'ana.alves@example.com',
      job_title: 'Seller',
      hire_date: '2024-05-01',
      has_login: true,
      department_id: sales,
    });
    expect(exported.rows.people?.find((row) => row.user_id === cy)).toMatchObject({
      status: 'suspended',
      suspended_at: '2026-03-02 09:30:00',
    });
    expect(exported.rows.courses?.find((row) => row.course_id === safety)).toMatchObject({
      code: 'HSE-101',
      expected_minutes: '60',
      cost_per_seat: 120.5,
      cost_fixed: 800,
      cost_currency: 'EUR',
      certification_valid_days: '365',
      review_by: '2027-01-31',
      owner_ids: [ana],
    });
    expect(exported.rows.business_metrics).toEqual([
      {
        department_id: sales,
        metric: 'incidents',
        unit: 'incidents',
        period_start: '2026-01-01',
        period_end: '2026-03-31',
        value: 7,
        imported_at: expect.any(String),
      },
    ]);
    expect(exported.rows.courses?.find((row) => row.course_id === privacy)).toMatchObject({
      expected_minutes: null,
      cost_per_seat: 30,
      cost_fixed: 0,
      cost_currency: 'USD',
    });
    const completions = exported.rows.completions ?? [];
    expect(
      completions.map((row) => [row.user_id, row.score, row.department_id, row.completed_at]).sort(),
    ).toEqual(
      [
        [ana, 92, sales, '2026-03-02 10:00:00'],
        [null, 80, sales, '2026-03-01 08:00:00'],
      ].sort(),
    );
    expect(exported.rows.attempts?.map((row) => row.score_scaled)).toEqual([0.92, 0.92]);
    expect(exported.rows.enrollments?.find((row) => row.user_id === bo)).toMatchObject({
      course_id: privacy,
      status: 'enrolled',
      sources: ['manual'],
    });
    expect(exported.rows.content_versions).toEqual([
      {
        course_id: safety,
        version: '1',
        standard: 'scorm2004-4th',
        sco_count: '2',
        file_count: '42',
        bytes: '1048576',
        has_sequencing: true,
        warnings: '1',
        accessibility_violations: '7',
        accessibility_critical: '1',
        accessibility_serious: '2',
        accessibility_moderate: '0',
        accessibility_minor: '4',
        accessibility_status: 'blocking',
        files_with_violations: '3',
        files_not_scanned: '1',
        job_id: importJob,
        imported_by: null,
        imported_at: '2026-03-02 09:30:00',
        storage: 'archive',
        storage_changed_at: '2026-03-05 00:00:00',
      },
    ]);
    const jobRows = exported.rows.jobs ?? [];
    expect(jobRows.find((row) => row.job_id === backupJob)).toEqual({
      job_id: backupJob,
      kind: 'backup',
      status: 'failed',
      target_kind: 'job',
      target_id: backupJob,
      created_by: 'job:backup',
      created_at: '2026-03-02 09:30:00',
      started_at: '2026-03-02 09:30:00',
      finished_at: '2026-03-02 09:40:00',
      failure_code: 'throttled',
      items: '1200',
      errors: '1',
      warnings: '2',
    });
    expect(jobRows.find((row) => row.job_id === importJob)).toMatchObject({
      kind: 'package-import',
      target_kind: 'course',
      target_id: safety,
      items: null,
    });
    expect(jobRows.find((row) => row.job_id === runId)).toMatchObject({ kind: 'export', status: 'running' });
    expect(exported.rows.imports).toEqual([
      {
        import_id: peopleImport,
        type: 'people',
        format: 'lms',
        mode: 'upsert',
        status: 'applied',
        size_bytes: '2048',
        rows_read: '10',
        created: '3',
        updated: '4',
        unchanged: '1',
        errors: '2',
        warnings: '1',
        applied: '6',
        conflicts: '1',
        approval_required: true,
        approved_by: ana,
        created_by: null,
        created_at: '2026-03-02 09:30:00',
        updated_at: '2026-03-02 09:45:00',
        failure_code: null,
      },
    ]);
    expect(
      (exported.rows.sign_ins ?? [])
        .map((row) => [row.user_id, row.at, row.outcome, row.reason, row.method, row.client_id])
        .sort(),
    ).toEqual(
      [
        [ana, '2026-03-02 08:00:00', 'succeeded', null, 'password', 'web-client'],
        [ana, '2026-02-01 08:00:00', 'succeeded', null, null, 'web-client'],
        [cy, '2026-03-03 08:00:00', 'refused', 'suspended', 'federated', null],
        [null, '2026-03-01 07:00:00', 'succeeded', null, 'password', 'web-client'],
      ].sort(),
    );
    // No free text about people: warnings' and failures' messages, file names, approval notes, conflicts
    for (const entity of ['content_versions', 'jobs', 'imports'])
      expect(JSON.stringify(exported.rows[entity]), entity).not.toMatch(/Eleanor|Rigby|rigby/);
    // No secret and no data model leaves: the attempts' token hash, learner name and suspend data
    expect(JSON.stringify(exported.rows.attempts)).not.toMatch(/aaaaaaaa|secret-progress|learner_name/);
    expect(JSON.stringify(exported.rows.people)).not.toMatch(/Left the company|shirt|sub-ana/);
  });

  it('leaves an erased person out of every file: no profile, their id replaced by null, rows kept', async () => {
    // Act
    const { job } = await exportNow();
    const exported = await readExportedRun(job?.id ?? '');

    // Assess: nothing names them, in any file or in the manifest
    const everything = JSON.stringify(exported.rows) + exported.manifestText;
    for (const trace of [erased, ERASED.email, ERASED.givenName, ERASED.familyName])
      expect(everything, trace).not.toContain(trace);
    // ... while their learning records still count
    expect(exported.rows.people?.map((row) => row.user_id).sort()).toEqual([ana, bo, cy].sort());
    expect(exported.rows.people?.find((row) => row.user_id === bo)?.manager_id).toBeNull();
    expect(exported.rows.departments?.find((row) => row.department_id === support)?.manager_id).toBeNull();
    expect(exported.rows.enrollments?.filter((row) => row.user_id === null)).toHaveLength(1);
    expect(exported.rows.cohort_members?.map((row) => row.user_id).sort()).toEqual([ana, null].sort());
    expect(exported.rows.attempts?.filter((row) => row.user_id === null)).toHaveLength(1);
    const auditRows = exported.rows.audit ?? [];
    expect(
      auditRows.map((row) => [row.action, row.target_kind, row.target_id, row.actor_user_id]).sort(),
    ).toEqual(
      [
        ['user.created', 'user', null, ana],
        ['enrollment.completed', 'enrollment', null, null],
        ['course.updated', 'course', safety, null],
      ].sort(),
    );
    expect(auditRows.find((row) => row.action === 'user.created')?.changed_fields).toEqual([
      'email',
      'familyName',
      'givenName',
      'id',
    ]);
  });

  it("keeps one snapshot per day: a later run's manifest replaces the day's earlier files", async () => {
    // Prepare
    const first = (await exportNow()).job;

    // Act
    const second = (await exportNow()).job;

    // Assess
    const day = String(second?.result?.dt);
    const dayKeys = (await analyticsKeys()).filter((key) => key.includes(`/dt=${day}/`));
    expect(dayKeys.some((key) => key.includes(first?.id ?? 'none'))).toBe(false);
    expect(dayKeys.filter((key) => key.includes(second?.id ?? 'none'))).toHaveLength(
      ANALYTICS_ENTITIES.length + 1,
    );
    expect(dayKeys).toHaveLength(ANALYTICS_ENTITIES.length + 1);
  });

  it('fails the run, uploading nothing, when a file holds fewer rows than the table', async () => {
    // Prepare: a workspace that loses one course row on the way
    const ports = analyticsExportPorts();
    const losing = {
      ...ports,
      openWorkspace: async () => {
        const workspace = await ports.openWorkspace();
        let dropped = false;
        return {
          append: async (
            entity: Parameters<typeof workspace.append>[0],
            rows: readonly Record<string, unknown>[],
          ) => {
            if (entity === 'courses' && !dropped) {
              dropped = true;
              rows = rows.slice(1);
            }
            await workspace.append(entity, rows);
          },
          recordPersonDepartments: workspace.recordPersonDepartments.bind(workspace),
          finishRows: workspace.finishRows.bind(workspace),
          toParquet: workspace.toParquet.bind(workspace),
          dispose: workspace.dispose.bind(workspace),
        };
      },
    };
    const started = await startJobRun(losing, tester, { type: 'export' });

    // Act
    const failed = await runJob(losing, started, (run) => runAnalyticsExport(losing, run)).catch(
      (error) => error,
    );

    // Assess
    expect(failed).toBeInstanceOf(ExportCountMismatchError);
    expect((failed as Error).message).toBe(
      'The courses file holds 1 rows and 0 were left out, but the table held 2 items of its type: nothing was uploaded.',
    );
    expect(await losing.jobs.get(started.id)).toMatchObject({
      status: 'failed',
      failure: { code: 'count-mismatch' },
    });
    expect((await analyticsKeys()).filter((key) => key.includes(started.id))).toEqual([]);
  });
});
