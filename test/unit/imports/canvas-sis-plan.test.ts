/**
 * Planning a whole Canvas SIS zip against an in-memory LMS (empty but for what a test gives it): the files
 * in the order their references need, whatever the zip's order; a user, a course or a section the zip
 * creates found by the later files' rows; each problem an entry naming its file, line, column and reason;
 * the files not imported named once. Zips are built here, in a temp folder: the docs sample set, the
 * corpus's Canvas samples (../shared/corpus, when present), and bad rows of every file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Cohort, CohortMember } from '../../../shared/domain/cohort.ts';
import type { Course } from '../../../shared/domain/course.ts';
import type { User } from '../../../shared/domain/user.ts';
import { planCanvasSis } from '../../../shared/use-cases/imports/canvas-sis.ts';
import type {
  ImportFiles,
  ImportRepository,
  PlanDeps,
  StoredPlanEntry,
} from '../../../shared/use-cases/imports/ports.ts';
import { importRecord } from '../../support/import-record.ts';
import { type ZipEntry, zipEntries } from '../../support/zip.ts';

const NOW = '2026-01-15T10:00:00.000Z';
const SAMPLES = join(import.meta.dirname, '..', '..', '..', 'docs', 'samples', 'canvas-sis');
const CANVAS_CORPUS = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'corpus', 'csv', 'canvas');
const hasCorpus = existsSync(CANVAS_CORPUS);
if (!hasCorpus)
  console.warn(
    `Skipping the Canvas SIS corpus plan: ${CANVAS_CORPUS} is absent (it sits beside the project in the team kit).`,
  );

const filesOf = (folder: string): ZipEntry[] =>
  readdirSync(folder)
    .sort()
    .map((name) => ({ name, data: readFileSync(join(folder, name)) }));

/** Plans the zip of `entries` against an LMS holding `people` and `courses`; new records get ids n1, n2... */
async function plan(
  entries: ZipEntry[],
  lms: { people?: User[]; courses?: Course[]; cohorts?: Cohort[]; members?: CohortMember[] } = {},
) {
  const zip = await zipEntries(entries);
  const people = lms.people ?? [];
  const courses = lms.courses ?? [];
  const cohorts = lms.cohorts ?? [];
  const members = lms.members ?? [];
  let next = 0;
  const deps: PlanDeps = {
    imports: {} as ImportRepository,
    files: {
      source: async () =>
        (async function* () {
          yield zip;
        })(),
    } as unknown as ImportFiles,
    peopleBulk: {
      current: async (ids) => new Map(people.filter((p) => ids.includes(p.id)).map((p) => [p.id, p])),
      owners: async (kind, values) =>
        new Map(
          people.flatMap((p) => {
            const value = kind === 'email' ? p.email : p.externalId;
            return value && values.includes(value) ? [[value, p.id] as const] : [];
          }),
        ),
    },
    courseBulk: {
      current: async (ids) => new Map(courses.filter((c) => ids.includes(c.id)).map((c) => [c.id, c])),
      owners: async (codes) =>
        new Map(
          courses.flatMap((c) =>
            c.code && codes.includes(c.code.toLowerCase()) ? [[c.code.toLowerCase(), c.id] as const] : [],
          ),
        ),
    },
    enrollmentBulk: { current: async () => new Map() },
    businessMetricBulk: {} as PlanDeps['businessMetricBulk'],
    cohortBulk: {
      current: async (ids) => new Map(cohorts.filter((c) => ids.includes(c.id)).map((c) => [c.id, c])),
      owners: async (kind, values) =>
        new Map(
          cohorts.flatMap((c) => {
            const value = kind === 'name' ? c.name.toLowerCase() : c.externalId;
            return value && values.map((v) => (kind === 'name' ? v.toLowerCase() : v)).includes(value)
              ? [[value, c.id] as const]
              : [];
          }),
        ),
      members: async (pairs) =>
        new Map(
          members
            .filter((m) => pairs.some((p) => p.cohortId === m.cohortId && p.userId === m.userId))
            .map((m) => [`${m.cohortId}/${m.userId}`, m]),
        ),
    },
    enrollments: {
      seatsTaken: async () => 0,
      listForCourse: async () => ({ items: [], nextCursor: null }),
    },
    catalog: {
      getCourses: async () => [],
      listCourses: async () => ({ items: [], nextCursor: null }),
      listCategories: async () => [],
    },
    content: { getContentVersion: async () => undefined },
    departments: { list: async () => ({ items: [], nextCursor: null }) },
    users: { list: async () => ({ items: people, nextCursor: null }) },
    runtime: { now: () => new Date(NOW), newId: () => `n${++next}` },
  };
  const record = importRecord({
    type: 'canvas-sis',
    format: 'canvas',
    fileName: 'sis.zip',
    sizeBytes: zip.length,
    createdAt: NOW,
    version: 2,
  });
  const planned: Omit<StoredPlanEntry, 'seq'>[] = [];
  let rows = 0;
  const outcome = await planCanvasSis(deps, {
    record,
    open: () => {
      throw new Error('a zip is not read as one CSV');
    },
    add: async (entry) => {
      planned.push(entry);
    },
    rowRead: () => {
      rows++;
    },
  });
  return { entries: planned, rows, ...outcome };
}

