/** The job-history report on fixture data with known answers. */
import { describe, expect, it } from 'vitest';
import { jobHistoryReport } from '../../../shared/reports/catalog/job-history.ts';
import { ReportScopeError } from '../../../shared/reports/sql.ts';
import { reportFixture } from '../../support/reports.ts';

const ANA = '00000000-0000-4000-8000-0000000000a1';
const J_BACKUP = '00000000-0000-4000-8000-00000000f001';
const J_PACKAGE = '00000000-0000-4000-8000-00000000f002';
const J_EXPORT = '00000000-0000-4000-8000-00000000f003';
const J_EARLIER = '00000000-0000-4000-8000-00000000f004';
const I_PEOPLE = '00000000-0000-4000-8000-00000000e001';
const I_ENROLLMENTS = '00000000-0000-4000-8000-00000000e002';
const I_COURSES = '00000000-0000-4000-8000-00000000e003';

const tables = {
  people: [{ user_id: ANA, given_name: 'Ana', family_name: 'Alves' }],
  jobs: [
    {
      job_id: J_BACKUP,
      kind: 'backup',
      status: 'failed',
      created_by: 'job:backup',
      created_at: '2026-06-10T02:00:00Z',
      started_at: '2026-06-10T02:00:05Z',
      finished_at: '2026-06-10T02:10:05Z',
      failure_code: 'throttled',
      items: 1200,
      errors: 1,
      warnings: 0,
    },
    {
      job_id: J_PACKAGE,
      kind: 'package-import',
      status: 'succeeded',
      created_by: ANA,
      created_at: '2026-06-12T09:00:00Z',
      started_at: '2026-06-12T09:00:00Z',
      finished_at: '2026-06-12T09:01:30Z',
      errors: 0,
      warnings: 2,
    },
    {
      job_id: J_EXPORT,
      kind: 'export',
      status: 'running',
      created_by: 'job:export',
      created_at: '2026-06-20T01:00:00Z',
      started_at: '2026-06-20T01:00:00Z',
    },
    // Before the period.
    {
      job_id: J_EARLIER,
      kind: 'backup',
      status: 'succeeded',
      created_by: 'job:backup',
      created_at: '2026-05-31T23:59:59Z',
    },
  ],
  imports: [
    {
      import_id: I_PEOPLE,
      type: 'people',
      status: 'applied',
      created_by: ANA,
      created_at: '2026-06-15T08:00:00Z',
      updated_at: '2026-06-15T08:30:00Z',
      rows_read: 10,
      errors: 2,
      warnings: 1,
    },
    // Requested by a person since erased: no id, no name.
    {
      import_id: I_ENROLLMENTS,
      type: 'enrollments',
      status: 'failed',
      created_by: null,
      created_at: '2026-06-16T08:00:00Z',
      updated_at: '2026-06-16T08:00:10Z',
      rows_read: 0,
      errors: 0,
      warnings: 0,
      failure_code: 'unreadable-file',
    },
    // Still waiting: not ended.
    {
      import_id: I_COURSES,
      type: 'courses',
      status: 'awaiting-approval',
      created_by: ANA,
      created_at: '2026-06-17T08:00:00Z',
      updated_at: '2026-06-17T09:00:00Z',
      rows_read: 4,
      errors: 0,
      warnings: 0,
    },
  ],
};

const period = { from: '2026-06-01', to: '2026-06-30' };

describe('job-history report', () => {
  it('lists job runs and imports of the period, newest first, with who, duration, counts and failures', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(jobHistoryReport, period);

    // Assess
    expect(rows).toEqual([
      {
        run_id: J_EXPORT,
        kind: 'export',
        type: null,
        status: 'running',
        requested_by: 'job:export',
        requested_by_name: null,
        created_at: '2026-06-20T01:00:00.000Z',
        finished_at: null,
        duration_seconds: null,
        items: null,
        errors: null,
        warnings: null,
        failure_code: null,
      },
      {
        run_id: I_COURSES,
        kind: 'import',
        type: 'courses',
        status: 'awaiting-approval',
        requested_by: ANA,
        requested_by_name: 'Ana Alves',
        created_at: '2026-06-17T08:00:00.000Z',
        finished_at: null,
        duration_seconds: null,
        items: 4,
        errors: 0,
        warnings: 0,
        failure_code: null,
      },
      {
        run_id: I_ENROLLMENTS,
        kind: 'import',
        type: 'enrollments',
        status: 'failed',
        requested_by: null,
        requested_by_name: null,
        created_at: '2026-06-16T08:00:00.000Z',
        finished_at: '2026-06-16T08:00:10.000Z',
        duration_seconds: 10,
        items: 0,
        errors: 0,
        warnings: 0,
        failure_code: 'unreadable-file',
      },
      {
        run_id: I_PEOPLE,
        kind: 'import',
        type: 'people',
        status: 'applied',
        requested_by: ANA,
        requested_by_name: 'Ana Alves',
        created_at: '2026-06-15T08:00:00.000Z',
        finished_at: '2026-06-15T08:30:00.000Z',
        duration_seconds: 1800,
        items: 10,
        errors: 2,
        warnings: 1,
        failure_code: null,
      },
      {
        run_id: J_PACKAGE,
        kind: 'package-import',
        type: null,
        status: 'succeeded',
        requested_by: ANA,
        requested_by_name: 'Ana Alves',
        created_at: '2026-06-12T09:00:00.000Z',
        finished_at: '2026-06-12T09:01:30.000Z',
        duration_seconds: 90,
        items: null,
        errors: 0,
        warnings: 2,
        failure_code: null,
      },
      {
        run_id: J_BACKUP,
        kind: 'backup',
        type: null,
        status: 'failed',
        requested_by: 'job:backup',
        requested_by_name: null,
        created_at: '2026-06-10T02:00:00.000Z',
        finished_at: '2026-06-10T02:10:05.000Z',
        duration_seconds: 600,
        items: 1200,
        errors: 1,
        warnings: 0,
        failure_code: 'throttled',
      },
    ]);
  });

  it('narrows to failures, or to one kind', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const failed = await fixture.run(jobHistoryReport, { ...period, failedOnly: true });
    const imports = await fixture.run(jobHistoryReport, { ...period, kind: 'import' });
    const backups = await fixture.run(jobHistoryReport, {
      from: '2026-05-01',
      to: '2026-06-30',
      kind: 'backup',
    });

    // Assess
    expect(failed.map((row) => row.run_id)).toEqual([I_ENROLLMENTS, J_BACKUP]);
    expect(imports.map((row) => row.run_id)).toEqual([I_COURSES, I_ENROLLMENTS, I_PEOPLE]);
    expect(backups.map((row) => row.run_id)).toEqual([J_BACKUP, J_EARLIER]);
  });

  it('is refused to anyone who does not act organisation-wide, and refuses an unknown kind', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const asManager = fixture.run(jobHistoryReport, period, {
      kind: 'limited',
      departmentIds: ['d1'],
      selfId: ANA,
    });

    // Assess
    await expect(asManager).rejects.toThrow(ReportScopeError);
    expect(jobHistoryReport.roles).toEqual(['admin']);
    expect(
      jobHistoryReport.params
        .safeParse({ ...period, kind: 'coffee' })
        .error?.issues.map((issue) => issue.path),
    ).toEqual([['kind']]);
  });
});
