/**
 * The Moodle "Upload users" adapter, a row at a time: each column, the cells it refuses (with the column and
 * why), deleted and suspended, renames, profile fields, and the header notes. Expected values are written
 * out here, not computed with the adapter's own helpers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ImportMode, ImportOptions } from '../../../shared/domain/import.ts';
import { readCsv } from '../../../shared/imports/csv.ts';
import { moodlePeople } from '../../../shared/imports/moodle-people.ts';

const options = ImportOptions.parse({});

/** One row of cells by column name, read as an upsert (or a sync). */
function read(cells: Record<string, string>, mode: ImportMode = 'upsert') {
  return moodlePeople.row(new Map(Object.entries(cells)), { mode, options });
}

const base = { username: 'ana', email: 'ana@example.com', firstname: 'Ana', lastname: 'Alves' };

/** What every row of `base` reads as, beside what a test adds. */
const account = {
  column: 'username',
  attribute: 'moodle_username',
  label: 'Moodle username',
  value: 'ana',
  rename: { column: 'oldusername' },
};

describe('moodlePeople: a row', () => {
  it('reads every column it keeps', () => {
    // Act
    const outcome = read({
      username: 'Ana.Alves',
      email: 'Ana.Alves@Example.com',
      firstname: ' Ana ',
      lastname: 'Alves',
      idnumber: 'HR-1001',
      auth: 'SAML2',
      institution: 'Example Corp',
      department: 'Sales / Sales EMEA',
      city: 'Lisbon',
      country: 'pt',
      suspended: '0',
      deleted: '0',
      oldusername: '',
      profile_field_shirtsize: 'M',
    });

    // Assess
    expect(outcome).toEqual({
      ok: true,
      value: {
        email: 'ana.alves@example.com',
        givenName: 'Ana',
        familyName: 'Alves',
        externalId: 'HR-1001',
        department: { path: ['Sales', 'Sales EMEA'] },
        location: 'Lisbon',
        status: 'active',
        customAttributes: {
          moodle_username: 'ana.alves',
          moodle_auth: 'saml2',
          institution: 'Example Corp',
          country: 'PT',
          shirtsize: 'M',
        },
        account: { ...account, value: 'ana.alves' },
        unique: [{ column: 'username', value: 'ana.alves' }],
      },
    });
  });

  it('reads the fewest columns: username, email, and nothing else changed', () => {
    expect(read({ username: 'ana', email: 'ana@example.com' })).toEqual({
      ok: true,
      value: {
        email: 'ana@example.com',
        customAttributes: { moodle_username: 'ana' },
        account,
        unique: [{ column: 'username', value: 'ana' }],
      },
    });
  });

  it.each([
    [{ username: '' }, 'username', 'a username is required: Moodle names each person by it'],
    [
      { username: 'ana alves' },
      'username',
      '"ana alves" is not a Moodle username (at most 100 of lower-case letters, digits and _ - . @)',
    ],
    [{ username: 'GUEST' }, 'username', 'guest is Moodle’s guest account, not a person to import'],
    [
      { email: '' },
      'email',
      'an email is required: Moodle refuses a new user without one, and this LMS finds people by email',
    ],
    [{ email: 'ana(at)example.com' }, 'email', '"ana(at)example.com" is not an email address'],
    [
      { firstname: 'A'.repeat(101) },
      'firstname',
      `"${'A'.repeat(101)}" is not a name of at most 100 characters`,
    ],
    [{ lastname: 'Al\u0007ves' }, 'lastname', '"Al\u0007ves" is not a name of at most 100 characters'],
    [
      { idnumber: 'HR 1001' },
      'idnumber',
      '"HR 1001" is not an external id (letters, digits and . _ : @ - only, at most 128)',
    ],
    [
      { auth: 'ldap server' },
      'auth',
      '"ldap server" is not a Moodle authentication method (manual, nologin, ldap, oauth2, saml2...)',
    ],
    [
      { institution: 'I'.repeat(257) },
      'institution',
      `"${'I'.repeat(257)}" is not at most 256 characters of text`,
    ],
    [{ department: ' / ' }, 'department', '"/" is not a department id or path like Sales/Sales EMEA'],
    [
      { department: 'D'.repeat(121) },
      'department',
      `"${'D'.repeat(121)}" is not a department name of at most 120 characters`,
    ],
    [{ city: 'C'.repeat(121) }, 'city', `"${'C'.repeat(121)}" is not at most 120 characters of text`],
    [{ country: 'UK' }, 'country', '"UK" is not a country code: two letters of ISO 3166-1, like PT or GB'],
    [
      { country: 'Portugal' },
      'country',
      '"Portugal" is not a country code: two letters of ISO 3166-1, like PT or GB',
    ],
    [{ suspended: 'yes' }, 'suspended', '"yes" is not 0 or 1 (1 suspends the person, 0 makes them active)'],
    [
      { deleted: 'true' },
      'deleted',
      '"true" is not 0 or 1 (1 deletes the person (suspends them here), 0 does nothing)',
    ],
    [
      { oldusername: 'Old Name' },
      'oldusername',
      '"old name" is not a Moodle username (at most 100 of lower-case letters, digits and _ - . @)',
    ],
    [
      { profile_field_1st: 'x' },
      'profile_field_1st',
      '"1st" cannot be a custom attribute\'s name: a letter, then letters, digits or _ (at most 64)',
    ],
    [{ profile_field_bio: 'b'.repeat(257) }, 'profile_field_bio', 'at most 256 characters'],
    [
      { profile_field_country: 'PT' },
      'profile_field_country',
      'the custom attribute country is the country column’s',
    ],
  ])('refuses %j, naming the column %s and why', (cells, column, reason) => {
    // Prepare: a country column beside the profile field that would take its attribute
    const row = { ...base, ...(column === 'profile_field_country' ? { country: 'PT' } : {}), ...cells };
    // Act / Assess
    expect(read(row)).toEqual({ ok: false, column, reason });
  });

  it('reads a department as a name anywhere in the tree, or as a path or an id as our format does', () => {
    expect(read({ ...base, department: ' Sales EMEA ' })).toMatchObject({
      ok: true,
      value: { department: { name: 'Sales EMEA' } },
    });
    expect(read({ ...base, department: 'Sales/Sales EMEA' })).toMatchObject({
      ok: true,
      value: { department: { path: ['Sales', 'Sales EMEA'] } },
    });
    expect(read({ ...base, department: '6F1C3E2A-0B4D-4C8E-9A7F-2D5B8E1C4A90' })).toMatchObject({
      ok: true,
      value: { department: { id: '6f1c3e2a-0b4d-4c8e-9a7f-2d5b8e1c4a90' } },
    });
  });

  it('suspends with suspended 1, makes active with 0, and leaves the status alone when empty', () => {
    expect(read({ ...base, suspended: '1' })).toMatchObject({ ok: true, value: { status: 'suspended' } });
    expect(read({ ...base, suspended: '0' })).toMatchObject({ ok: true, value: { status: 'active' } });
    const empty = read({ ...base, suspended: '' });
    expect(empty.ok && 'status' in empty.value).toBe(false);
  });

  it('reads deleted 1 as a suspension of someone who must exist, whatever suspended says', () => {
    // Act
    const deleted = read({ ...base, suspended: '0', deleted: '1' });
    const byIdnumber = read({ ...base, idnumber: 'HR-7', deleted: '1' });

    // Assess: never a deletion (compliance keeps the records), and no one is created from a deletion
    expect(deleted).toMatchObject({
      ok: true,
      value: {
        status: 'suspended',
        existing: {
          column: 'deleted',
          reason:
            'no person with this username or email to delete (a deleted Moodle user is suspended here, never removed)',
        },
      },
    });
    expect(byIdnumber).toMatchObject({
      ok: true,
      value: {
        existing: {
          reason:
            'no person with this idnumber or email to delete (a deleted Moodle user is suspended here, never removed)',
        },
      },
    });
  });

  it('renames from oldusername, and by the old email when usernames are emails', () => {
    // Act
    const renamed = read({ ...base, oldusername: 'Ana.Old' });
    const byEmail = read({ ...base, username: 'ana@new.example.com', oldusername: 'ana@old.example.com' });
    const same = read({ ...base, oldusername: 'ana' });

    // Assess
    expect(renamed).toMatchObject({
      ok: true,
      value: { account: { value: 'ana', rename: { column: 'oldusername', from: 'ana.old' } } },
    });
    expect(renamed.ok && renamed.value.previousEmail).toBeUndefined();
    expect(byEmail).toMatchObject({
      ok: true,
      value: {
        previousEmail: 'ana@old.example.com',
        account: { value: 'ana@new.example.com', rename: { from: 'ana@old.example.com' } },
      },
    });
    expect(same).toMatchObject({ ok: true, value: { account: { rename: { column: 'oldusername' } } } });
    expect(same.ok && 'from' in (same.value.account?.rename ?? {})).toBe(false);
  });

  it('warns on the row when auth is nologin, and imports the person active', () => {
    expect(read({ ...base, auth: 'nologin' })).toEqual({
      ok: true,
      value: expect.objectContaining({
        customAttributes: { moodle_username: 'ana', moodle_auth: 'nologin' },
      }),
      warnings: [
        'auth is nologin: this person could not sign in to Moodle; they are imported active unless suspended is 1',
      ],
    });
  });

  it('keeps profile fields as custom attributes, skipping empty ones in an upsert', () => {
    // Act
    const outcome = read({ ...base, profile_field_shirtsize: ' XL ', profile_field_team: '' });
    // Assess
    expect(outcome).toMatchObject({
      ok: true,
      value: { customAttributes: { moodle_username: 'ana', shirtsize: 'XL' } },
    });
  });

  it('clears what empty cells say in a sync, except the idnumber, names and status', () => {
    // Act
    const outcome = read(
      {
        ...base,
        idnumber: '',
        auth: '',
        institution: '',
        department: '',
        city: '',
        country: '',
        suspended: '',
        profile_field_team: '',
      },
      'sync',
    );
    // Assess: the username stands in for the idnumber, so an empty one clears nothing
    expect(outcome).toEqual({
      ok: true,
      value: {
        email: 'ana@example.com',
        givenName: 'Ana',
        familyName: 'Alves',
        department: null,
        location: null,
        customAttributes: {
          moodle_username: 'ana',
          moodle_auth: null,
          institution: null,
          country: null,
          team: null,
        },
        account,
        unique: [{ column: 'username', value: 'ana' }],
      },
    });
  });
});

