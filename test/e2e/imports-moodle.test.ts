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
import { api, tokenFor } from '../support/http.ts';
import { everyone, importWhen, personByEmail, planOf, uploadImport } from '../support/imports.ts';

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
beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

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

/** How the plan reads: line, action and whom, for each row. */
const rowsOf = (entries: { line: number; action: string; target: { key: string } }[]) =>
  entries.map((entry) => [entry.line, entry.action, entry.target.key]);

describe.skipIf(!hasCorpus)('Moodle "Upload users" files from the corpus: upload, plan, apply, undo', () => {
  it.each([
    {
      file: 'csv/moodle/example.csv',
      rows: [
        [2, 'create', 's1@example.com'],
        [3, 'create', 's2@example.com'],
        [4, 'create', 's3@example.com'],
      ],
      warnings: [],
      check: { email: 's3@example.com', givenName: 'Student', familyName: 'Three', username: 'student3' },
    },
    {
      file: 'csv/moodle/upload_users.csv',
      rows: [[2, 'create', 'teacher1@teacher1.com']],
      warnings: [PASSWORD],
      check: { email: 'teacher1@teacher1.com', givenName: 'Teacher', familyName: '1', username: 'teacher1' },
    },
    {
      file: 'csv/moodle/upload_users_cohorts.csv',
      rows: [
        [2, 'create', 'tomjones@example.com'],
        [3, 'create', 'marysmith@example.com'],
        [4, 'create', 'bobjones@example.com'],
        [5, 'create', 'alicesmith@example.com'],
      ],
      warnings: [
        PASSWORD,
        'The cohort columns (cohort1) are not applied by a people import: add the people to their cohorts once they exist.',
      ],
      check: {
        email: 'marysmith@example.com',
        givenName: 'Mary',
        familyName: 'Smith',
        username: 'marysmith',
      },
    },
    {
      file: 'csv/moodle/upload_users_email_matching.csv',
      rows: [
        [2, 'create', 'bilbo@example.com'],
        [3, 'create', 'frodo@example.com'],
      ],
      warnings: [
        PASSWORD,
        'The enrollment columns (course1, group1) are not applied by a people import: import the enrollments as an enrollments import once the people exist.',
      ],
      check: { email: 'frodo@example.com', givenName: 'Frodo', familyName: 'Baggins', username: 'frodob' },
    },
    {
      file: 'csv/moodle/upload_users_emailstop.csv',
      rows: [
        [2, 'create', 'jbloggs@example.com'],
        [3, 'create', 'fbloggs@example.com'],
      ],
      warnings: [PASSWORD, "Moodle columns with no place in this LMS's profiles, not imported: emailstop."],
      check: { email: 'jbloggs@example.com', givenName: 'Joe', familyName: 'Bloggs', username: 'jbloggs' },
    },
    {
      file: 'csv/moodle/upload_users_enrol_date_period.csv',
      rows: [
        [2, 'create', 'student1@example.com'],
        [3, 'create', 'student2@example.com'],
      ],
      warnings: [
        PASSWORD,
        'The enrollment columns (course1, enroltimestart1, enrolperiod1) are not applied by a people import: import the enrollments as an enrollments import once the people exist.',
      ],
      check: { email: 'student2@example.com', givenName: 'Student', familyName: 'Two', username: 'student2' },
    },
    {
      file: 'csv/moodle/upload_users_themes.csv',
      rows: [
        [2, 'create', 'jonest@example.com'],
        [3, 'create', 'reznor@example.com'],
        [4, 'create', 'troy@greendale.com'],
        [5, 'create', 'donald@greendale.com'],
      ],
      warnings: [
        PASSWORD,
        'The enrollment columns (course1, role1) are not applied by a people import: import the enrollments as an enrollments import once the people exist.',
        "Moodle columns with no place in this LMS's profiles, not imported: theme.",
      ],
      check: { email: 'troy@greendale.com', givenName: 'Troy', familyName: 'Barnes', username: 'troy' },
    },
  ])('$file', { timeout: 300_000 }, async ({ file, rows, warnings, check }) => {
    // Prepare
    const before = await everyone(admin);

    // Act 1: upload and plan the file as Moodle's tests use it
    const { id, planned } = await planCorpusFile('moodle', file);
    const entries = await planOf(admin, id);

    // Assess 1: one entry per row, no errors, each warning once
    expect(planned).toMatchObject({
      status: 'planned',
      rows: rows.length,
      counts: { create: rows.length, error: 0, update: 0, suspend: 0 },
      warnings,
    });
    expect(rowsOf(entries)).toEqual(rows);
    expect(entries.every((entry) => entry.file === file.split('/').pop())).toBe(true);
    // The passwords the files carry are nowhere in the plan
    expect(JSON.stringify(entries)).not.toMatch(
      /"moodle"|Pass1234|verysecret|somesecret|hunter42|Student[12]#/,
    );

    // Act 2: apply
    const applied = await apply(id);

    // Assess 2: the people exist, named by their Moodle username (no idnumber: it is their external id too)
    expect(applied).toMatchObject({ status: 'applied', applied: { done: rows.length, conflicts: 0 } });
    expect(await personByEmail(admin, check.email)).toMatchObject({
      givenName: check.givenName,
      familyName: check.familyName,
      externalId: check.username,
      status: 'active',
      customAttributes: { moodle_username: check.username },
    });

    // Act 3: undo
    const undone = await undo(id);

    // Assess 3: everyone is as before
    expect(undone).toMatchObject({ status: 'undone', undone: { restored: rows.length, refused: 0 } });
    expect(await everyone(admin)).toEqual(before);
  });

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
    const student1 = await personByEmail(admin, 's1@example.com');

    // Act 1: a Moodle file names student1 and student2 with other emails
    const { id, planned } = await planCorpusFile('moodle', 'csv/moodle/upload_users_enrol_date_period.csv');
    const entries = await planOf(admin, id);

    // Assess 1: the same people, their email changed, no one created twice
    expect(planned).toMatchObject({ status: 'planned', counts: { create: 0, update: 2, error: 0 } });
    expect(rowsOf(entries)).toEqual([
      [2, 'update', 'student1@example.com'],
      [3, 'update', 'student2@example.com'],
    ]);
    expect(entries[0]?.target.id).toBe(student1?.id);
    expect(entries.map((entry) => entry.diffs)).toEqual([
      { email: { from: 's1@example.com', to: 'student1@example.com' } },
      { email: { from: 's2@example.com', to: 'student2@example.com' } },
    ]);

    // Act 2: apply, then undo
    await apply(id);
    const moved = await personByEmail(admin, 'student1@example.com');
    const undone = await undo(id);

    // Assess 2: the email moved; after undo everyone is as before (the two restored as new versions)
    expect(moved?.id).toBe(student1?.id);
    expect(undone).toMatchObject({ status: 'undone', undone: { restored: 2, refused: 0 } });
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
