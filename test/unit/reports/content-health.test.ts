/** The content-health report on fixture data with known answers. */
import { describe, expect, it } from 'vitest';
import { contentHealthReport } from '../../../shared/reports/catalog/content-health.ts';
import { reportFixture } from '../../support/reports.ts';

const C_SAFETY = '00000000-0000-4000-8000-00000000c001';
const C_PRIVACY = '00000000-0000-4000-8000-00000000c002';
const C_ETHICS = '00000000-0000-4000-8000-00000000c003';
const C_OLD = '00000000-0000-4000-8000-00000000c004';
const C_BASICS = '00000000-0000-4000-8000-00000000c005';

function version(course_id: string, n: number, imported_at: string, accessibility: Record<string, unknown>) {
  return {
    course_id,
    version: n,
    standard: 'scorm2004-4th',
    imported_at,
    accessibility_violations: 0,
    accessibility_critical: 0,
    accessibility_serious: 0,
    accessibility_status: 'clean',
    ...accessibility,
  };
}

const tables = {
  courses: [
    {
      course_id: C_SAFETY,
      title: 'Fire safety',
      status: 'published',
      current_content_version: 2,
      review_by: '2026-06-15',
    },
    {
      course_id: C_PRIVACY,
      title: 'Privacy',
      status: 'published',
      current_content_version: 1,
      review_by: '2026-07-30',
    },
    {
      course_id: C_ETHICS,
      title: 'Ethics',
      status: 'draft',
      current_content_version: null,
      review_by: '2026-07-31',
    },
    {
      course_id: C_OLD,
      title: 'Old course',
      status: 'archived',
      current_content_version: 1,
      review_by: null,
    },
    {
      course_id: C_BASICS,
      title: 'Safety basics',
      status: 'published',
      current_content_version: 1,
      review_by: null,
    },
  ],
  content_versions: [
    version(C_SAFETY, 1, '2024-01-10T09:00:00Z', {}),
    version(C_SAFETY, 2, '2025-05-01T09:00:00Z', {
      accessibility_violations: 5,
      accessibility_critical: 1,
      accessibility_serious: 2,
      accessibility_status: 'blocking',
    }),
    version(C_PRIVACY, 1, '2026-06-01T09:00:00Z', {}),
    version(C_OLD, 1, '2020-01-01T09:00:00Z', {}),
    // Exactly 365 days before asOf: not stale yet.
    version(C_BASICS, 1, '2025-06-30T23:00:00Z', {
      accessibility_violations: 2,
      accessibility_status: 'violations',
    }),
  ],
};

const ETHICS = {
  course_id: C_ETHICS,
  course_title: 'Ethics',
  status: 'draft',
  current_version: null,
  standard: null,
  accessibility_violations: null,
  accessibility_critical: null,
  accessibility_serious: null,
  accessibility_status: null,
  versions: 0,
  review_by: '2026-07-31',
  review_status: 'ok',
  content_updated_at: null,
  days_since_content_update: null,
  stale: null,
};

describe('content-health report', () => {
  it("gives each course's current accessibility, versions, review status and staleness as of a day", async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(contentHealthReport, {
      asOf: '2026-06-30',
      reviewWithinDays: 30,
      staleAfterDays: 365,
    });

    // Assess
    expect(rows).toEqual([
      ETHICS,
      {
        course_id: C_SAFETY,
        course_title: 'Fire safety',
        status: 'published',
        current_version: 2,
        standard: 'scorm2004-4th',
        accessibility_violations: 5,
        accessibility_critical: 1,
        accessibility_serious: 2,
        accessibility_status: 'blocking',
        versions: 2,
        review_by: '2026-06-15',
        review_status: 'overdue',
        content_updated_at: '2025-05-01T09:00:00.000Z',
        days_since_content_update: 425,
        stale: true,
      },
      {
        course_id: C_PRIVACY,
        course_title: 'Privacy',
        status: 'published',
        current_version: 1,
        standard: 'scorm2004-4th',
        accessibility_violations: 0,
        accessibility_critical: 0,
        accessibility_serious: 0,
        accessibility_status: 'clean',
        versions: 1,
        review_by: '2026-07-30',
        review_status: 'due',
        content_updated_at: '2026-06-01T09:00:00.000Z',
        days_since_content_update: 29,
        stale: false,
      },
      {
        course_id: C_BASICS,
        course_title: 'Safety basics',
        status: 'published',
        current_version: 1,
        standard: 'scorm2004-4th',
        accessibility_violations: 2,
        accessibility_critical: 0,
        accessibility_serious: 0,
        accessibility_status: 'violations',
        versions: 1,
        review_by: null,
        review_status: 'none',
        content_updated_at: '2025-06-30T23:00:00.000Z',
        days_since_content_update: 365,
        stale: false,
      },
    ]);
  });

  it("lists archived courses on request, and judges at the export's day when no day is given", async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const archived = await fixture.run(contentHealthReport, { asOf: '2026-06-30', includeArchived: true });
    const undated = await fixture.run(contentHealthReport, {});

    // Assess
    expect(archived.map((row) => [row.course_title, row.review_status, row.stale])).toEqual([
      ['Ethics', 'ok', null],
      ['Fire safety', 'overdue', true],
      ['Old course', 'none', true],
      ['Privacy', 'due', false],
      ['Safety basics', 'none', false],
    ]);
    // The fixture's export ran on 2026-06-30.
    expect(undated.map((row) => [row.course_title, row.review_status, row.stale])).toEqual([
      ['Ethics', 'ok', null],
      ['Fire safety', 'overdue', true],
      ['Privacy', 'due', false],
      ['Safety basics', 'none', false],
    ]);
  });

  it('refuses a malformed day or a negative number of days, naming the field', () => {
    const refused = contentHealthReport.params.safeParse({ asOf: '30/06/2026', staleAfterDays: -1 });
    expect(refused.error?.issues.map((issue) => issue.path)).toEqual([['asOf'], ['staleAfterDays']]);
  });
});