describe('moodlePeople: the header', () => {
  it('knows Moodle’s columns: its own, profile fields, enrollments, cohorts and the fields it does not keep', () => {
    // Prepare
    const known = [
      'profile_field_team',
      'course1',
      'role2',
      'group1',
      'type1',
      'enroltimestart3',
      'enrolperiod1',
    ];
    const alsoKnown = ['enrolstatus1', 'cohort1', 'sysrole1', 'emailstop', 'theme', 'lang', 'phone1'];
    // Act / Assess
    for (const column of [...known, ...alsoKnown]) expect(moodlePeople.matches?.(column), column).toBe(true);
    for (const column of ['favourite_colour', 'course', 'profile_fieldx'])
      expect(moodlePeople.matches?.(column)).toBe(false);
    expect(moodlePeople.required).toEqual(['username', 'email']);
  });

  it('ignores the password with one warning', () => {
    expect(moodlePeople.ignored).toEqual({
      password:
        'The password column is ignored: no password from the file is stored. People sign in through the LMS (single sign-on, or a password they set themselves).',
    });
  });

  it('notes enrollment columns without their course column, and the columns it does not keep', () => {
    // Act
    const notes = moodlePeople.notes?.([
      'username',
      'email',
      'course1',
      'role1',
      'group1',
      'enroltimestart1',
      'enrolperiod1',
      'enrolstatus1',
      'role2',
      'enrolperiod3',
      'cohort1',
      'emailstop',
      'theme',
      'sysrole1',
    ]);
    // Assess
    expect(notes).toEqual([
      'Enrollment columns without their course column, not imported: role2, enrolperiod3.',
      "Moodle columns with no place in this LMS's profiles, not imported: emailstop, theme, sysrole1.",
    ]);
    expect(moodlePeople.notes?.(['username', 'email', 'firstname', 'course1', 'role1'])).toEqual([]);
  });
});

