/**
 * People files from Moodle and Canvas over HTTP, as an administrator migrating would run them: the real
 * Moodle "Upload users" fixtures and Canvas's users.csv sample from ../shared/corpus (when present) go through
 * upload, plan, apply and undo, and the people after undo equal those before. A Moodle file with bad rows
 * (made here) shows each refusal in the plan, with its line, column and reason, while the rest imports.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/actors.ts';
import { api, machineToken, tokenFor } from '../support/http.ts';
import { everyone, importWhen, listAll, personByEmail, planOf, uploadImport } from '../support/imports.ts';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');
const hasCorpus = existsSync(join(CORPUS, 'INDEX.md'));
if (!hasCorpus)
  console.warn(
    `Skipping the corpus Moodle and Canvas people imports: ${CORPUS} is absent (it sits beside the project in the team kit).`,
  );

const PASSWORD =
  'The password column is ignored: no password from the file is stored. People sign in through the LMS (single sign-on, or a password they set themselves).';
const CANVAS_PASSWORDS =
  'The password and ssha_password columns are ignored: no password from the file is stored. People sign in through the LMS (single sign-on, or a password they set themselves).';

let admin = '';
/** math102, the course the corpus's Moodle files enrol people in (its shortname is its code here). */
let math102 = '';
beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
  const found = await api('GET', '/courses?code=math102', { token: admin });
  expect(found.status, found.text).toBe(200);
  if (found.json.items[0]) math102 = found.json.items[0].id;
  else {
    const created = await api('POST', '/courses', {
      token: admin,
      body: { title: 'Mathematics 102', code: 'math102' },
    });
    expect(created.status, created.text).toBe(201);
    math102 = created.json.id;
  }
});

