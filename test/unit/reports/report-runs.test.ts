/**
 * Requesting a report run, the refusals that need no emulator: no export yet (409), the report's tables
 * above the scan cutoff (422), a parameter naming someone outside the caller's scope (403); each before
 * anything is recorded or queued. Who may run what, and which runs share a lock. The runs themselves are
 * proven end to end in test/e2e/reports.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, OutOfScopeError } from '../../../shared/domain/errors.ts';
import type { Principal } from '../../../shared/domain/principal.ts';
import type { User } from '../../../shared/domain/user.ts';
import { toProblem } from '../../../shared/http/problem.ts';
import type { ExportSnapshot } from '../../../shared/reports/engine.ts';
import { ReportScanLimitError } from '../../../shared/reports/limits.ts';
import {
  assertParamsInScope,
  mayRun,
  type ReportRequestPorts,
  reportRunLock,
  requestReportRun,
} from '../../../shared/use-cases/reports.ts';

const admin: Principal = { sub: 'sub-admin', userId: 'u-admin', email: null, roles: ['admin'] };
const manager: Principal = { sub: 'sub-manager', userId: 'u-manager', email: null, roles: ['manager'] };
const client: Principal = {
  sub: 'client:hris',
  userId: null,
  email: null,
  roles: [],
  client: { id: 'hris', scopes: ['lms/reports.read'] },
};
const params = { from: '2026-01-01', to: '2026-06-30' };

/** Ports that answer the scope and the export, and refuse to record or queue anything. */
function ports(snapshot: ExportSnapshot | null): ReportRequestPorts {
  const nothing = () => {
    throw new Error('nothing may be recorded or queued');
  };
  return {
    jobs: {
      create: nothing,
      get: nothing,
      save: nothing,
      list: nothing,
      acquireLock: nothing,
      renewLock: nothing,
      releaseLock: nothing,
    },
    runtime: { now: () => new Date('2026-07-01T00:00:00Z'), newId: () => 'run-1' },
    queue: { send: nothing },
    departments: {
      managedBy: async () => [{ id: 'sales' }] as never,
      subtree: async () => [{ id: 'sales' }, { id: 'emea' }] as never,
    },
    users: {
      get: async (id) =>
        ({ u1: { id: 'u1', departmentId: 'emea' }, u2: { id: 'u2', departmentId: 'engineering' } })[id] as
          | User
          | undefined,
    },
    latestExport: async () => snapshot,
  };
}

const snapshot = (bytes: Record<string, number>): ExportSnapshot => ({
  runId: 'export-1',
  dt: '2026-06-30',
  exportedAt: '2026-06-30T02:00:00.000Z',
  files: Object.fromEntries(
    Object.entries(bytes).map(([table, size]) => [table, { key: `${table}.parquet`, bytes: size }]),
  ),
});

describe('requestReportRun refusals', () => {
  afterEach(() => {
    delete process.env.LMS_REPORT_MAX_SCAN_BYTES;
  });

  it('refuses a run before any export, telling to run one (409)', async () => {
    // Act
    const requested = requestReportRun(ports(null), admin, 'completion', { params });

    // Assess
    await expect(requested).rejects.toThrow(ConflictError);
    await expect(requested).rejects.toThrow('Run POST /exports');
  });

  it('refuses a report whose tables hold more than the scan cutoff (422), naming the report and the figure', async () => {
    // Prepare: completion reads completions, courses and departments: 600 + 300 + 200 bytes
    process.env.LMS_REPORT_MAX_SCAN_BYTES = '1000';
    const files = snapshot({ completions: 600, courses: 300, departments: 200, people: 50 });

    // Act
    const error = await requestReportRun(ports(files), admin, 'completion', { params }).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(ReportScanLimitError);
    expect(error.message).toContain(
      'The report completion would read 1100 bytes, above the 1000 bytes one report may scan (LMS_REPORT_MAX_SCAN_BYTES)',
    );
    expect(toProblem(error).status).toBe(422);
  });

  it("counts the people table a manager's scope narrows by", async () => {
    // Prepare: 1000 bytes for an admin, 1050 for a manager
    process.env.LMS_REPORT_MAX_SCAN_BYTES = '1000';
    const files = snapshot({ completions: 500, courses: 300, departments: 200, people: 50 });

    // Act
    const error = await requestReportRun(ports(files), manager, 'completion', { params }).catch((e) => e);
    const withinForAdmin = await requestReportRun(ports(files), admin, 'completion', { params }).catch(
      (e) => e,
    );

    // Assess: the admin's passes the cutoff and reaches the job store (which refuses in this test)
    expect(error.message).toContain('would read 1050 bytes');
    expect(withinForAdmin.message).toBe('nothing may be recorded or queued');
  });

  it('refuses a department or person outside a limited scope (403, naming the parameter)', async () => {
    // Prepare
    const scope = {
      kind: 'limited',
      departmentIds: new Set(['sales', 'emea']),
      selfId: 'u-manager',
    } as const;

    // Act / Assess
    await expect(
      assertParamsInScope(ports(null), scope, { department: 'emea', person: 'u1' }),
    ).resolves.toBeUndefined();
    await expect(assertParamsInScope(ports(null), scope, { person: 'u-manager-missing' })).rejects.toThrow(
      OutOfScopeError,
    );
    const department = await assertParamsInScope(ports(null), scope, { department: 'engineering' }).catch(
      (e) => e,
    );
    expect(department.fields).toEqual([
      { path: 'body.params.department', message: 'outside the departments you manage' },
    ]);
    const person = await assertParamsInScope(ports(null), scope, { person: 'u2' }).catch((e) => e);
    expect(person.fields[0].path).toBe('body.params.person');
    await expect(
      assertParamsInScope(ports(null), { kind: 'everything' }, { department: 'engineering', person: 'u2' }),
    ).resolves.toBeUndefined();
  });
});

describe('who may run a report', () => {
  it("lets people with one of the report's roles run it, and machine clients the reports not for admins only", () => {
    expect(mayRun(manager, { roles: ['admin', 'manager'] })).toBe(true);
    expect(mayRun(manager, { roles: ['admin'] })).toBe(false);
    expect(mayRun(client, { roles: ['admin', 'manager'] })).toBe(true);
    expect(mayRun(client, { roles: ['admin'] })).toBe(false);
  });
});

describe('reportRunLock', () => {
  it('is one lock per report, requester and parameters, whatever their order', () => {
    const lock = reportRunLock({ report: 'completion', requestedBy: 'u1', params: { from: 'a', to: 'b' } });
    expect(reportRunLock({ report: 'completion', requestedBy: 'u1', params: { to: 'b', from: 'a' } })).toBe(
      lock,
    );
    expect(
      reportRunLock({ report: 'completion', requestedBy: 'u2', params: { from: 'a', to: 'b' } }),
    ).not.toBe(lock);
    expect(
      reportRunLock({ report: 'completion', requestedBy: 'u1', params: { from: 'a', to: 'c' } }),
    ).not.toBe(lock);
    expect(
      reportRunLock({ report: 'compliance', requestedBy: 'u1', params: { from: 'a', to: 'b' } }),
    ).not.toBe(lock);
    expect(lock).toMatch(/^report:[0-9a-f]{32}$/);
  });
});
