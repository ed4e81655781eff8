/**
 * Reconciliation's use case on fixture Parquet (the DuckDB engine, as the product runs it) beside a live table
 * in memory: enrollments and completions per course, each difference with its cause; and its internal queries
 * parse as Athena receives them.
 */
import { Parser } from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import type { ExportManifest } from '../../../shared/analytics/export-run.ts';
import type { ReportEngine } from '../../../shared/reports/engine.ts';
import {
  type LiveEnrollment,
  type LiveTable,
  RECONCILE_QUERIES,
  reconcile,
} from '../../../shared/use-cases/reconcile.ts';
import { athenaQuery, type FixtureTables, reportFixture } from '../../support/reports.ts';

const EXPORTED_AT = '2026-06-30T12:00:00.000Z';
const BEFORE = '2026-06-01T09:00:00.000Z';
const AFTER = '2026-07-01T09:00:00.000Z';

async function deps(tables: FixtureTables, enrollments: Record<string, LiveEnrollment[]>) {
  const fixture = await reportFixture(tables, EXPORTED_AT);
  const engine: ReportEngine = {
    run: async (query) => ({
      rows: await fixture.run(query.report, { ...query.params }),
      bytesScanned: 0,
      engine: 'duckdb',
    }),
  };
  const live: LiveTable = {
    departments: async () => [],
    peopleOfDepartment: async () => [],
    people: async () => [],
    courses: async () => Object.keys(enrollments).map((id) => ({ id, title: `Course ${id}` })),
    enrollmentsOfCourse: async (courseId) => enrollments[courseId] ?? [],
  };
  const manifest = {
    runId: '00000000-0000-4000-8000-000000000001',
    exportedAt: EXPORTED_AT,
    dt: '2026-06-30',
    itemsScanned: 0,
    files: {
      enrollments: {
        key: 'k',
        rows: 0,
        bytes: 0,
        sha256: '0'.repeat(64),
        source: 'enrollment',
        tableCount: 0,
        omitted: {},
      },
    },
  } as ExportManifest;
  return { latestExport: async () => manifest, engine, live };
}

const enrolled = (userId: string, enrolledAt: string, completedAt: string | null = null): LiveEnrollment => ({
  userId,
  enrolledAt,
  completedAt,
});

describe('reconcile', () => {
  it('names enrollments made and removed after the export, and the masked rows of erased people', async () => {
    // Prepare: c1 exported with u1, u2 and an erased person's row; live: u1, and u4 enrolled after
    const ports = await deps(
      {
        courses: [
          { course_id: 'c1', status: 'published' },
          { course_id: 'c2', status: 'archived' },
        ],
        enrollments: [
          { course_id: 'c1', user_id: 'u1', status: 'enrolled' },
          { course_id: 'c1', user_id: 'u2', status: 'withdrawn' },
          { course_id: 'c1', user_id: null, status: 'completed' },
          { course_id: 'c2', user_id: 'u3', status: 'completed' },
        ],
      },
      { c1: [enrolled('u1', BEFORE), enrolled('u4', AFTER)], c2: [enrolled('u3', BEFORE)] },
    );

    // Act
    const result = await reconcile(ports, 'enrollments');

    // Assess
    expect(result.totals).toEqual({ exported: 4, live: 3, difference: -1 });
    expect(result.differences).toEqual([
      {
        groupId: 'c1',
        name: 'Course c1',
        exported: 3,
        live: 2,
        difference: -1,
        causes: [
          { cause: 'changed-after-export', change: 'enrolled', count: 1, examples: ['u4'] },
          { cause: 'erased', change: 'a row of an erased person, id masked', count: -1, examples: [] },
          { cause: 'changed-after-export', change: 'removed', count: -1, examples: ['u2'] },
        ],
      },
    ]);
    expect(result.filters.map(({ filter, rows }) => ({ filter, rows }))).toEqual([
      { filter: 'withdrawn-or-expired', rows: 1 },
      { filter: 'archived-course', rows: 1 },
    ]);
  });

  it('compares completions without the imported ones, which it counts as a filter', async () => {
    // Prepare
    const ports = await deps(
      {
        courses: [{ course_id: 'c1', status: 'published' }],
        completions: [
          { course_id: 'c1', user_id: 'u1', completed_at: BEFORE, imported: false },
          { course_id: 'c1', user_id: 'u5', completed_at: BEFORE, imported: true },
        ],
      },
      { c1: [enrolled('u1', BEFORE, BEFORE), enrolled('u6', BEFORE, AFTER), enrolled('u7', BEFORE)] },
    );

    // Act
    const result = await reconcile(ports, 'completions');

    // Assess
    expect(result.differences).toEqual([
      {
        groupId: 'c1',
        name: 'Course c1',
        exported: 1,
        live: 2,
        difference: 1,
        causes: [{ cause: 'changed-after-export', change: 'completed', count: 1, examples: ['u6'] }],
      },
    ]);
    expect(result.filters.find((filter) => filter.filter === 'imported')?.rows).toBe(1);
  });

  it('refuses to reconcile before any export succeeded', async () => {
    const ports = { ...(await deps({}, {})), latestExport: async () => null };
    await expect(reconcile(ports, 'people')).rejects.toThrow('POST /exports');
  });
});

describe.each(RECONCILE_QUERIES.map((query) => [query.name, query] as const))(
  'internal query %s',
  (_name, query) => {
    it('parses in the Athena (Trino) dialect with one value per placeholder', () => {
      const bound = athenaQuery(query, { group: 'g1' });
      expect(() => new Parser().astify(bound.text, { database: 'trino' }), bound.text).not.toThrow();
      expect(bound.text.split('?').length - 1).toBe(bound.values.length);
    });
  },
);
