/**
 * The reporting walk-through over HTTP, as an L&D team runs it: people enrolled in a costed course and in a
 * required one through the API, the analytics export, then the compliance report as an administrator (every
 * department) and as the Sales manager (their subtree only, whatever they ask), and the training ROI report,
 * whose cost per completion is the one the data implies, with its chart drawn as an SVG.
 */
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, uniqueName } from '../support/actors.ts';
import { exportNow } from '../support/analytics-export.ts';
import { api, departmentIdByName, tokenFor } from '../support/http.ts';

const tokens = { admin: '', manager: '' };
const ids = { sales: '', salesEmea: '', elsewhere: '', costed: '', required: '' };
const people: { emea: string[]; elsewhere: string[] } = { emea: [], elsewhere: [] };
const today = new Date().toISOString().slice(0, 10);
const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString();

async function runReport(token: string, name: string, params: Record<string, unknown>) {
  const requested = await api('POST', `/reports/${name}/runs`, { token, body: { params, format: 'json' } });
  if (requested.status !== 202)
    throw new Error(`POST /reports/${name}/runs: ${requested.status} ${requested.text}`);
  const deadline = Date.now() + 50_000;
  for (;;) {
    const run = await api('GET', `/reports/runs/${requested.json.id}?limit=100`, { token });
    if (run.json?.status === 'succeeded' || run.json?.status === 'failed') return run.json;
    if (Date.now() > deadline) throw new Error(`report run ${requested.json.id} still ${run.json?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function person(departmentId: string): Promise<string> {
  const created = await api('POST', '/users', {
    token: tokens.admin,
    body: { email: uniqueEmail('roi'), givenName: 'Robin', familyName: 'Roi', departmentId },
  });
  if (created.status !== 201) throw new Error(`POST /users: ${created.status} ${created.text}`);
  return created.json.id;
}

beforeAll(async () => {
  tokens.admin = await tokenFor('admin@example.com');
  tokens.manager = await tokenFor('manager@example.com');
  const admin = tokens.admin;
  ids.sales = await departmentIdByName('Sales');
  ids.salesEmea = await departmentIdByName('Sales EMEA');
  ids.elsewhere = (
    await api('POST', '/departments', { token: admin, body: { name: uniqueName('Finance') } })
  ).json.id;
  for (let i = 0; i < 6; i += 1) people.emea.push(await person(ids.salesEmea));
  for (let i = 0; i < 4; i += 1) people.elsewhere.push(await person(ids.elsewhere));

  // A course costing 50 EUR a seat plus 500 EUR fixed, 90 minutes of learning: 10 seats, 4 completions
  ids.costed = (
    await api('POST', '/courses', {
      token: admin,
      body: {
        title: uniqueName('Negotiation'),
        cost: { perSeat: 50, fixed: 500, currency: 'EUR' },
        expectedMinutes: 90,
      },
    })
  ).json.id;
  // A required course, due in a month: pending for everyone enrolled
  ids.required = (
    await api('POST', '/courses', { token: admin, body: { title: uniqueName('Code of conduct') } })
  ).json.id;
  for (const courseId of [ids.costed, ids.required]) {
    await api('POST', `/courses/${courseId}/publish`, { token: admin });
    const enrolled = await api('POST', `/courses/${courseId}/enrollments`, {
      token: admin,
      body: {
        userIds: [...people.emea, ...people.elsewhere],
        ...(courseId === ids.required ? { due: { from: 'fixed', at: inAMonth } } : {}),
      },
    });
    if (enrolled.status !== 200) throw new Error(`enroll: ${enrolled.status} ${enrolled.text}`);
  }
  for (const userId of [...people.emea.slice(0, 2), ...people.elsewhere.slice(0, 2)]) {
    const completed = await api('POST', `/courses/${ids.costed}/enrollments/${userId}/complete`, {
      token: admin,
      body: { reason: 'Reporting walk-through', score: 90 },
    });
    if (completed.status !== 200) throw new Error(`complete: ${completed.status} ${completed.text}`);
  }
  await exportNow(admin);
});

describe('the compliance report', () => {
  it("shows an admin every department and the Sales manager only Sales' subtree, even when asked for more", async () => {
    // Act
    const asAdmin = await runReport(tokens.admin, 'compliance', { course: ids.required });
    const asManager = await runReport(tokens.manager, 'compliance', { course: ids.required });
    const askingElsewhere = await api('POST', '/reports/compliance/runs', {
      token: tokens.manager,
      body: { params: { department: ids.elsewhere }, format: 'json' },
    });

    // Assess
    const counts = (run: { rows: Record<string, unknown>[] }) =>
      run.rows.map((row) => [row.department_id, row.required, row.pending, row.overdue]);
    expect(asAdmin.status).toBe('succeeded');
    expect(counts(asAdmin)).toEqual(
      expect.arrayContaining([
        [ids.salesEmea, 6, 6, 0],
        [ids.elsewhere, 4, 4, 0],
      ]),
    );
    expect(counts(asManager)).toEqual([[ids.salesEmea, 6, 6, 0]]);
    expect(askingElsewhere.status).toBe(403);
  });
});

describe('the training ROI report', () => {
  it('gives the cost per completion the data implies: (10 x 50 + 500) / 4 = 250 EUR, and 6 training hours', async () => {
    // Act
    const run = await runReport(tokens.admin, 'training-roi', {
      from: today,
      to: today,
      granularity: 'year',
      course: ids.costed,
    });

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.rows).toEqual([
      expect.objectContaining({
        course_id: ids.costed,
        currency: 'EUR',
        seats: 10,
        completions: 4,
        training_hours: 6,
        spend: 1000,
        cost_per_completion: 250,
      }),
    ]);
  });

  it('draws its chart as an SVG holding a mark for its row', async () => {
    // Prepare
    const run = await runReport(tokens.admin, 'training-roi', {
      from: today,
      to: today,
      granularity: 'year',
      course: ids.costed,
    });

    // Act
    const chart = await api('GET', `/reports/runs/${run.id}/chart.svg`, { token: tokens.admin });

    // Assess: well-formed SVG, with the marks Vega draws for data (role graphics-symbol)
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toContain('image/svg+xml');
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(chart.text);
    expect(parsed.svg).toBeDefined();
    expect(chart.text).toMatch(/role="graphics-symbol"/);
  });
});
