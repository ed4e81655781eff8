/**
 * Report runs over HTTP, as an administrator and a manager use them: completions made through the API, the
 * analytics export run, then the completion report run in the background (`POST /reports/{name}/runs`,
 * followed at `GET /reports/runs/{id}`): an admin sees every department, a manager only their subtree (and
 * is refused a department outside it), the rows page, the freshness stamp is the export's time, the CSV
 * download neutralises a formula, the chart is an SVG with one bar per group. Bad input is refused naming the
 * field, and changes nothing.
 */
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import { type ExportedRun, exportNow } from '../support/analytics-export.ts';
import { api, departmentIdByName, tokenFor, userIdByEmail } from '../support/http.ts';

const tokens = { admin: '', manager: '', learner: '' };
const ids = { sales: '', department: '', person: '', seller: '', formulaCourse: '', plainCourse: '' };
const formulaTitle = `=HYPERLINK("http://evil.example","${uniqueName('Report')}")`;
const plainTitle = uniqueName('Report plain');
let exported: ExportedRun;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const period = { from: day(-30), to: day(1) };

/** Polls run `id` until it ends (succeeded or failed); returns the run. */
async function runFinished(token: string, id: string, query = '') {
  const deadline = Date.now() + 50_000;
  for (;;) {
    const polled = await api('GET', `/reports/runs/${id}${query}`, { token });
    if (polled.status !== 200) throw new Error(`GET /reports/runs/${id}: ${polled.status} ${polled.text}`);
    if (polled.json.status === 'succeeded' || polled.json.status === 'failed') return polled.json;
    if (Date.now() > deadline) throw new Error(`report run ${id} still ${polled.json.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function runReport(token: string, name: string, params: Record<string, unknown>, format = 'json') {
  const requested = await api('POST', `/reports/${name}/runs`, { token, body: { params, format } });
  if (requested.status !== 202)
    throw new Error(`POST /reports/${name}/runs: ${requested.status} ${requested.text}`);
  return runFinished(token, requested.json.id);
}

beforeAll(async () => {
  tokens.admin = await tokenFor('admin@example.com');
  tokens.manager = await tokenFor('manager@example.com');
  tokens.learner = await tokenFor('learner@example.com');
  const admin = tokens.admin;
  ids.sales = await departmentIdByName('Sales');
  ids.seller = await userIdByEmail('sam.seller@example.com');
  // A department of its own (outside the manager's Sales), with one person in it
  ids.department = (
    await api('POST', '/departments', { token: admin, body: { name: uniqueName('Reports') } })
  ).json.id;
  ids.person = (
    await api('POST', '/users', {
      token: admin,
      body: {
        email: uniqueEmail('reports'),
        givenName: 'Rita',
        familyName: 'Reports',
        departmentId: ids.department,
      },
    })
  ).json.id;
  for (const [key, title] of [
    ['formulaCourse', formulaTitle],
    ['plainCourse', plainTitle],
  ] as const) {
    ids[key] = (await api('POST', '/courses', { token: admin, body: { title } })).json.id;
    await api('POST', `/courses/${ids[key]}/publish`, { token: admin });
  }
  // The person completes both courses; Sam (Sales) completes the formula course too
  const completions = [
    [ids.formulaCourse, ids.person],
    [ids.plainCourse, ids.person],
    [ids.formulaCourse, ids.seller],
  ];
  for (const [courseId, userId] of completions) {
    await api('POST', `/courses/${courseId}/enrollments`, { token: admin, body: { userIds: [userId] } });
    const completed = await api('POST', `/courses/${courseId}/enrollments/${userId}/complete`, {
      token: admin,
      body: { reason: 'Report test', score: 80 },
    });
    if (completed.status !== 200) throw new Error(`complete: ${completed.status} ${completed.text}`);
  }
  exported = await exportNow(admin);
});

describe('GET /reports', () => {
  it('lists the reports the caller may run, with their parameters described', async () => {
    // Act
    const asAdmin = await api('GET', '/reports', { token: tokens.admin });
    const asLearner = await api('GET', '/reports', { token: tokens.learner });

    // Assess
    expect(asAdmin.status).toBe(200);
    const completion = asAdmin.json.items.find((report: { name: string }) => report.name === 'completion');
    expect(completion).toMatchObject({
      title: 'Completion by course, department and period',
      roles: ['admin', 'manager'],
      example: { from: '2026-01-01', to: '2026-06-30', granularity: 'quarter' },
    });
    expect(completion.params.required).toEqual(['from', 'to']);
    expect(Object.keys(completion.params.properties)).toEqual([
      'from',
      'to',
      'granularity',
      'department',
      'course',
    ]);
    expect(asLearner.status).toBe(200);
    expect(asLearner.json.items.map((report: { name: string }) => report.name)).not.toContain('completion');
  });
});

describe('POST /reports/{name}/runs, GET /reports/runs/{id}', () => {
  it('runs a report over the export for an admin: every department, rows paged, stamped with the export', async () => {
    // Act
    const requested = await api('POST', '/reports/completion/runs', {
      token: tokens.admin,
      body: { params: { ...period, course: ids.formulaCourse }, format: 'csv' },
    });

    // Assess: queued as a report job
    expect(requested.status, requested.text).toBe(202);
    expect(requested.json).toMatchObject({ type: 'report', status: 'queued' });
    expect(requested.json.input).toMatchObject({
      report: 'completion',
      format: 'csv',
      scope: { kind: 'everything' },
      requestedBy: await userIdByEmail('admin@example.com'),
    });
    expect(requested.headers.get('location')).toBe(`/reports/runs/${requested.json.id}`);
    const run = await runFinished(tokens.admin, requested.json.id);
    expect(run).toMatchObject({
      status: 'succeeded',
      report: 'completion',
      totalRows: 2,
      engine: 'duckdb',
      freshness: { exportedAt: exported.manifest.exportedAt, exportRunId: exported.manifest.runId },
      csv: `/reports/runs/${run.id}/report.csv`,
      chart: `/reports/runs/${run.id}/chart.svg`,
    });
    const month = `${new Date().toISOString().slice(0, 7)}-01`;
    const departments = run.rows.map((row: { department_id: string }) => row.department_id).sort();
    expect(departments).toEqual([ids.department, ids.sales].sort());
    for (const row of run.rows)
      expect(row).toMatchObject({
        period: month,
        course_title: formulaTitle,
        completions: 1,
        average_score: 80,
      });

    // Act: one row a page
    const first = await api('GET', `/reports/runs/${run.id}?limit=1`, { token: tokens.admin });
    const second = await api('GET', `/reports/runs/${run.id}?limit=1&cursor=${first.json.nextCursor}`, {
      token: tokens.admin,
    });

    // Assess
    expect(first.json.rows).toHaveLength(1);
    expect(second.json.rows).toHaveLength(1);
    expect(second.json.nextCursor).toBeNull();
    expect([first.json.rows[0], second.json.rows[0]]).toEqual(run.rows);
    const foreignCursor = await api('GET', `/reports/runs/${run.id}?cursor=${'x'.repeat(12)}`, {
      token: tokens.admin,
    });
    expect(foreignCursor.status).toBe(400);
    expect(foreignCursor.json.errors[0].path).toBe('query.cursor');
  });

  it("a manager's run covers their subtree only; a department outside it is refused", async () => {
    // Act
    const run = await runReport(tokens.manager, 'completion', { ...period, course: ids.formulaCourse });
    const outside = await api('POST', '/reports/completion/runs', {
      token: tokens.manager,
      body: { params: { ...period, department: ids.department } },
    });

    // Assess: Sam's completion (Sales), not the other department's
    expect(run.status, JSON.stringify(run.failure)).toBe('succeeded');
    expect(run.rows.map((row: { department_id: string }) => row.department_id)).toEqual([ids.sales]);
    expect(outside.status).toBe(403);
    expect(outside.json.errors).toEqual([
      { path: 'body.params.department', message: 'outside the departments you manage' },
    ]);
    // Assess: the run is the manager's; the admin may read it, nobody else
    expect((await api('GET', `/reports/runs/${run.id}`, { token: tokens.admin })).status).toBe(200);
    expect((await api('GET', `/reports/runs/${run.id}`, { token: tokens.learner })).status).toBe(404);
  });

  it('an identical run while one is under way is a 409 naming it; another report or params go on', async () => {
    // Act: the same request twice at once, and a different one
    const body = { params: { ...period, department: ids.department } };
    const [a, b, other] = await Promise.all([
      api('POST', '/reports/completion/runs', { token: tokens.admin, body }),
      api('POST', '/reports/completion/runs', { token: tokens.admin, body }),
      api('POST', '/reports/completion/runs', {
        token: tokens.admin,
        body: { params: { ...period, department: ids.department, granularity: 'year' } },
      }),
    ]);

    // Assess
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const accepted = a.status === 202 ? a : b;
    const refused = a.status === 202 ? b : a;
    expect(refused.json.detail).toContain(accepted.json.id);
    expect(other.status).toBe(202);
    for (const id of [accepted.json.id, other.json.id])
      expect((await runFinished(tokens.admin, id)).status).toBe('succeeded');
  });

  it('refuses bad input naming the field, and starts nothing', async () => {
    // Prepare
    const before = await api('GET', '/jobs?kind=report&limit=100', { token: tokens.admin });
    const post = (name: string, body: unknown, token = tokens.admin) =>
      api('POST', `/reports/${name}/runs`, { token, body });

    // Act
    const badDate = await post('completion', { params: { from: 'last week', to: period.to } });
    const sixYears = await post('completion', { params: { from: '2020-01-01', to: '2025-12-31' } });
    const unknownParam = await post('completion', { params: { ...period, colour: 'red' } });
    const badFormat = await post('completion', { params: period, format: 'xlsx' });
    const unknownReport = await post('no-such-report', { params: period });
    const learner = await post('completion', { params: period }, tokens.learner);

    // Assess
    expect(badDate.status).toBe(400);
    expect(badDate.json.errors.map((error: { path: string }) => error.path)).toEqual(['body.params.from']);
    expect(sixYears.status).toBe(400);
    expect(sixYears.json.errors).toEqual([
      { path: 'body.params.to', message: 'a period is at most 5 years long' },
    ]);
    expect(unknownParam.json.errors).toEqual([{ path: 'body.params.colour', message: 'unknown field' }]);
    expect(badFormat.status).toBe(400);
    expect(badFormat.json.errors[0].path).toBe('body.format');
    expect(unknownReport.status).toBe(404);
    expect(learner.status).toBe(403);
    const after = await api('GET', '/jobs?kind=report&limit=100', { token: tokens.admin });
    expect(after.json.items.map((job: { id: string }) => job.id)).toEqual(
      before.json.items.map((job: { id: string }) => job.id),
    );
  });
});

describe('a run as CSV and as a chart', () => {
  it('downloads the CSV with the formula neutralised, and draws one bar per course', async () => {
    // Prepare: the person's department: one completion of each course this month
    const run = await runReport(tokens.admin, 'completion', { ...period, department: ids.department });
    expect(run.totalRows).toBe(2);

    // Act: the API answers 303 to a short-lived download, which fetch follows, as curl -L or a browser would
    const csv = await api('GET', `/reports/runs/${run.id}/report.csv`, { token: tokens.admin });
    const chart = await api('GET', `/reports/runs/${run.id}/chart.svg`, { token: tokens.admin });

    // Assess: the CSV
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="completion-${run.id}.csv"`);
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Period,Course id,Course,Department id,Department,Completions,Average score');
    const formulaLine = lines.find((line) => line.includes(ids.formulaCourse));
    expect(formulaLine).toContain(`,"'=HYPERLINK(""http://evil.example"",`);
    expect(lines.find((line) => line.includes(ids.plainCourse))).toContain(`,${plainTitle},`);

    // Assess: the chart, one bar (a data mark) per course
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toContain('image/svg+xml');
    const svg = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(chart.text).svg;
    expect(svg).toBeDefined();
    const bars = [...chart.text.matchAll(/role="graphics-symbol" aria-roledescription="bar"/g)];
    expect(bars).toHaveLength(2);
    expect(chart.text).toContain(plainTitle);

    // Assess: only succeeded runs have a CSV; someone else's run does not exist for the caller
    const others = await api('GET', `/reports/runs/${run.id}/report.csv`, { token: tokens.manager });
    expect(others.status).toBe(404);
  });
});
