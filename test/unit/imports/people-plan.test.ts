/**
 * Planning Moodle and Canvas people files against an in-memory LMS: who each row is (Moodle's username as
 * Moodle would find people, renames, an id that only looks the same), duplicates in the file, deletions,
 * and the file's warnings. The planner is the one the plan step runs; only its ports are fakes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Course } from '../../../shared/domain/course.ts';
import type { Department } from '../../../shared/domain/department.ts';
import type { Enrollment } from '../../../shared/domain/enrollment.ts';
import { type ImportFormat, ImportOptions } from '../../../shared/domain/import.ts';
import type { User } from '../../../shared/domain/user.ts';
import { readCsv } from '../../../shared/imports/csv.ts';
import { planPeople } from '../../../shared/use-cases/imports/people.ts';
import type {
  ImportFiles,
  ImportRepository,
  PlanDeps,
  StoredPlanEntry,
} from '../../../shared/use-cases/imports/ports.ts';
import { importRecord } from '../../support/import-record.ts';

const NOW = '2026-01-15T10:00:00.000Z';

/** A person of the LMS, as stored. */
function person(n: number, fields: Partial<User>): User {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    email: `person${n}@example.com`,
    givenName: 'Given',
    familyName: `Family${n}`,
    departmentId: null,
    managerId: null,
    jobTitle: null,
    location: null,
    externalId: null,
    hireDate: null,
    customAttributes: {},
    status: 'active',
    suspendedAt: null,
    suspensionReason: null,
    stickyFields: [],
    linkedLogin: null,
    scim: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    version: 1,
    ...fields,
  };
}

/** A department of the LMS, under its ancestors. */
function department(n: number, name: string, ancestorIds: string[] = []): Department {
  return {
    id: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
    name,
    parentId: ancestorIds.at(-1) ?? null,
    managerId: null,
    ancestorIds,
    memberCount: 0,
    childCount: 0,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    version: 1,
  };
}

/** A course of the catalog, with its Moodle shortname as code. */
function course(n: number, code: string, fields: Partial<Course> = {}): Course {
  return {
    id: `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`,
    title: `Course ${code}`,
    code,
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
    status: 'published',
    currentContentVersion: null,
    accessibilityWaiver: null,
    publishedAt: '2025-01-01T00:00:00.000Z',
    archivedAt: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    version: 1,
    ...fields,
  };
}

/** An enrollment of the LMS, made by hand by an administrator. */
function enrollment(courseId: string, userId: string, fields: Partial<Enrollment> = {}): Enrollment {
  return {
    courseId,
    userId,
    status: 'enrolled',
    sources: [{ source: 'manual', actor: 'admin', reference: 'request', at: '2025-06-01T00:00:00.000Z' }],
    enrolledAt: '2025-06-01T00:00:00.000Z',
    dueAt: null,
    overdueAt: null,
    completedAt: null,
    expiresAt: null,
    recertifyAt: null,
    score: null,
    timeSpentSeconds: 0,
    completionOrigin: null,
    contentVersion: null,
    history: [{ status: 'enrolled', at: '2025-06-01T00:00:00.000Z', by: 'admin', reason: null }],
    version: 1,
    ...fields,
  };
}

/** Plans `file` against `people` (and the courses and enrollments rows may name); answers the entries
 * (without the stored row and write) and warnings. */
