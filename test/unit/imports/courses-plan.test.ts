/**
 * Planning course files against an in-memory catalog: the lifecycle rules of the API (an archived course
 * goes back to draft before it is published, a published one never back to draft, the accessibility gate),
 * categories by path and by a name only one has, and the requests each change is made of.
 */
import { describe, expect, it } from 'vitest';
import type { Category, Course } from '../../../shared/domain/course.ts';
import { readCsv } from '../../../shared/imports/csv.ts';
import { planCourses } from '../../../shared/use-cases/imports/courses.ts';
import type {
  ImportFiles,
  ImportRepository,
  PlanDeps,
  StoredPlanEntry,
} from '../../../shared/use-cases/imports/ports.ts';
import { importRecord } from '../../support/import-record.ts';

const NOW = '2026-01-15T10:00:00.000Z';

function course(n: number, fields: Partial<Course>): Course {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    title: `Course ${n}`,
    code: `C-${n}`,
    description: '',
    language: 'en',
    durationMinutes: null,
    expectedMinutes: null,
    cost: null,
    ownerIds: [],
    categoryId: null,
    tags: [],
    prerequisiteIds: [],
    customFields: {},
    selfEnrollment: false,
    capacity: null,
    publishAt: null,
    archiveAt: null,
    reviewBy: null,
    certification: null,
    status: 'draft',
    currentContentVersion: null,
    accessibilityWaiver: null,
    publishedAt: null,
    archivedAt: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    version: 1,
    ...fields,
  };
}

function category(n: number, name: string, parentId: string | null = null): Category {
  return {
    id: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
    name,
    parentId,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    version: 1,
  };
}

/** Plans `file` (ours) against `courses` and `categories`; a course with content has blocking violations. */
async function plan(courses: Course[], file: string, categories: Category[] = []) {
  const deps: PlanDeps = {
    imports: {} as ImportRepository,
    files: {} as ImportFiles,
    cohortBulk: {} as PlanDeps['cohortBulk'],
    businessMetricBulk: {} as PlanDeps['businessMetricBulk'],
    courseBulk: {
      current: async (ids) =>
        new Map(courses.filter((c) => ids.includes(c.id)).map((c) => [c.id, c] as const)),
      owners: async (codes) =>
        new Map(
          courses.flatMap((c) =>
            c.code && codes.includes(c.code.toLowerCase()) ? [[c.code.toLowerCase(), c.id]] : [],
          ),
        ),
    },
    content: {
      getContentVersion: async (courseId, version) => ({
        courseId,
        version,
        accessibility: { blocking: true, critical: 1, serious: 2 },
      }),
    },
    catalog: {
      getCourses: async () => [],
      listCourses: async () => ({ items: [], nextCursor: null }),
      listCategories: async () => categories,
    },
    peopleBulk: { current: async () => new Map(), owners: async () => new Map() },
    // A course file reads no enrollments, departments nor people lists.
    enrollmentBulk: {} as PlanDeps['enrollmentBulk'],
    enrollments: {} as PlanDeps['enrollments'],
    departments: {} as PlanDeps['departments'],
    users: {} as PlanDeps['users'],
    runtime: { now: () => new Date(NOW), newId: () => 'new-course' },
  };
  const record = importRecord({
    type: 'courses',
    fileName: 'courses.csv',
    sizeBytes: file.length,
    createdAt: NOW,
    version: 2,
  });
  const entries: Omit<StoredPlanEntry, 'seq'>[] = [];
  await planCourses(deps, {
    record,
    open: () =>
      readCsv(
        (async function* () {
          yield Buffer.from(file);
        })(),
      ),
    add: async (entry) => {
      entries.push(entry);
    },
    rowRead: () => {},
  });
  return entries;
}

