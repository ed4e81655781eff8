/**
 * Every report of the catalog: its SQL, as Athena receives it (the Glue tables, the run's partition, bound
 * placeholders), parses in the Trino dialect; run by DuckDB with its example parameters, it answers with
 * exactly the columns it declares; a manager may run it only when it reads no admin-only table.
 */
import { Parser } from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { REPORTS } from '../../../shared/reports/catalog.ts';
import { TABLE_SCOPES } from '../../../shared/reports/sql.ts';
import { athenaQuery, reportFixture } from '../../support/reports.ts';

const parser = new Parser();

describe.each(REPORTS.map((report) => [report.name, report] as const))('report %s', (_name, report) => {
  it('parses in the Athena (Trino) dialect, for an admin and for a manager', () => {
    // Prepare
    const params = report.params.parse(report.example) as Record<string, unknown>;
    const scopes = [
      { kind: 'everything' } as const,
      ...(report.roles.includes('manager')
        ? [{ kind: 'limited', departmentIds: ['d1', 'd2'], selfId: 'u1' } as const]
        : []),
    ];

    for (const scope of scopes) {
      // Act
      const query = athenaQuery(report, params, scope);

      // Assess
      expect(() => parser.astify(query.text, { database: 'trino' }), query.text).not.toThrow();
      expect(query.text.split('?').length - 1).toBe(query.values.length);
    }
  });

  it('answers with the columns it declares, in order (DuckDB, example parameters)', async () => {
    // Prepare
    const fixture = await reportFixture({});

    // Act
    // Act: the engine refuses an answer whose columns are not the declared ones (ReportSqlError)
    const rows = await fixture.run(report, { ...report.example });

    // Assess
    expect(rows).toEqual([]);
  });

  it('is for managers only if it reads no admin-only table', () => {
    const adminOnly = report.tables.filter((table) => TABLE_SCOPES[table] === 'admin');
    if (report.roles.includes('manager') || report.roles.includes('learner')) expect(adminOnly).toEqual([]);
    expect(report.name).toMatch(/^[a-z][a-z0-9-]*$/);
  });
});