async function plan(
  format: ImportFormat,
  people: User[],
  file: string,
  departments: Department[] = [],
  lms: { courses?: Course[]; enrollments?: Enrollment[]; seatsTaken?: number; timezone?: string } = {},
) {
  const deps: PlanDeps = {
    imports: {} as ImportRepository,
    files: {} as ImportFiles,
    peopleBulk: {
      current: async (ids) =>
        new Map(people.filter((p) => ids.includes(p.id)).map((p) => [p.id, p] as const)),
      owners: async (kind, values) => {
        const owners = new Map<string, string>();
        for (const value of values) {
          const owner = people.find((p) => (kind === 'email' ? p.email : p.externalId) === value);
          if (owner) owners.set(value, owner.id);
        }
        return owners;
      },
    },
    // Moodle's course columns read courses by code, their seats, and the people's enrollments in them.
    enrollmentBulk: {
      current: async (pairs) =>
        new Map(
          (lms.enrollments ?? [])
            .filter((e) => pairs.some((p) => p.courseId === e.courseId && p.userId === e.userId))
            .map((e) => [`${e.courseId}/${e.userId}`, e] as const),
        ),
    },
    enrollments: {
      seatsTaken: async () => lms.seatsTaken ?? 0,
      listForCourse: async () => ({ items: [], nextCursor: null }),
    },
    // A people file reads no course records, nor their content.
    courseBulk: {} as PlanDeps['courseBulk'],
    // No cohort yet: a cohort a Moodle row names is made
    businessMetricBulk: {} as PlanDeps['businessMetricBulk'],
    cohortBulk: {
      current: async () => new Map(),
      owners: async () => new Map(),
      members: async () => new Map(),
    },
    content: {} as PlanDeps['content'],
    catalog: {
      listCategories: async () => [],
      getCourses: async () => [],
      listCourses: async (filter) => ({
        items: (lms.courses ?? []).filter((c) => c.code?.toLowerCase() === filter.code?.toLowerCase()),
        nextCursor: null,
      }),
    },
    departments: { list: async () => ({ items: departments, nextCursor: null }) },
    users: {
      list: async (filter) => ({
        items: people.filter((p) => !filter.status || p.status === filter.status),
        nextCursor: null,
      }),
    },
    runtime: { now: () => new Date(NOW), newId: () => 'unused' },
  };
  const record = importRecord({
    format,
    fileName: 'users.csv',
    sizeBytes: file.length,
    options: ImportOptions.parse(lms.timezone ? { timezone: lms.timezone } : {}),
    createdAt: NOW,
    version: 2,
  });
  const entries: Omit<StoredPlanEntry, 'seq'>[] = [];
  const outcome = await planPeople(deps, {
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
  return {
    warnings: outcome.warnings,
    stored: entries,
    entries: entries.map(({ line, action, error, diffs, target }) =>
      action === 'error' ? { line, action, ...error } : { line, action, key: target.key, diffs },
    ),
  };
}

describe('planning a Moodle file: who each row is', () => {
  it('finds a person by their username when their email changed in Moodle, as Moodle would', async () => {
    // Prepare
    const jo = person(1, {
      email: 'jo.old@example.com',
      externalId: 'jdoe',
      customAttributes: { moodle_username: 'jdoe' },
    });
    // Act
    const { entries } = await plan('moodle', [jo], 'username,email\njdoe,jo.new@example.com\n');
    // Assess
    expect(entries).toEqual([
      {
        line: 2,
        action: 'update',
        key: 'jo.new@example.com',
        diffs: { email: { from: 'jo.old@example.com', to: 'jo.new@example.com' } },
      },
    ]);
  });

  it('gives the username as external id to a person who has none, and leaves one from elsewhere', async () => {
    // Prepare: Kim has an HR id; Lee, created through the API, has none
    const kim = person(2, { email: 'kim@example.com', externalId: 'HR-7' });
    const lee = person(3, { email: 'lee@example.com' });
    // Act
    const { entries } = await plan(
      'moodle',
      [kim, lee],
      'username,email,firstname,lastname\nkim,kim@example.com,,\nlee,lee@example.com,,\nmo,mo@example.com,Mo,Moss\n',
    );
    // Assess
    expect(entries).toEqual([
      {
        line: 2,
        action: 'update',
        key: 'kim@example.com',
        diffs: { customAttributes: { from: {}, to: { moodle_username: 'kim' } } },
      },
      {
        line: 3,
        action: 'update',
        key: 'lee@example.com',
        diffs: {
          externalId: { from: null, to: 'lee' },
          customAttributes: { from: {}, to: { moodle_username: 'lee' } },
        },
      },
      {
        line: 4,
        action: 'create',
        key: 'mo@example.com',
        diffs: {
          email: { from: null, to: 'mo@example.com' },
          givenName: { from: null, to: 'Mo' },
          familyName: { from: null, to: 'Moss' },
          externalId: { from: null, to: 'mo' },
          customAttributes: { from: null, to: { moodle_username: 'mo' } },
          status: { from: null, to: 'active' },
        },
      },
    ]);
  });

  it('refuses a second Moodle account for one person, as Moodle refuses a duplicate email', async () => {
    // Prepare
    const max = person(4, { email: 'max@example.com', customAttributes: { moodle_username: 'max' } });
    // Act
    const { entries } = await plan('moodle', [max], 'username,email\nmaxi,max@example.com\n');
    // Assess
    expect(entries).toEqual([
      {
        line: 2,
        action: 'error',
        column: 'username',
        reason:
          'max@example.com is the Moodle username max already: one account per person (to rename, give oldusername)',
      },
    ]);
  });

  it('refuses a person found only because their external id looks like the username', async () => {
    // Prepare: an HR id "pat" that belongs to someone Moodle does not know
    const pat = person(5, { email: 'pat.hr@example.com', externalId: 'pat' });
    // Act
    const { entries } = await plan(
      'moodle',
      [pat],
      'username,email,firstname,lastname\npat,pat@moodle.example.com,Pat,Moodle\n',
    );
    // Assess
    expect(entries).toEqual([
      {
        line: 2,
        action: 'error',
        column: 'username',
        reason:
          "the external id pat is pat.hr@example.com's, who is not the Moodle username pat: give the row that person's email",
      },
    ]);
  });

  it('renames with oldusername, and refuses a rename of no one or onto someone else', async () => {
    // Prepare
    const nia = person(6, {
      email: 'nia@example.com',
      externalId: 'old.name',
      customAttributes: { moodle_username: 'old.name' },
    });
    const taken = person(7, {
      email: 't@example.com',
      externalId: 'taken',
      customAttributes: { moodle_username: 'taken' },
    });
    const source = person(8, {
      email: 's@example.com',
      externalId: 'src',
      customAttributes: { moodle_username: 'src' },
    });
    const file = [
      'username,email,oldusername',
      'new.name,nia@example.com,old.name',
      'ghost.new,ghost@example.com,ghost.old',
      'taken,moved@example.com,src',
    ].join('\n');
    // Act
    const { entries } = await plan('moodle', [nia, taken, source], file);
    // Assess
    expect(entries).toEqual([
      {
        line: 2,
        action: 'update',
        key: 'nia@example.com',
        diffs: {
          externalId: { from: 'old.name', to: 'new.name' },
          customAttributes: { from: { moodle_username: 'old.name' }, to: { moodle_username: 'new.name' } },
        },
      },
      {
        line: 3,
        action: 'error',
        column: 'oldusername',
        reason: "no person is the Moodle username ghost.old, nor has this row's email: nothing to rename",
      },
      {
        line: 4,
        action: 'error',
        column: 'oldusername',
        reason: 'the Moodle username taken is another person already: src cannot be renamed to it',
      },
    ]);
  });

  it('suspends a deleted user, and refuses the deletion of someone who is not there', async () => {
    // Prepare
    const quinn = person(9, { email: 'quinn@example.com', customAttributes: { moodle_username: 'quinn' } });
    // Act
    const { entries } = await plan(
      'moodle',
      [quinn],
      'username,email,firstname,lastname,deleted\nquinn,quinn@example.com,,,1\nrob,rob@example.com,Rob,Roe,1\n',
    );
    // Assess: suspended, never removed
    expect(entries).toMatchObject([
      {
        line: 2,
        action: 'suspend',
        diffs: { status: { from: 'active', to: 'suspended' }, externalId: { from: null, to: 'quinn' } },
      },
      {
        line: 3,
        action: 'error',
        column: 'deleted',
        reason:
          'no person with this username or email to delete (a deleted Moodle user is suspended here, never removed)',
      },
    ]);
  });
});

describe('planning a Moodle file: departments', () => {
  it('finds a department by its name anywhere in the tree, and refuses a name that is no one’s or two’s', async () => {
    // Prepare: Sales > Sales EMEA, and two departments named Support
    const sales = department(1, 'Sales');
    const emea = department(2, 'Sales EMEA', [sales.id]);
    const support = [department(3, 'Support'), department(4, 'Support', [sales.id])];
    const file = [
      'username,email,firstname,lastname,department',
      'ann,ann@example.com,Ann,A,sales emea',
      'ben,ben@example.com,Ben,B,Sales/Sales EMEA',
      'cat,cat@example.com,Cat,C,Marketing',
      'dan,dan@example.com,Dan,D,Support',
    ].join('\n');
    // Act
    const { entries } = await plan('moodle', [], file, [sales, emea, ...support]);
    // Assess
    expect(entries.map((entry) => ('diffs' in entry ? entry.diffs?.departmentId?.to : entry.reason))).toEqual(
      [
        emea.id,
        emea.id,
        'no department named Marketing',
        'two departments are named Support: give its path (Sales/Sales EMEA)',
      ],
    );
    expect(entries.slice(2).map((entry) => ('column' in entry ? entry.column : null))).toEqual([
      'department',
      'department',
    ]);
  });
});

describe('planning a Moodle file: rows that repeat someone, and the file’s warnings', () => {
  it('refuses a username, an email or an id already on an earlier line, naming that line', async () => {
    // Prepare
    const file = [
      'username,email,firstname,lastname,idnumber',
      'sam,sam1@example.com,Sam,One,',
      'sam,sam2@example.com,Sam,Two,',
      'tia,sam1@example.com,Tia,Three,',
      'uma,uma@example.com,Uma,Four,sam',
      'vic,vic@example.com,,,',
    ].join('\n');
    // Act
    const { entries } = await plan('moodle', [], file);
    // Assess
    expect(
      entries.map((entry) => [entry.line, entry.action, 'column' in entry ? entry.column : null]),
    ).toEqual([
      [2, 'create', null],
      [3, 'error', 'username'],
      [4, 'error', 'email'],
      [5, 'error', 'idnumber'],
      [6, 'error', 'firstname'],
    ]);
    expect(entries.slice(1).map((entry) => ('reason' in entry ? entry.reason : null))).toEqual([
      'the username sam is also on line 2: one row per person',
      'sam1@example.com is also on line 2: one row per person',
      'the external id sam is also on line 2',
      'a new person needs a given name and a family name',
    ]);
  });

  it('warns once each about unknown columns, the password and fields it does not keep; makes the cohort a row names', async () => {
    // Act
    const { warnings, entries, stored } = await plan(
      'moodle',
      [],
      'username,email,firstname,lastname,password,course1,role1,cohort1,emailstop,favourite_colour\nwin,win@example.com,Win,Wu,secret,math102,student,ASD,1,blue\nwin,win2@example.com,Win,Two,secret2,,,,,\n',
      [],
      { courses: [course(1, 'math102')] },
    );
    // Assess
    expect(warnings).toEqual([
      'Columns not imported (unknown to this format): favourite_colour.',
      'The password column is ignored: no password from the file is stored. People sign in through the LMS (single sign-on, or a password they set themselves).',
      "Moodle columns with no place in this LMS's profiles, not imported: emailstop.",
    ]);
    expect(entries.map((entry) => [entry.action, entry.key])).toEqual([
      ['create', 'win@example.com'],
      ['enroll', 'win@example.com/math102'],
      ['create', 'ASD'],
      ['create', 'ASD/win@example.com'],
      ['error', undefined],
    ]);
    const made = stored.find((entry) => entry.target.kind === 'cohort')?.write;
    expect(made?.op === 'cohort' && made.after).toMatchObject({
      name: 'ASD',
      externalId: 'ASD',
      kind: 'static',
    });
    // The rejected row is kept for errors.csv as the file had it, but for its password
    expect(stored[4]?.raw).toEqual(['win', 'win2@example.com', 'Win', 'Two', '', '', '', '', '', '']);
    expect(JSON.stringify(stored)).not.toContain('secret');
  });

  it('refuses a person who would have more than 50 custom attributes', async () => {
    // Prepare: 50 profile fields and the username make 51
    const fields = Array.from({ length: 50 }, (_, n) => `profile_field_f${n}`);
    const file = `username,email,firstname,lastname,${fields.join(',')}\nxi,xi@example.com,Xi,Xu,${fields.map(() => 'v').join(',')}\n`;
    // Act
    const { entries } = await plan('moodle', [], file);
    // Assess
    expect(entries).toEqual([
      { line: 2, action: 'error', column: null, reason: '51 custom attributes: a person has at most 50' },
    ]);
  });
});

describe('planning a Canvas users.csv', () => {
  it('finds people by user_id, suspends the deleted, refuses a repeated login_id, and warns once about passwords', async () => {
    // Prepare
    const bob = person(10, {
      email: 'bob.smith@myschool.edu',
      externalId: '01103',
      givenName: 'Bob',
      familyName: 'Smith',
    });
    const file = [
      'user_id,login_id,password,ssha_password,first_name,last_name,email,status',
      '01103,bsmith01,,,Bob,Smith,bob.smith@myschool.edu,deleted',
      '13834,jdoe03,pw,,John,Doe,john.doe@myschool.edu,active',
      '13aa3,JDOE03,,,Peggy,Sue,peggy.sue@myschool.edu,active',
      '99999,gone01,,,Gone,User,gone@myschool.edu,deleted',
    ].join('\n');
    // Act
    const { warnings, entries } = await plan('canvas', [bob], file);
    // Assess
    expect(warnings).toEqual([
      'The password and ssha_password columns are ignored: no password from the file is stored. People sign in through the LMS (single sign-on, or a password they set themselves).',
    ]);
    expect(entries).toMatchObject([
      {
        line: 2,
        action: 'suspend',
        key: 'bob.smith@myschool.edu',
        diffs: { status: { from: 'active', to: 'suspended' } },
      },
      {
        line: 3,
        action: 'create',
        key: 'john.doe@myschool.edu',
        diffs: { externalId: { from: null, to: '13834' } },
      },
      {
        line: 4,
        action: 'error',
        column: 'login_id',
        reason: 'the login_id jdoe03 is also on line 3: one row per person',
      },
      {
        line: 5,
        action: 'error',
        column: 'status',
        reason:
          'no person with this user_id or email to delete (a deleted Canvas user is suspended here, never removed)',
      },
    ]);
  });
});

const CORPUS = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'corpus', 'csv', 'moodle');
const hasCorpus = existsSync(CORPUS);
if (!hasCorpus)
  console.warn(
    `people plan: no corpus at ${CORPUS}; the Moodle enrolment file of the corpus is not planned (it sits beside the project in the team kit)`,
  );

/** An entry in short: line, action and whom, or the column and reason it was refused. */
const brief = (entry: {
  line: number;
  action: string;
  key?: string;
  column?: string | null;
  reason?: string;
}) =>
  entry.action === 'error'
    ? [entry.line, 'error', entry.column, entry.reason]
    : [entry.line, entry.action, entry.key];

describe('planning a Moodle file: its course columns', () => {
  const math = course(1, 'math102');
  const history = course(2, 'hist101');
  const full = course(3, 'full1', { capacity: 1 });
  const old = course(4, 'old1', { status: 'archived', archivedAt: '2025-12-01T00:00:00.000Z' });

  it.skipIf(!hasCorpus)(
    'plans the corpus file: an enrolment from a past start with no end, and one whose period ended long ago',
    async () => {
      // Act
      const { entries, stored } = await plan(
        'moodle',
        [],
        readFileSync(join(CORPUS, 'upload_users_enrol_date_period.csv'), 'utf8'),
        [],
        { courses: [math] },
      );
      // Assess: each person, then their enrollment on the same line
      expect(entries.map(brief)).toEqual([
        [2, 'create', 'student1@example.com'],
        [2, 'enroll', 'student1@example.com/math102'],
        [3, 'create', 'student2@example.com'],
        [3, 'error', 'enrolperiod1', '2020-01-12T00:00:00.000Z is in the past: a due date is in the future'],
      ]);
      expect(entries[1]).toMatchObject({ diffs: { status: { from: null, to: 'enrolled' } } });
      // The enrollment is of the person the row creates, as the plan names them
      expect(stored[1]?.write).toMatchObject({
        op: 'enrollment',
        before: null,
        after: {
          courseId: math.id,
          userId: stored[0]?.target.id,
          status: 'enrolled',
          dueAt: null,
          sources: [{ source: 'import', reference: 'import:11111111-1111-4111-8111-111111111111' }],
        },
        capacity: null,
      });
    },
  );

  it('enrolls, withdraws and refuses course by course, with the enrollments format’s rules', async () => {
    // Prepare: Bo is in math102 already, Dee in hist101; Cat is suspended; full1's one seat is taken
    const bo = person(1, { externalId: 'bo', customAttributes: { moodle_username: 'bo' } });
    const cat = person(2, {
      externalId: 'cat',
      customAttributes: { moodle_username: 'cat' },
      status: 'suspended',
    });
    const dee = person(3, { externalId: 'dee', customAttributes: { moodle_username: 'dee' } });
    const file = [
      'username,email,firstname,lastname,course1,enrolstatus1,enrolperiod1,enroltimestart1,group1,course2,role2,course3',
      'ann,ann@example.com,Ann,Ames,math102,,30,,Section 1,hist101,student,nosuch',
      'bo,person1@example.com,,,MATH102,,,,,hist101,teacher,math102',
      'dee,person3@example.com,,,hist101,1,,,,full1,,old1',
      'cat,person2@example.com,,,math102,,,,,,,',
      'eve,eve@example.com,Eve,Ek,math102,,,2026-02-01,,hist101,,',
      'guest,guest@example.com,Guest,User,math102,,,,,,,',
    ].join('\n');

    // Act
    const { entries, stored } = await plan('moodle', [bo, cat, dee], file, [], {
      courses: [math, history, full, old],
      enrollments: [
        enrollment(math.id, bo.id, { dueAt: '2026-06-01T00:00:00.000Z' }),
        enrollment(history.id, dee.id),
      ],
      seatsTaken: 1,
    });

    // Assess
    expect(entries.map(brief)).toEqual([
      [2, 'create', 'ann@example.com'],
      [2, 'enroll', 'ann@example.com/math102'],
      [2, 'enroll', 'ann@example.com/hist101'],
      [2, 'error', 'course3', "no course with the code nosuch (a Moodle shortname is a course's code here)"],
      [3, 'unchanged', 'person1@example.com'],
      [3, 'unchanged', 'person1@example.com/math102'],
      [
        3,
        'error',
        'role2',
        "teacher is a teaching role, not imported: enrollments here are learners'; a course's teachers are its owners, set on the course (ownerIds)",
      ],
      [3, 'error', 'course3', "math102 is course1's course already: once per row"],
      [4, 'unchanged', 'person3@example.com'],
      [4, 'withdraw', 'person3@example.com/hist101'],
      [4, 'error', 'course2', 'all 1 seats of Course full1 are taken'],
      [4, 'error', 'course3', 'Course old1 is archived: it takes no new enrollments'],
      [5, 'unchanged', 'person2@example.com'],
      [5, 'error', 'course1', 'person2@example.com is suspended: reactivate them first'],
      [6, 'create', 'eve@example.com'],
      [
        6,
        'error',
        'enroltimestart1',
        '2026-02-01T00:00:00.000Z is in the future: this LMS enrolls at once, so an enrolment that starts later is not imported (import the row on that day)',
      ],
      [6, 'enroll', 'eve@example.com/hist101'],
      [7, 'error', 'username', 'guest is Moodle’s guest account, not a person to import'],
    ]);
    // Ann's math102 is due 30 days from today's midnight, the group noted; Dee's hist101 withdrawn
    expect(stored[1]).toMatchObject({
      diffs: {
        status: { from: null, to: 'enrolled' },
        dueAt: { from: null, to: '2026-02-14T00:00:00.000Z' },
      },
      warnings: [
        'group1 Section 1 is not imported: this LMS has no course groups (the person is enrolled in math102 without it)',
      ],
    });
    expect(stored[9]).toMatchObject({
      diffs: { status: { from: 'enrolled', to: 'withdrawn' } },
      write: { op: 'enrollment', before: { version: 1 }, after: { status: 'withdrawn', version: 2 } },
    });
  });

  it('counts a course’s seats over the whole file, window after window', async () => {
    // Prepare: 101 new people (two windows of rows) for a course of 100 seats, 99 of them taken
    const rows = Array.from({ length: 101 }, (_, n) => `p${n},p${n}@example.com,P,N${n},cap1`);
    // Act
    const { entries } = await plan(
      'moodle',
      [],
      ['username,email,firstname,lastname,course1', ...rows].join('\n'),
      [],
      { courses: [course(5, 'cap1', { capacity: 100 })], seatsTaken: 99 },
    );
    // Assess: the first row takes the last seat; the others, in either window, find none
    const courseEntries = entries.filter((entry) => entry.action !== 'create');
    expect(courseEntries.slice(0, 2).map(brief)).toEqual([
      [2, 'enroll', 'p0@example.com/cap1'],
      [3, 'error', 'course1', 'all 100 seats of Course cap1 are taken'],
    ]);
    expect(courseEntries.at(-1)).toEqual({
      line: 102,
      action: 'error',
      column: 'course1',
      reason: 'all 100 seats of Course cap1 are taken',
    });
    expect(courseEntries.filter((entry) => entry.action === 'enroll')).toHaveLength(1);
  });

  it('counts a period from its start, or from today’s midnight at the import’s offset', async () => {
    // Act
    const { stored } = await plan(
      'moodle',
      [],
      'username,email,firstname,lastname,course1,enrolperiod1,course2,enroltimestart2,enrolperiod2\nfay,fay@example.com,Fay,Fu,math102,10,hist101,2026-01-10,30\n',
      [],
      { courses: [math, history], timezone: '+02:00' },
    );
    // Assess: today is 15 January at +02:00, which began at 22:00 UTC the day before
    expect(stored.slice(1).map((entry) => entry.diffs.dueAt?.to)).toEqual([
      '2026-01-24T22:00:00.000Z',
      '2026-02-08T22:00:00.000Z',
    ]);
  });
});