describe('moodlePeople: the course columns of a row', () => {
  /** The courses a row with `base`'s person and these cells reads as. */
  const courses = (cells: Record<string, string>, timezone?: string) => {
    const outcome = moodlePeople.row(new Map(Object.entries({ ...base, ...cells })), {
      mode: 'upsert',
      options: timezone ? ImportOptions.parse({ timezone }) : options,
    });
    if (!outcome.ok) throw new Error(`the row was refused: ${outcome.reason}`);
    return outcome.value.courses;
  };

  it('reads each course with its role, status, start, period and group, in column order', () => {
    // Act
    const read = courses({
      course2: 'HIST-101',
      role2: '5',
      enrolstatus2: '1',
      course1: ' math102 ',
      role1: 'Student',
      enrolstatus1: '0',
      enroltimestart1: '2026-03-01',
      enrolperiod1: '30',
      group1: 'Section 1',
      course3: '',
      role3: 'editingteacher',
      course4: 'SCI',
      type4: '1',
      enroltimestart4: '1767225600',
      enrolperiod4: '0',
    });
    // Assess
    expect(read).toEqual([
      {
        column: 'course1',
        code: 'math102',
        status: 'active',
        statusColumn: 'enrolstatus1',
        start: { at: '2026-03-01T00:00:00.000Z', column: 'enroltimestart1' },
        period: { days: 30, column: 'enrolperiod1' },
        warnings: [
          'group1 Section 1 is not imported: this LMS has no course groups (the person is enrolled in math102 without it)',
        ],
      },
      {
        column: 'course2',
        code: 'HIST-101',
        status: 'withdrawn',
        statusColumn: 'enrolstatus2',
        warnings: [],
      },
      {
        column: 'course4',
        code: 'SCI',
        status: 'active',
        statusColumn: 'enrolstatus4',
        start: { at: '2026-01-01T00:00:00.000Z', column: 'enroltimestart4' },
        warnings: [],
      },
    ]);
    expect(courses({ enroltimestart1: '2026-03-01', course1: 'math102' }, '+02:00')?.[0]).toMatchObject({
      start: { at: '2026-02-28T22:00:00.000Z' },
    });
    expect(courses({ course1: '', role1: 'student' })).toBeUndefined();
  });

  it('refuses a bad cell for its course only, naming the cell and why', () => {
    // Act
    const read = courses({
      course1: 'math 102!',
      course2: 'm2',
      role2: 'editingteacher',
      course3: 'm3',
      type3: '3',
      course4: 'm4',
      role4: '3',
      course5: 'm5',
      role5: 'guest',
      course6: 'm6',
      enrolstatus6: '2',
      course7: 'm7',
      enroltimestart7: 'next monday',
      course8: 'm8',
      enrolperiod8: '-5',
      course9: 'm9',
      type9: '7',
      course10: 'm10',
    });
    // Assess
    expect(
      read?.map((cell) => ('refused' in cell ? [cell.column, cell.refused] : [cell.column, 'read'])),
    ).toEqual([
      [
        'course1',
        {
          column: 'course1',
          reason:
            '"math 102!" is not a course shortname (letters, digits, spaces and . _ : / -, at most 100)',
        },
      ],
      [
        'course2',
        {
          column: 'role2',
          reason:
            "editingteacher is a teaching role, not imported: enrollments here are learners'; a course's teachers are its owners, set on the course (ownerIds)",
        },
      ],
      [
        'course3',
        {
          column: 'type3',
          reason:
            "teacher is a teaching role, not imported: enrollments here are learners'; a course's teachers are its owners, set on the course (ownerIds)",
        },
      ],
      [
        'course4',
        {
          column: 'role4',
          reason:
            "3 (editingteacher on a standard Moodle site) is a teaching role, not imported: enrollments here are learners'; a course's teachers are its owners, set on the course (ownerIds)",
        },
      ],
      [
        'course5',
        {
          column: 'role5',
          reason:
            '"guest" is not a course role this LMS enrolls with: student (or 5, its id on a standard Moodle site)',
        },
      ],
      [
        'course6',
        {
          column: 'enrolstatus6',
          reason: '"2" is not 0 or 1 (1: a suspended enrolment, withdrawn here; 0 or empty: active)',
        },
      ],
      [
        'course7',
        {
          column: 'enroltimestart7',
          reason:
            'next monday is not a date: expected a date like 2025-12-31 or 2025-12-31T14:30:00+02:00, or a Unix time in seconds.',
        },
      ],
      [
        'course8',
        {
          column: 'enrolperiod8',
          reason: '"-5" is not a number of days (a whole number up to 36500; 0 or empty: no end)',
        },
      ],
      [
        'course9',
        {
          column: 'type9',
          reason:
            '"7" is not a Moodle enrolment type: 1 (the course\'s default role, student), 2 (teacher) or 3 (non-editing teacher)',
        },
      ],
      ['course10', 'read'],
    ]);
  });
});

