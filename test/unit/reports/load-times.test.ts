/** The load-times report on fixture data with known answers (nearest-rank percentiles). */
import { describe, expect, it } from 'vitest';
import { loadTimesReport } from '../../../shared/reports/catalog/load-times.ts';
import { reportFixture } from '../../support/reports.ts';

const C_SAFETY = '00000000-0000-4000-8000-00000000c001';
const C_PRIVACY = '00000000-0000-4000-8000-00000000c002';
const C_ETHICS = '00000000-0000-4000-8000-00000000c003';

let next = 0;
function launch(course_id: string, load_ms: number | null, fields: Record<string, unknown> = {}) {
  next += 1;
  return {
    attempt_id: `a${next}`,
    course_id,
    user_id: `u${next}`,
    preview: false,
    load_ms,
    launched_at: '2026-03-01T10:00:00Z',
    ...fields,
  };
}

const tables = {
  courses: [
    { course_id: C_SAFETY, title: 'Fire safety' },
    { course_id: C_PRIVACY, title: 'Privacy' },
    { course_id: C_ETHICS, title: 'Ethics' },
  ],
  attempts: [
    // Fire safety: 100, 200, ..., 2000 ms, in no order.
    ...[7, 3, 20, 1, 15, 9, 11, 2, 18, 5, 13, 4, 19, 8, 16, 6, 12, 10, 17, 14].map((n) =>
      launch(C_SAFETY, n * 100),
    ),
    // Privacy: three launches, one very slow.
    launch(C_PRIVACY, 500),
    launch(C_PRIVACY, 5000),
    launch(C_PRIVACY, 800),
    // Ethics: all the same.
    ...[1, 2, 3, 4].map(() => launch(C_ETHICS, 300)),
    // Not counted: a preview, a launch that never loaded, launches outside the period.
    launch(C_ETHICS, 99_999, { preview: true }),
    launch(C_ETHICS, null),
    launch(C_SAFETY, 100_000, { launched_at: '2026-07-01T00:00:00Z' }),
    launch(C_SAFETY, 100_000, { launched_at: '2025-12-31T23:59:59Z' }),
  ],
};

describe('load-times report', () => {
  it('gives p50, p95 and the slowest load per course, slowest p95 first, previews and other periods left out', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(loadTimesReport, { from: '2026-01-01', to: '2026-06-30' });

    // Assess
    expect(rows).toEqual([
      { course_id: C_PRIVACY, course_title: 'Privacy', launches: 3, p50_ms: 800, p95_ms: 5000, max_ms: 5000 },
      {
        course_id: C_SAFETY,
        course_title: 'Fire safety',
        launches: 20,
        p50_ms: 1000,
        p95_ms: 1900,
        max_ms: 2000,
      },
      { course_id: C_ETHICS, course_title: 'Ethics', launches: 4, p50_ms: 300, p95_ms: 300, max_ms: 300 },
    ]);
  });

  it('leaves out courses with fewer launches than asked, and narrows to one course', async () => {
    // Prepare
    const fixture = await reportFixture(tables);
    const period = { from: '2026-01-01', to: '2026-06-30' };

    // Act
    const busy = await fixture.run(loadTimesReport, { ...period, minLaunches: 4 });
    const one = await fixture.run(loadTimesReport, { ...period, course: C_PRIVACY });

    // Assess
    expect(busy.map((row) => row.course_title)).toEqual(['Fire safety', 'Ethics']);
    expect(one.map((row) => row.course_title)).toEqual(['Privacy']);
  });

  it('refuses a minimum of launches that is not a positive whole number, naming params.minLaunches', () => {
    const refused = loadTimesReport.params.safeParse({
      from: '2026-01-01',
      to: '2026-01-31',
      minLaunches: 0,
    });
    expect(refused.error?.issues).toEqual([expect.objectContaining({ path: ['minLaunches'] })]);
  });
});