describe('planning a courses file: the lifecycle, as the API has it', () => {
  it('refuses to publish an archived course, or to take a published one back to draft', async () => {
    // Prepare
    const archived = course(1, { status: 'archived', archivedAt: NOW });
    const live = course(2, { status: 'published', publishedAt: NOW });
    // Act
    const entries = await plan([archived, live], 'code,status\nC-1,published\nC-2,draft\n');
    // Assess
    expect(entries.map((entry) => [entry.line, entry.action, entry.error])).toEqual([
      [
        2,
        'error',
        {
          column: 'status',
          reason:
            'Course 1 is archived: give it the status draft first, then publish it (as an administrator would)',
        },
      ],
      [
        3,
        'error',
        { column: 'status', reason: 'Course 2 is published: a published course is not returned to draft' },
      ],
    ]);
  });

  it('returns an archived course to draft, and changes its fields, as two requests', async () => {
    // Prepare
    const archived = course(1, { status: 'archived', archivedAt: NOW });
    // Act
    const [entry] = await plan([archived], 'code,title,status\nc-1,Course one,draft\n');
    // Assess: found by its code ignoring case; updated, then unarchived
    expect(entry?.action).toBe('update');
    expect(entry?.diffs).toEqual({
      title: { from: 'Course 1', to: 'Course one' },
      status: { from: 'archived', to: 'draft' },
    });
    const write = entry?.write;
    if (write?.op !== 'course') throw new Error('a course write');
    expect(write.steps.map((step) => [step.title, step.status, step.archivedAt, step.version])).toEqual([
      ['Course one', 'archived', NOW, 2],
      ['Course one', 'draft', null, 3],
    ]);
    expect(write.after.code).toBe('C-1');
  });

  it('holds publishing while the content has blocking accessibility violations and no waiver', async () => {
    // Prepare
    const blocked = course(1, { currentContentVersion: 3 });
    const waived = course(2, {
      currentContentVersion: 1,
      accessibilityWaiver: { contentVersion: 1, reason: 'Captions on the way', by: 'admin', at: NOW },
    });
    // Act
    const entries = await plan([blocked, waived], 'code,status\nC-1,published\nC-2,published\n');
    // Assess
    expect(entries.map((entry) => [entry.action, entry.error?.reason])).toEqual([
      [
        'error',
        'Course 1 v3 has 1 critical and 2 serious accessibility violations: fix the package, or an administrator records a waiver, before it is published',
      ],
      ['update', undefined],
    ]);
  });

  it('finds a category by its path, or by a name only one category has', async () => {
    // Prepare: two "Fire" categories, under Safety and under Drills
    const safety = category(1, 'Safety');
    const drills = category(2, 'Drills');
    const fireUnderSafety = category(3, 'Fire', safety.id);
    const fireUnderDrills = category(4, 'Fire', drills.id);
    // Act
    const entries = await plan(
      [],
      'code,title,category\nN-1,One,safety / fire\nN-2,Two,Fire\nN-3,Three,Drills\nN-4,Four,Water\n',
      [safety, drills, fireUnderSafety, fireUnderDrills],
    );
    // Assess
    expect(entries.map((entry) => entry.diffs.categoryId?.to ?? entry.error?.reason)).toEqual([
      fireUnderSafety.id,
      'more than one category is called Fire: name it by its path from the top (Parent/Child)',
      drills.id,
      'no category Water',
    ]);
  });

  it('lays the cost parts a row gives over the course cost, and refuses a cost with no currency', async () => {
    // Prepare
    const priced = course(1, { cost: { perSeat: 50, fixed: 500, currency: 'EUR' } });
    const unpriced = course(2, {});
    // Act
    const entries = await plan(
      [priced, unpriced],
      'code,expected_minutes,cost_per_seat,cost_fixed,cost_currency\nC-1,90,,750,\nC-2,,40,,\nC-3,,,,usd\n',
    );
    // Assess: a new course (C-3) has a title missing, which is refused first
    expect(entries.map((entry) => entry.diffs.cost?.to ?? entry.error?.reason)).toEqual([
      { perSeat: 50, fixed: 750, currency: 'EUR' },
      'a cost needs its currency (an ISO 4217 code such as EUR)',
      'the title is required for a new course',
    ]);
    expect(entries[0]?.diffs.expectedMinutes).toEqual({ from: null, to: 90 });
    expect(entries[1]?.error?.column).toBe('cost_currency');
  });

  it('plans a row that changes nothing as unchanged, with no write', async () => {
    // Prepare
    const same = course(1, { title: 'Same', tags: ['a', 'b'] });
    // Act
    const [entry] = await plan([same], 'code,title,tags\nC-1,Same,a;b\n');
    // Assess
    expect(entry).toMatchObject({ action: 'unchanged', diffs: {} });
    expect(entry?.write).toBeUndefined();
  });
});