describe('the Moodle sample in docs/samples', () => {
  it('reads without an error or a warning', async () => {
    // Prepare
    const path = join(import.meta.dirname, '..', '..', '..', 'docs', 'samples', 'people-moodle.csv');
    const source = (async function* () {
      yield readFileSync(path);
    })();
    const people = [];
    let columns: string[] = [];

    // Act
    for await (const event of readCsv(source)) {
      if (event.kind === 'header') columns = event.columns;
      if (event.kind !== 'row') continue;
      people.push(
        read(Object.fromEntries(columns.map((column, index) => [column, event.values[index] ?? '']))),
      );
    }

    // Assess: every column known, every row read, the suspended leaver included
    expect(
      columns.filter((column) => !moodlePeople.columns.includes(column) && !moodlePeople.matches?.(column)),
    ).toEqual([]);
    expect(moodlePeople.notes?.(columns)).toEqual([]);
    expect(people.map((outcome) => outcome.ok && !outcome.warnings)).toEqual([true, true, true, true]);
    expect(people.map((outcome) => outcome.ok && outcome.value.status)).toEqual([
      'active',
      'active',
      'active',
      'suspended',
    ]);
    expect(people[0]).toMatchObject({
      ok: true,
      value: {
        email: 'ana.alves@example.com',
        externalId: 'HR-1001',
        department: { path: ['Sales', 'Sales EMEA'] },
        customAttributes: { moodle_username: 'ana.alves', country: 'PT', shirtsize: 'M' },
        courses: [
          {
            column: 'course1',
            code: 'SALES-101',
            status: 'active',
            statusColumn: 'enrolstatus1',
            period: { days: 30, column: 'enrolperiod1' },
            warnings: [],
          },
          {
            column: 'course2',
            code: 'SAFETY-1',
            status: 'active',
            statusColumn: 'enrolstatus2',
            warnings: [],
          },
        ],
      },
    });
    expect(people.map((outcome) => outcome.ok && outcome.value.courses?.length)).toEqual([
      2,
      1,
      1,
      undefined,
    ]);
    expect(people.map((outcome) => outcome.ok && outcome.value.cohorts)).toEqual([
      [{ column: 'cohort1', value: 'Sales team' }],
      [{ column: 'cohort1', value: 'Sales team' }],
      undefined,
      undefined,
    ]);
  });
});