/** Each entry as its file, line, action and key, then its error (column, reason) or warnings. */
const summary = (entries: Omit<StoredPlanEntry, 'seq'>[]) =>
  entries.map((entry) => [
    entry.file,
    entry.line,
    entry.action,
    entry.target.kind,
    entry.target.key,
    ...(entry.error ? [entry.error.column, entry.error.reason] : []),
    ...(entry.warnings ?? []),
  ]);

describe('planning a Canvas SIS zip', () => {
  it('plans the docs sample set: departments, terms on courses, people, courses, enrollments', async () => {
    // Act
    const { entries, warnings, rows, scope } = await plan(filesOf(SAMPLES).reverse());

    // Assess
    expect(summary(entries)).toEqual([
      ['accounts.csv', 2, 'create', 'department', 'HUM'],
      ['accounts.csv', 3, 'create', 'department', 'HUM-ENG'],
      ['accounts.csv', 4, 'create', 'department', 'SCI'],
      ['terms.csv', 2, 'unchanged', 'term', 'T2026S'],
      [
        'terms.csv',
        3,
        'unchanged',
        'term',
        'T2026F',
        'start_date 2026-9-01 00:00:00-05:00 is not ISO 8601 (YYYY-MM-DD): read as 2026-09-01',
      ],
      ['users.csv', 2, 'create', 'user', 'avery.stone@example.edu'],
      ['users.csv', 3, 'create', 'user', 'blake.oneil@example.edu'],
      ['users.csv', 4, 'create', 'user', 'casey.rivera@example.edu'],
      ['courses.csv', 2, 'create', 'course', 'ENG-101-S26'],
      ['courses.csv', 3, 'create', 'course', 'SCI-200-F26'],
      ['sections.csv', 2, 'create', 'cohort', 'ENG-101-S26-A'],
      ['enrollments.csv', 2, 'enroll', 'enrollment', 'S-1001/ENG-101-S26'],
      ['enrollments.csv', 2, 'create', 'membership', 'ENG-101-S26-A/S-1001'],
      ['enrollments.csv', 3, 'enroll', 'enrollment', 'S-1002/ENG-101-S26'],
      ['enrollments.csv', 3, 'create', 'membership', 'ENG-101-S26-A/S-1002'],
      ['enrollments.csv', 4, 'complete', 'enrollment', 'S-1002/SCI-200-F26'],
      [
        'enrollments.csv',
        5,
        'unchanged',
        'enrollment',
        'T-2001/ENG-101-S26',
        "role teacher: not imported (this LMS enrolls learners; a course's teachers are its owners, given through the API)",
      ],
    ]);
    const course = entries.find((entry) => entry.target.key === 'ENG-101-S26')?.write;
    expect(course?.op === 'course' && course.after).toMatchObject({
      code: 'ENG-101-S26',
      title: 'English 101: Reading, Writing and "Rhetoric"',
      status: 'draft',
      customFields: {
        short_name: 'ENG101',
        canvas_account: 'HUM-ENG',
        term: 'Spring 2026',
        term_start: '2026-01-12',
        term_end: '2026-05-29',
      },
    });
    const lab = entries.find((entry) => entry.target.key === 'SCI-200-F26')?.write;
    expect(lab?.op === 'course' && [lab.after.status, lab.after.customFields]).toEqual([
      'published',
      {
        short_name: 'SCI200',
        canvas_account: 'SCI',
        term: 'Fall 2026',
        term_start: '2026-09-01',
        term_end: '2026-12-18',
      },
    ]);
    // The enrollments name the people and courses the zip creates
    const avery = entries.find((entry) => entry.target.key === 'avery.stone@example.edu')?.target;
    const english = entries.find((entry) => entry.target.key === 'ENG-101-S26')?.target;
    const enrolled = entries.find((entry) => entry.target.key === 'S-1001/ENG-101-S26')?.write;
    expect(enrolled?.op === 'enrollment' && [enrolled.after.userId, enrolled.after.courseId]).toEqual([
      avery?.id,
      english?.id,
    ]);
    const done = entries.find((entry) => entry.target.key === 'S-1002/SCI-200-F26')?.write;
    expect(
      done?.op === 'enrollment' && [done.after.status, done.after.completedAt, done.enrolledFirst?.status],
    ).toEqual(['completed', NOW, 'enrolled']);
    // The section is a static cohort keyed by its id, which its students join
    const section = entries.find((entry) => entry.target.key === 'ENG-101-S26-A');
    expect(section?.write?.op === 'cohort' && section.write.after).toMatchObject({
      name: 'Section A (ENG-101-S26)',
      kind: 'static',
      externalId: 'ENG-101-S26-A',
      memberCount: 0,
    });
    expect(section?.diffs).toEqual({
      name: { from: null, to: 'Section A (ENG-101-S26)' },
      externalId: { from: null, to: 'ENG-101-S26-A' },
    });
    const joined = entries.find((entry) => entry.target.key === 'ENG-101-S26-A/S-1001');
    expect(joined?.write?.op === 'membership' && joined.write.after).toEqual({
      cohortId: section?.target.id,
      userId: avery?.id,
      via: 'static',
      addedAt: NOW,
      addedBy: 'import:11111111-1111-4111-8111-111111111111',
    });
    expect(joined?.diffs).toEqual({ cohort: { from: null, to: 'Section A (ENG-101-S26)' } });
    expect(warnings).toEqual([]);
    expect(rows).toBe(15);
    expect(scope).toBe(3);
  });

  it('refuses each bad row of each file with its file, line, column and reason, and plans the rest', async () => {
    // Prepare: Ada is in the LMS already; the rest is new
    const ada = {
      id: 'a0000000-0000-4000-8000-000000000001',
      email: 'ada@example.com',
      givenName: 'Ada',
      familyName: 'Lovelace',
      departmentId: null,
      managerId: null,
      jobTitle: null,
      location: null,
      externalId: 'U-ADA',
      hireDate: null,
      customAttributes: {},
      status: 'active',
      createdAt: NOW,
      updatedAt: NOW,
      version: 1,
    } as unknown as User;
    const entries: ZipEntry[] = [
      {
        name: 'terms.csv',
        data: 'term_id,name,status,start_date,end_date\nT1,Term 1,active,2026-03-01,2026-02-01\nT2,Term 2,active,,\nT2,Again,active,,\n',
      },
      {
        name: 'users.csv',
        data: 'user_id,login_id,first_name,last_name,email,status\nU1,u1,Uma,One,uma@example.com,active\n',
      },
      {
        name: 'courses.csv',
        data: 'course_id,short_name,long_name,account_id,term_id,status,start_date\nC1,C1,Course one,A9,T1,active,\nC2,C2,Course two,,T2,deleted,\n,C3,No code,,,active,\nC4,C4,Course four,,,closed,\nC5,C5,Course five,,,active,2026-3-1\n',
      },
      {
        name: 'sections.csv',
        data: 'section_id,course_id,name,status\nS1,C1,Section 1,active\nS1,C1,Again,active\n',
      },
      {
        name: 'enrollments.csv',
        data: [
          'course_id,user_id,role,section_id,status',
          'C1,U1,student,S1,active',
          'C1,U-ADA,student,,inactive',
          'C1,U404,student,,active',
          'C404,U1,student,,active',
          ',U1,student,S9,active',
          'C1,U1,student,,active',
          'C2,U-ADA,student,,lost',
          'C2,U-ADA,student,SX,active',
        ].join('\n'),
      },
      {
        name: 'groups.csv',
        data: 'group_id,account_id,name,status\nG1,,Group1,available\nG1,,Group2,available\n',
      },
    ];

    // Act
    const { entries: planned, warnings } = await plan(entries, { people: [ada] });

    // Assess
    expect(summary(planned)).toEqual([
      [
        'terms.csv',
        2,
        'error',
        'term',
        '',
        'end_date',
        'the term ends (2026-02-01) before it starts (2026-03-01)',
      ],
      ['terms.csv', 3, 'unchanged', 'term', 'T2'],
      [
        'terms.csv',
        4,
        'error',
        'term',
        '',
        'term_id',
        'term_id T2 is that of line 3 already: one row per term',
      ],
      ['users.csv', 2, 'create', 'user', 'uma@example.com'],
      [
        'courses.csv',
        2,
        'create',
        'course',
        'C1',
        "account_id A9 is in no row of the zip's accounts.csv: kept as canvas_account, unchecked",
        "term_id T1 is in no row of the zip's terms.csv: the course is imported without a term",
      ],
      ['courses.csv', 3, 'create', 'course', 'C2', 'status deleted: archived (an import deletes no course)'],
      ['courses.csv', 4, 'error', 'course', '', 'course_id', 'the course code is required'],
      [
        'courses.csv',
        5,
        'error',
        'course',
        '',
        'status',
        '"closed" is not a status: active, published, completed, deleted',
      ],
      [
        'courses.csv',
        6,
        'create',
        'course',
        'C5',
        'start_date 2026-3-1 is not ISO 8601 (YYYY-MM-DD): read as 2026-03-01',
      ],
      ['sections.csv', 2, 'create', 'cohort', 'S1'],
      [
        'sections.csv',
        3,
        'error',
        'cohort',
        '',
        'section_id',
        'section_id S1 is that of line 2 already: one row per section',
      ],
      ['enrollments.csv', 2, 'enroll', 'enrollment', 'U1/C1'],
      ['enrollments.csv', 2, 'create', 'membership', 'S1/U1'],
      ['enrollments.csv', 3, 'unchanged', 'enrollment', 'U-ADA/C1', 'not enrolled in this course'],
      [
        'enrollments.csv',
        4,
        'error',
        'enrollment',
        '',
        'user_id',
        "no person with the user_id U404 in the zip's users.csv or in this LMS",
      ],
      [
        'enrollments.csv',
        5,
        'error',
        'enrollment',
        '',
        'course_id',
        "no course C404 in the zip's courses.csv or in this LMS",
      ],
      [
        'enrollments.csv',
        6,
        'error',
        'enrollment',
        '',
        'section_id',
        "section_id S9 is in no row of the zip's sections.csv, and the row has no course_id: no course to enroll in",
      ],
      [
        'enrollments.csv',
        7,
        'error',
        'enrollment',
        '',
        'user_id',
        'U1 is in C1 on line 2 already: one row per person and course',
      ],
      [
        'enrollments.csv',
        8,
        'error',
        'enrollment',
        '',
        'status',
        '"lost" is not a status: active, deleted, completed, inactive',
      ],
      [
        'enrollments.csv',
        9,
        'error',
        'enrollment',
        '',
        'course_id',
        'Course two is archived: it takes no new enrollments',
        "section_id SX is in no row of the zip's sections.csv: enrolled in the course C2, without the section",
      ],
      [
        'groups.csv',
        3,
        'error',
        'group',
        '',
        'group_id',
        'group_id G1 is that of line 2 already: Canvas takes one row per group (groups.csv is not imported here)',
      ],
    ]);
    expect(warnings).toEqual([
      "groups.csv: Canvas's groups.csv (groups) has no place in this LMS, not imported.",
    ]);
  });

  it('imports sections into the cohorts the LMS holds by external id, and refuses a rule cohort, a taken name, a missing course', async () => {
    // Prepare: Uma and Ugo, the courses C1 and C2, cohorts: S1's (Uma is in it), a rule cohort with S2's id,
    // and one named as S3's would be
    const person = (id: string, externalId: string) =>
      ({ id, email: `${externalId}@example.com`, externalId, status: 'active' }) as unknown as User;
    const course = (id: string, code: string) =>
      ({ id, code, title: code, status: 'published', capacity: null }) as unknown as Course;
    const cohort = (id: string, name: string, externalId: string | null, kind: Cohort['kind'] = 'static') =>
      ({ id, name, externalId, kind, rule: null, memberCount: 1, version: 3 }) as unknown as Cohort;
    const uma = person('p-uma', 'U1');
    const ugo = person('p-ugo', 'U2');
    const cohorts = [
      cohort('c-s1', 'Old section one', 'S1'),
      cohort('c-rule', 'Everyone in sales', 'S2', 'rule'),
      cohort('c-named', 'Section 3 (C1)', null),
    ];
    const members: CohortMember[] = [
      { cohortId: 'c-s1', userId: 'p-uma', via: 'static', addedAt: NOW, addedBy: 'admin' },
    ];
    const entries: ZipEntry[] = [
      {
        name: 'sections.csv',
        data: [
          'section_id,course_id,name,status',
          'S1,C1,Section 1,active',
          'S2,C1,Section 2,active',
          'S3,C1,Section 3,active',
          'S4,C9,Section 4,active',
          'S5,C1,Section 5,deleted',
          'S6,C2,Section 6,active',
          'S7,C2,Section 6,active',
        ].join('\n'),
      },
      {
        name: 'enrollments.csv',
        data: [
          'course_id,user_id,role,section_id,status',
          'C1,U1,student,S1,active',
          'C1,U2,student,S1,active',
          ',U2,student,S6,active',
          ',U1,teacher,S6,active',
        ].join('\n'),
      },
    ];

    // Act
    const { entries: planned } = await plan(entries, {
      people: [uma, ugo],
      courses: [course('k-1', 'C1'), course('k-2', 'C2')],
      cohorts,
      members,
    });

    // Assess
    expect(summary(planned)).toEqual([
      ['sections.csv', 2, 'unchanged', 'cohort', 'S1'],
      [
        'sections.csv',
        3,
        'error',
        'cohort',
        '',
        'section_id',
        "the cohort Everyone in sales has the external id S2, and is a rule cohort: its members follow its rule, not the section's enrollments",
      ],
      [
        'sections.csv',
        4,
        'error',
        'cohort',
        '',
        'name',
        "a cohort is named Section 3 (C1) already (without this section's id): give it the external id S3 to import the section into it, or rename it",
      ],
      [
        'sections.csv',
        5,
        'error',
        'cohort',
        '',
        'course_id',
        "no course C9 in the zip's courses.csv or in this LMS: the section is not imported",
      ],
      ['sections.csv', 6, 'unchanged', 'cohort', 'S5', 'deleted in Canvas: not imported'],
      ['sections.csv', 7, 'create', 'cohort', 'S6'],
      [
        'sections.csv',
        8,
        'error',
        'cohort',
        '',
        'name',
        'line 7 makes a cohort named Section 6 (C2) already: give the section another name',
      ],
      // Uma is in S1's cohort already: enrolled only; Ugo joins it
      ['enrollments.csv', 2, 'enroll', 'enrollment', 'U1/C1'],
      ['enrollments.csv', 3, 'enroll', 'enrollment', 'U2/C1'],
      ['enrollments.csv', 3, 'create', 'membership', 'S1/U2'],
      ['enrollments.csv', 4, 'enroll', 'enrollment', 'U2/C2'],
      ['enrollments.csv', 4, 'create', 'membership', 'S6/U2'],
      [
        'enrollments.csv',
        5,
        'unchanged',
        'enrollment',
        'U1/C2',
        "role teacher: not imported (this LMS enrolls learners; a course's teachers are its owners, given through the API)",
      ],
    ]);
    const s1 = planned.find((entry) => entry.target.key === 'S1/U2');
    expect(s1?.target.id).toBe('c-s1');
    expect(s1?.diffs).toEqual({ cohort: { from: null, to: 'Old section one' } });
    const s6 = planned.find((entry) => entry.target.key === 'S6');
    const joined = planned.find((entry) => entry.target.key === 'S6/U2')?.write;
    expect(joined?.op === 'membership' && [joined.after.cohortId, joined.after.userId]).toEqual([
      s6?.target.id,
      'p-ugo',
    ]);
  });

  it('fails the plan naming the file whose header lacks a column it needs', async () => {
    // Act
    const failure = plan([
      { name: 'people.csv', data: 'user_id,login_id,status\nU1,u1,active\n' },
      { name: 'c.csv', data: 'course_id,short_name,long_name\nC1,C1,Course\n' },
    ]);

    // Assess
    await expect(failure).rejects.toMatchObject({
      code: 'columns',
      message: expect.stringMatching(/^c\.csv: The header lacks status/),
    });
  });

  it.skipIf(!hasCorpus)(
    "plans the corpus's Canvas samples: each problem on its row, the rest imported",
    async () => {
      // Act
      const { entries, warnings } = await plan(filesOf(CANVAS_CORPUS));

      // Assess
      expect(summary(entries)).toEqual([
        ['accounts.csv', 2, 'create', 'department', 'A001'],
        ['accounts.csv', 3, 'create', 'department', 'A002'],
        ['accounts.csv', 4, 'create', 'department', 'A003'],
        ['terms.csv', 2, 'unchanged', 'term', 'T001'],
        [
          'terms.csv',
          3,
          'unchanged',
          'term',
          'T002',
          'start_date 2013-1-03 00:00:00 is not ISO 8601 (YYYY-MM-DD): read as 2013-01-03',
        ],
        ['terms.csv', 4, 'unchanged', 'term', 'T003'],
        ['users.csv', 2, 'create', 'user', 'bob.smith@myschool.edu'],
        ['users.csv', 3, 'create', 'user', 'john.doe@myschool.edu'],
        ['users.csv', 4, 'create', 'user', 'peggy.sue@myschool.edu'],
        ['courses.csv', 2, 'create', 'course', 'E411208'],
        [
          'courses.csv',
          3,
          'create',
          'course',
          'R001104',
          "account_id A004 is in no row of the zip's accounts.csv: kept as canvas_account, unchecked",
          "term_id Fall2011 is in no row of the zip's terms.csv: the course is imported without a term",
        ],
        ['courses.csv', 4, 'create', 'course', 'A110035'],
        ['sections.csv', 2, 'create', 'cohort', 'S001'],
        ['sections.csv', 3, 'create', 'cohort', 'S002'],
        ['sections.csv', 4, 'create', 'cohort', 'S003'],
        [
          'enrollments.csv',
          2,
          'enroll',
          'enrollment',
          '01103/E411208',
          "section_id 1B is in no row of the zip's sections.csv: enrolled in the course E411208, without the section",
        ],
        [
          'enrollments.csv',
          3,
          'enroll',
          'enrollment',
          '13834/E411208',
          "section_id 2A is in no row of the zip's sections.csv: enrolled in the course E411208, without the section",
        ],
        [
          'enrollments.csv',
          4,
          'unchanged',
          'enrollment',
          '13aa3/E411208',
          "section_id 2A is in no row of the zip's sections.csv: enrolled in the course E411208, without the section",
          "role teacher: not imported (this LMS enrolls learners; a course's teachers are its owners, given through the API)",
        ],
        [
          'groups.csv',
          3,
          'error',
          'group',
          '',
          'group_id',
          'group_id G411208 is that of line 2 already: Canvas takes one row per group (groups.csv is not imported here)',
        ],
        [
          'groups.csv',
          4,
          'error',
          'group',
          '',
          'group_id',
          'group_id G411208 is that of line 2 already: Canvas takes one row per group (groups.csv is not imported here)',
        ],
        [
          'xlists.csv',
          4,
          'error',
          'cross-listing',
          '',
          'section_id',
          'section_id 2A is that of line 3 already: Canvas takes one row per cross-listing (xlists.csv is not imported here)',
        ],
      ]);
      const spring = entries.find((entry) => entry.target.key === 'T002');
      expect(spring?.error).toBeUndefined();
      expect(warnings).toEqual([
        "groups.csv: Canvas's groups.csv (groups) has no place in this LMS, not imported.",
        "groups_membership.csv: Canvas's groups_membership.csv (group memberships) has no place in this LMS, not imported.",
        "user_observers.csv: Canvas's user_observers.csv (observers) has no place in this LMS, not imported.",
        "xlists.csv: Canvas's xlists.csv (cross-listings) has no place in this LMS, not imported.",
        'users.csv: The password and ssha_password columns are ignored: no password from the file is stored. People sign in through the LMS (single sign-on, or a password they set themselves).',
        'sections.csv: Canvas section columns with no place in this LMS, not imported: start_date, end_date.',
      ]);
    },
  );
});