/** Every enrollment of a course, as the API lists them, in a fixed order. */
async function enrollmentsOf(courseId: string): Promise<Record<string, unknown>[]> {
  const all: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await api(
      'GET',
      `/courses/${courseId}/enrollments?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { token: admin },
    );
    expect(page.status, page.text).toBe(200);
    all.push(...page.json.items);
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  return all.sort((a, b) => String(a.userId).localeCompare(String(b.userId)));
}

/** Plans a corpus file as it is (never copied into the project), and waits for the plan. */
async function planCorpusFile(format: 'moodle' | 'canvas', path: string) {
  const fileName = path.split('/').pop() ?? 'users.csv';
  const id = await uploadImport(admin, readFileSync(join(CORPUS, path)), {
    type: 'people',
    format,
    fileName,
  });
  return { id, planned: await importWhen(admin, id, ['planned', 'failed']) };
}

async function apply(id: string) {
  const applying = await api('POST', `/imports/${id}/apply`, { token: admin });
  expect(applying.status, applying.text).toBe(202);
  return importWhen(admin, id, ['applied', 'failed']);
}

async function undo(id: string) {
  const undoing = await api('POST', `/imports/${id}/undo`, { token: admin });
  expect(undoing.status, undoing.text).toBe(202);
  return importWhen(admin, id, ['undone', 'failed']);
}

/** How the plan reads: line, action and whom (or the column refused), for each entry. */
const rowsOf = (
  entries: { line: number; action: string; target: { key: string }; error?: { column: string | null } }[],
) =>
  entries.map((entry) =>
    entry.error
      ? [entry.line, entry.action, entry.error.column]
      : [entry.line, entry.action, entry.target.key],
  );

const TEACHING_ROLE =
  "3 (editingteacher on a standard Moodle site) is a teaching role, not imported: enrollments here are learners'; a course's teachers are its owners, set on the course (ownerIds)";

describe.skipIf(!hasCorpus)('Moodle "Upload users" files from the corpus: upload, plan, apply, undo', () => {
  it.each([
    {
      file: 'csv/moodle/example.csv',
      rows: 3,
      entries: [
        [2, 'create', 's1@example.com'],
        [3, 'create', 's2@example.com'],
        [4, 'create', 's3@example.com'],
      ],
      counts: { create: 3 },
      warnings: [],
      check: { email: 's3@example.com', givenName: 'Student', familyName: 'Three', username: 'student3' },
    },
    {
      file: 'csv/moodle/upload_users.csv',
      rows: 1,
      entries: [[2, 'create', 'teacher1@teacher1.com']],
      counts: { create: 1 },
      warnings: [PASSWORD],
      check: { email: 'teacher1@teacher1.com', givenName: 'Teacher', familyName: '1', username: 'teacher1' },
    },
    {
      file: 'csv/moodle/upload_users_cohorts.csv',
      rows: 4,
      // As in Moodle, the cohorts ASD and DSA, which no cohort has as idnumber or name, are made
      entries: [
        [2, 'create', 'tomjones@example.com'],
        [2, 'create', 'ASD'],
        [2, 'create', 'ASD/tomjones@example.com'],
        [3, 'create', 'marysmith@example.com'],
        [3, 'create', 'DSA'],
        [3, 'create', 'DSA/marysmith@example.com'],
        [4, 'create', 'bobjones@example.com'],
        [4, 'create', 'ASD/bobjones@example.com'],
        [5, 'create', 'alicesmith@example.com'],
        [5, 'create', 'DSA/alicesmith@example.com'],
      ],
      counts: { create: 10 },
      warnings: [PASSWORD],
      cohorts: { ASD: 2, DSA: 2 },
      check: {
        email: 'marysmith@example.com',
        givenName: 'Mary',
        familyName: 'Smith',
        username: 'marysmith',
      },
    },
    {
      // Each person enrolled in math102 after them; their group noted on the enrollment, not imported
      file: 'csv/moodle/upload_users_email_matching.csv',
      rows: 2,
      entries: [
        [2, 'create', 'bilbo@example.com'],
        [2, 'enroll', 'bilbo@example.com/math102'],
        [3, 'create', 'frodo@example.com'],
        [3, 'enroll', 'frodo@example.com/math102'],
      ],
      counts: { create: 2, enroll: 2 },
      warnings: [PASSWORD],
      check: { email: 'frodo@example.com', givenName: 'Frodo', familyName: 'Baggins', username: 'frodob' },
      enrolled: 'frodo@example.com',
    },
    {
      file: 'csv/moodle/upload_users_emailstop.csv',
      rows: 2,
      entries: [
        [2, 'create', 'jbloggs@example.com'],
        [3, 'create', 'fbloggs@example.com'],
      ],
      counts: { create: 2 },
      warnings: [PASSWORD, "Moodle columns with no place in this LMS's profiles, not imported: emailstop."],
      check: { email: 'jbloggs@example.com', givenName: 'Joe', familyName: 'Bloggs', username: 'jbloggs' },
    },
    {
      // student1 from a past start with no end; student2's 10 days from 2020-01-02 ended long ago
      file: 'csv/moodle/upload_users_enrol_date_period.csv',
      rows: 2,
      entries: [
        [2, 'create', 'student1@example.com'],
        [2, 'enroll', 'student1@example.com/math102'],
        [3, 'create', 'student2@example.com'],
        [3, 'error', 'enrolperiod1'],
      ],
      counts: { create: 2, enroll: 1, error: 1 },
      warnings: [PASSWORD],
      check: { email: 'student2@example.com', givenName: 'Student', familyName: 'Two', username: 'student2' },
      enrolled: 'student1@example.com',
    },
    {
      // role1 3 is editingteacher on a standard Moodle site: the people are imported, not as teachers
      file: 'csv/moodle/upload_users_themes.csv',
      rows: 4,
      entries: [
        [2, 'create', 'jonest@example.com'],
        [2, 'error', 'role1'],
        [3, 'create', 'reznor@example.com'],
        [3, 'error', 'role1'],
        [4, 'create', 'troy@greendale.com'],
        [4, 'error', 'role1'],
        [5, 'create', 'donald@greendale.com'],
        [5, 'error', 'role1'],
      ],
      counts: { create: 4, error: 4 },
      warnings: [PASSWORD, "Moodle columns with no place in this LMS's profiles, not imported: theme."],
      check: { email: 'troy@greendale.com', givenName: 'Troy', familyName: 'Barnes', username: 'troy' },
    },
  ])(
    '$file',
    { timeout: 300_000 },
    async ({ file, rows, entries: expected, counts, warnings, check, enrolled, cohorts }) => {
      // Prepare
      const before = await everyone(admin);
      const cohortsBefore = await listAll(admin, '/cohorts');
      const enrollmentsBefore = await enrollmentsOf(math102);
      const done = (counts.create ?? 0) + (counts.enroll ?? 0);

      // Act 1: upload and plan the file as Moodle's tests use it
      const { id, planned } = await planCorpusFile('moodle', file);
      const entries = await planOf(admin, id);

      // Assess 1: one entry per row and per course it names, each warning once
      expect(planned).toMatchObject({
        status: 'planned',
        rows,
        counts: { enroll: 0, error: 0, update: 0, suspend: 0, ...counts },
        warnings,
      });
      expect(rowsOf(entries)).toEqual(expected);
      expect(entries.every((entry) => entry.file === file.split('/').pop())).toBe(true);
      expect(
        entries.filter((entry) => entry.error?.column === 'role1').map((entry) => entry.error?.reason),
      ).toEqual(expected.filter((entry) => entry[2] === 'role1').map(() => TEACHING_ROLE));
      // The passwords the files carry are nowhere in the plan
      expect(JSON.stringify(entries)).not.toMatch(
        /"moodle"|Pass1234|verysecret|somesecret|hunter42|Student[12]#/,
      );

      // Act 2: apply
      const applied = await apply(id);

      // Assess 2: the people exist, named by their Moodle username (no idnumber: it is their external id too)
      expect(applied).toMatchObject({ status: 'applied', applied: { done, conflicts: 0 } });
      expect(await personByEmail(admin, check.email)).toMatchObject({
        givenName: check.givenName,
        familyName: check.familyName,
        externalId: check.username,
        status: 'active',
        customAttributes: { moodle_username: check.username },
      });
      if (enrolled) {
        const learner = await personByEmail(admin, enrolled);
        expect(
          (await enrollmentsOf(math102)).find((enrollment) => enrollment.userId === learner?.id),
        ).toMatchObject({
          status: 'enrolled',
          dueAt: null,
          sources: [{ source: 'import', reference: `import:${id}` }],
        });
      }

      if (cohorts) {
        const made = (await listAll(admin, '/cohorts')).filter((cohort) => String(cohort.name) in cohorts);
        expect(Object.fromEntries(made.map((cohort) => [cohort.name, cohort.memberCount]))).toEqual(cohorts);
        expect(made.map((cohort) => [cohort.kind, cohort.externalId]).sort()).toEqual(
          Object.keys(cohorts).map((name) => ['static', name]),
        );
      }

      // Act 3: undo
      const undone = await undo(id);

      // Assess 3: everyone, and every enrollment of math102, is as before
      expect(undone).toMatchObject({ status: 'undone', undone: { restored: done, refused: 0 } });
      expect(await everyone(admin)).toEqual(before);
      expect(await enrollmentsOf(math102)).toEqual(enrollmentsBefore);
      expect(await listAll(admin, '/cohorts')).toEqual(cohortsBefore);
    },
  );

  it('finds people by their Moodle username when the file gives them another email, as Moodle would', {
    timeout: 300_000,
  }, async () => {
    // Prepare: student1 and student2 as an earlier Moodle import left them (example.csv's emails)
    for (const n of [1, 2]) {
      const created = await api('POST', '/users', {
        token: admin,
        body: {
          email: `s${n}@example.com`,
          givenName: 'Student',
          familyName: n === 1 ? 'One' : 'Two',
          externalId: `student${n}`,
          customAttributes: { moodle_username: `student${n}` },
        },
      });
      expect(created.status, created.text).toBe(201);
    }
    const before = await everyone(admin);
    const enrollmentsBefore = await enrollmentsOf(math102);
    const student1 = await personByEmail(admin, 's1@example.com');

    // Act 1: a Moodle file names student1 and student2 with other emails
    const { id, planned } = await planCorpusFile('moodle', 'csv/moodle/upload_users_enrol_date_period.csv');
    const entries = await planOf(admin, id);

    // Assess 1: the same people, their email changed, no one created twice; student1 enrolled in math102
    expect(planned).toMatchObject({
      status: 'planned',
      counts: { create: 0, update: 2, enroll: 1, error: 1 },
    });
    expect(rowsOf(entries)).toEqual([
      [2, 'update', 'student1@example.com'],
      [2, 'enroll', 'student1@example.com/math102'],
      [3, 'update', 'student2@example.com'],
      [3, 'error', 'enrolperiod1'],
    ]);
    expect(entries[0]?.target.id).toBe(student1?.id);
    expect(entries.map((entry) => entry.diffs)).toEqual([
      { email: { from: 's1@example.com', to: 'student1@example.com' } },
      { status: { from: null, to: 'enrolled' } },
      { email: { from: 's2@example.com', to: 'student2@example.com' } },
      {},
    ]);
    expect(entries[3]?.error).toEqual({
      column: 'enrolperiod1',
      reason: '2020-01-12T00:00:00.000Z is in the past: a due date is in the future',
    });

    // Act 2: apply, then undo
    await apply(id);
    const moved = await personByEmail(admin, 'student1@example.com');
    const undone = await undo(id);

    // Assess 2: the email moved; after undo everyone is as before (the two restored as new versions)
    expect(moved?.id).toBe(student1?.id);
    expect(undone).toMatchObject({ status: 'undone', undone: { restored: 3, refused: 0 } });
    expect(await enrollmentsOf(math102)).toEqual(enrollmentsBefore);
    const unversioned = (people: Record<string, unknown>[]) =>
      people.map(({ version: _version, updatedAt: _updatedAt, ...person }) => person);
    expect(unversioned(await everyone(admin))).toEqual(unversioned(before));
  });
});

describe.skipIf(!hasCorpus)('Canvas users.csv from the corpus: upload, plan, apply, undo', () => {
  it('creates the three people by their SIS ids, changes nothing when planned again, and undo puts everyone back', {
    timeout: 300_000,
  }, async () => {
    // Prepare
    const before = await everyone(admin);

    // Act 1: upload and plan Canvas's documentation sample as it is
    const { id, planned } = await planCorpusFile('canvas', 'csv/canvas/users.csv');
    const entries = await planOf(admin, id);

    // Assess 1
    expect(planned).toMatchObject({
      status: 'planned',
      rows: 3,
      counts: { create: 3, error: 0 },
      warnings: [CANVAS_PASSWORDS],
    });
    expect(rowsOf(entries)).toEqual([
      [2, 'create', 'bob.smith@myschool.edu'],
      [3, 'create', 'john.doe@myschool.edu'],
      [4, 'create', 'peggy.sue@myschool.edu'],
    ]);
    expect(entries[0]?.diffs).toEqual({
      email: { from: null, to: 'bob.smith@myschool.edu' },
      givenName: { from: null, to: 'Bob' },
      familyName: { from: null, to: 'Smith' },
      externalId: { from: null, to: '01103' },
      customAttributes: { from: null, to: { canvas_login_id: 'bsmith01', display_name: 'Bobby Smith' } },
      status: { from: null, to: 'active' },
    });
    expect(entries[2]?.diffs.customAttributes).toEqual({
      from: null,
      to: { canvas_login_id: 'psue01', canvas_authentication_provider: '7' },
    });

    // Act 2: apply, then plan the same file again
    const applied = await apply(id);
    const again = await planCorpusFile('canvas', 'csv/canvas/users.csv');

    // Assess 2: the people exist; the same file again changes nothing
    expect(applied).toMatchObject({ status: 'applied', applied: { done: 3, conflicts: 0 } });
    expect(await personByEmail(admin, 'john.doe@myschool.edu')).toMatchObject({
      externalId: '13834',
      customAttributes: { canvas_login_id: 'jdoe03', canvas_authentication_provider: 'google' },
    });
    expect(again.planned).toMatchObject({
      status: 'planned',
      counts: { unchanged: 3, create: 0, update: 0 },
    });

    // Act 3: undo
    const undone = await undo(id);

    // Assess 3
    expect(undone).toMatchObject({ status: 'undone', undone: { restored: 3, refused: 0 } });
    expect(await everyone(admin)).toEqual(before);
  });
});

describe('a Moodle file with bad rows', () => {
  it('refuses each bad row with its line, column and reason, imports the rest, and undo puts everyone back', {
    timeout: 300_000,
  }, async () => {
    // Prepare: good rows around a missing email, a duplicate email, a bad flag, a deletion of no one
    const u = randomUUID().slice(0, 8);
    const before = await everyone(admin);
    const file = [
      'username,password,firstname,lastname,email,idnumber,suspended,deleted,country,profile_field_shirt',
      `ana${u},secret,Ana,Alves,ana.${u}@example.com,HR-A-${u},0,,PT,M`,
      `nomail${u},secret,No,Mail,,,,,,`,
      `again${u},secret,Ana,Again,ana.${u}@example.com,,,,,`,
      `flag${u},secret,Fla,Gged,flag.${u}@example.com,,yes,,,`,
      `gone${u},secret,Gone,Person,gone.${u}@example.com,,,1,,`,
      `bo${u},secret,Bo,Boss,bo.${u}@example.com,,1,,GB,`,
    ].join('\n');

    // Act 1
    const id = await uploadImport(admin, Buffer.from(file), {
      type: 'people',
      format: 'moodle',
      fileName: 'moodle-users.csv',
    });
    const planned = await importWhen(admin, id, ['planned', 'failed']);
    const entries = await planOf(admin, id);

    // Assess 1
    expect(planned).toMatchObject({ status: 'planned', rows: 6, counts: { create: 2, error: 4 } });
    expect(planned.warnings).toEqual([PASSWORD]);
    expect(entries.map((entry) => [entry.line, entry.action, entry.error ?? null])).toEqual([
      [2, 'create', null],
      [
        3,
        'error',
        {
          column: 'email',
          reason:
            'an email is required: Moodle refuses a new user without one, and this LMS finds people by email',
        },
      ],
      [4, 'error', { column: 'email', reason: `ana.${u}@example.com is also on line 2: one row per person` }],
      [
        5,
        'error',
        { column: 'suspended', reason: '"yes" is not 0 or 1 (1 suspends the person, 0 makes them active)' },
      ],
      [
        6,
        'error',
        {
          column: 'deleted',
          reason:
            'no person with this username or email to delete (a deleted Moodle user is suspended here, never removed)',
        },
      ],
      [7, 'create', null],
    ]);
    const errors = await api('GET', `/imports/${id}/errors.csv`, { token: admin });
    expect(errors.text.split('\r\n').slice(1, 3)).toEqual([
      `moodle-users.csv,3,email,"an email is required: Moodle refuses a new user without one, and this LMS finds people by email",nomail${u},,No,Mail,,,,,,`,
      `moodle-users.csv,4,email,ana.${u}@example.com is also on line 2: one row per person,again${u},,Ana,Again,ana.${u}@example.com,,,,,`,
    ]);

    // Act 2: apply
    const applied = await apply(id);

    // Assess 2: Ana by her idnumber, Bo created suspended; no password kept, not even in errors.csv
    expect(applied).toMatchObject({ status: 'applied', applied: { done: 2, conflicts: 0 } });
    const ana = await personByEmail(admin, `ana.${u}@example.com`);
    expect(ana).toMatchObject({
      externalId: `HR-A-${u}`,
      customAttributes: { moodle_username: `ana${u}`, country: 'PT', shirt: 'M' },
    });
    expect(JSON.stringify(ana)).not.toContain('secret');
    expect(errors.text).not.toContain('secret');
    expect(await personByEmail(admin, `bo.${u}@example.com`)).toMatchObject({ status: 'suspended' });

    // Act 3: undo
    const undone = await undo(id);

    // Assess 3
    expect(undone).toMatchObject({ status: 'undone', undone: { restored: 2, refused: 0 } });
    expect(await everyone(admin)).toEqual(before);
  });
});

describe("a Moodle file's course columns", () => {
  /** A course with a Moodle shortname as its code. */
  async function course(code: string): Promise<string> {
    const created = await api('POST', '/courses', { token: admin, body: { title: `Moodle ${code}`, code } });
    expect(created.status, created.text).toBe(201);
    return created.json.id;
  }
  const unversioned = (records: Record<string, unknown>[]) =>
    records.map(({ version: _version, updatedAt: _updatedAt, ...record }) => record);

  it('enrolls each row’s person course by course after them, refuses what this LMS cannot do, and undo puts people and enrollments back', {
    timeout: 300_000,
  }, async () => {
    // Prepare: courses A and B; Ben, a Moodle user imported before, is enrolled in A
    const u = randomUUID().slice(0, 8);
    const [a, b] = [await course(`A-${u}`), await course(`B-${u}`)];
    const ben = await api('POST', '/users', {
      token: admin,
      body: {
        email: `ben.${u}@example.com`,
        givenName: 'Ben',
        familyName: 'Bell',
        externalId: `ben${u}`,
        customAttributes: { moodle_username: `ben${u}` },
      },
    });
    expect(ben.status, ben.text).toBe(201);
    const enrolled = await api('POST', `/courses/${a}/enrollments`, {
      token: admin,
      body: { userIds: [ben.json.id] },
    });
    expect(enrolled.status, enrolled.text).toBe(200);
    const before = await everyone(admin);
    const enrollmentsBefore = [...(await enrollmentsOf(a)), ...(await enrollmentsOf(b))];
    const file = [
      'username,email,firstname,lastname,course1,role1,enroltimestart1,enrolperiod1,group1,course2,enrolstatus2',
      `ann${u},ann.${u}@example.com,Ann,Ames,A-${u},student,2026-01-01,3650,Red,b-${u},`,
      `ben${u},ben.${u}@example.com,,,B-${u},,,,,A-${u},1`,
      `cy${u},cy.${u}@example.com,Cy,Cole,A-${u},editingteacher,,,,NOPE-${u},`,
    ].join('\n');

    // Act 1
    const id = await uploadImport(admin, Buffer.from(file), {
      type: 'people',
      format: 'moodle',
      fileName: 'moodle-courses.csv',
      options: { threshold: 100 },
    });
    const planned = await importWhen(admin, id, ['planned', 'failed']);
    const entries = await planOf(admin, id);

    // Assess 1: each person, then one entry per course, refusals naming the cell
    expect(planned).toMatchObject({
      status: 'planned',
      rows: 3,
      counts: { create: 2, unchanged: 1, enroll: 3, withdraw: 1, error: 2 },
      warnings: [],
    });
    expect(rowsOf(entries)).toEqual([
      [2, 'create', `ann.${u}@example.com`],
      [2, 'enroll', `ann.${u}@example.com/A-${u}`],
      [2, 'enroll', `ann.${u}@example.com/B-${u}`],
      [3, 'unchanged', `ben.${u}@example.com`],
      [3, 'enroll', `ben.${u}@example.com/B-${u}`],
      [3, 'withdraw', `ben.${u}@example.com/A-${u}`],
      [4, 'create', `cy.${u}@example.com`],
      [4, 'error', 'role1'],
      [4, 'error', 'course2'],
    ]);
    expect(entries[1]).toMatchObject({
      diffs: {
        status: { from: null, to: 'enrolled' },
        dueAt: { from: null, to: '2035-12-30T00:00:00.000Z' },
      },
      warnings: [
        `group1 Red is not imported: this LMS has no course groups (the person is enrolled in A-${u} without it)`,
      ],
    });
    expect(entries.slice(7).map((entry) => entry.error)).toEqual([
      {
        column: 'role1',
        reason:
          "editingteacher is a teaching role, not imported: enrollments here are learners'; a course's teachers are its owners, set on the course (ownerIds)",
      },
      {
        column: 'course2',
        reason: `no course with the code NOPE-${u} (a Moodle shortname is a course's code here)`,
      },
    ]);

    // Act 2: apply
    const applied = await apply(id);

    // Assess 2: Ann enrolled in both, due in ten years from 1 January; Ben in B, and withdrawn from A
    expect(applied).toMatchObject({ status: 'applied', applied: { done: 6, conflicts: 0 } });
    const ann = await personByEmail(admin, `ann.${u}@example.com`);
    const after = [...(await enrollmentsOf(a)), ...(await enrollmentsOf(b))];
    expect(
      after.map((enrollment) => [
        enrollment.courseId,
        enrollment.userId === ann?.id ? 'ann' : 'ben',
        enrollment.status,
        enrollment.dueAt,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [a, 'ann', 'enrolled', '2035-12-30T00:00:00.000Z'],
        [a, 'ben', 'withdrawn', null],
        [b, 'ann', 'enrolled', null],
        [b, 'ben', 'enrolled', null],
      ]),
    );
    expect(after).toHaveLength(4);

    // Act 3: undo
    const undone = await undo(id);

    // Assess 3: the people and the enrollments as before (Ben's enrollment in A back, at a new version)
    expect(undone).toMatchObject({ status: 'undone', undone: { restored: 6, refused: 0 } });
    expect(await everyone(admin)).toEqual(before);
    expect(unversioned([...(await enrollmentsOf(a)), ...(await enrollmentsOf(b))])).toEqual(
      unversioned(enrollmentsBefore),
    );
  });

  it('refuses the enrollment of a person whose creation is refused at apply', {
    timeout: 300_000,
  }, async () => {
    // Prepare: a plan that creates Dan and enrolls him
    const u = randomUUID().slice(0, 8);
    const a = await course(`D-${u}`);
    const id = await uploadImport(
      admin,
      Buffer.from(`username,email,firstname,lastname,course1\ndan${u},dan.${u}@example.com,Dan,Doe,D-${u}\n`),
      { type: 'people', format: 'moodle', fileName: 'moodle-dan.csv' },
    );
    await importWhen(admin, id, ['planned', 'failed']);
    const entries = await planOf(admin, id);
    expect(rowsOf(entries)).toEqual([
      [2, 'create', `dan.${u}@example.com`],
      [2, 'enroll', `dan.${u}@example.com/D-${u}`],
    ]);
    // ...and meanwhile someone else gets Dan's email through the API
    const other = await api('POST', '/users', {
      token: admin,
      body: { email: `dan.${u}@example.com`, givenName: 'Dan', familyName: 'Other' },
    });
    expect(other.status, other.text).toBe(201);

    // Act
    const applied = await apply(id);

    // Assess: neither the person nor the enrollment is written; no one is enrolled in the course
    expect(applied).toMatchObject({ status: 'applied', applied: { done: 0, conflicts: 2 } });
    expect(applied.applied.conflictsListed[1]).toEqual({
      line: 2,
      key: `${a}:${entries[0]?.target.id}`,
      reason: `No user with id ${entries[0]?.target.id} to enroll (not created, or removed since).`,
    });
    expect(await enrollmentsOf(a)).toEqual([]);
  });

  it('needs lms/enrollments.write as well for a machine client to apply a people file that enrolls', {
    timeout: 300_000,
  }, async () => {
    // Prepare: an HR feed's client, which may write people only, plans a Moodle file with a course column
    const u = randomUUID().slice(0, 8);
    await course(`H-${u}`);
    const hris = await machineToken(uniqueName('Moodle feed'), ['lms/users.write']);
    const id = await uploadImport(
      hris,
      Buffer.from(`username,email,firstname,lastname,course1\neve${u},eve.${u}@example.com,Eve,Ek,H-${u}\n`),
      { type: 'people', format: 'moodle', fileName: 'moodle-eve.csv' },
    );
    expect(await importWhen(hris, id, ['planned', 'failed'])).toMatchObject({
      status: 'planned',
      counts: { create: 1, enroll: 1 },
    });

    // Act
    const refused = await api('POST', `/imports/${id}/apply`, { token: hris });

    // Assess
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.detail).toBe(
      'This people import enrolls people in courses (its course columns): it needs the lms/enrollments.write scope as well.',
    );
    expect(await personByEmail(admin, `eve.${u}@example.com`)).toBeUndefined();
  });
});
