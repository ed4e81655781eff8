/**
 * Moodle's "Upload users" CSV (admin/tool/uploaduser) as a people format, with Moodle's own rules where this
 * LMS has the same notion: a username on every row, an email required, firstname and lastname for a new
 * person, `suspended` 0/1, `deleted` 1, `oldusername` renames. Columns are named in lower case (the planner
 * lower-cases the header, as Moodle does for its standard fields).
 *
 * Who a row is. Moodle names a person by their username; this LMS finds people by external id, else email.
 * - `idnumber`, the institution's id for the person (often the HR number), is the external id.
 * - `username` is kept as the custom attribute `moodle_username`. When the row has no idnumber it also stands
 *   in for the external id (PersonRow.account): it finds the person as Moodle would, whatever their email
 *   is now, and becomes the external id of a person who has none, but never replaces one a person has from
 *   elsewhere (an HR feed's).
 * Why: custom attributes are not looked up, so with the attribute alone a re-import after an email change
 * in Moodle would create the person a second time; and with the username always the external id, an HR
 * feed and a Moodle file would keep overwriting each other's ids.
 *
 * Enrollments. Each `courseN` (a course's code here) is read with its `roleN`/`typeN`, `enrolstatusN`,
 * `enroltimestartN`, `enrolperiodN` and `groupN` into a CourseCell of its own, so a bad cell refuses that
 * course and not the person; the people planner plans them (people-courses.ts).
 */
import * as z from 'zod';
import { Id, text } from '../domain/common.ts';
import { CourseCode } from '../domain/course.ts';
import { Email, ExternalId, normaliseEmail } from '../domain/user.ts';
import { parseDate } from './dates.ts';
import { AttributeName, departmentRef } from './people-formats.ts';
import type { CourseCell, PeopleFormat, PersonRow } from './people-rows.ts';
import { CellError, cell, checked, type RowContext, reading } from './rows.ts';

const Name = text(100);
const Location = text(120);
const AttributeText = text(256);
/** Moodle's PARAM_USERNAME once standardised (the upload form's default): lower case, `_ - . @`. */
const Username = z
  .string()
  .max(100)
  .regex(/^[a-z0-9_.@-]+$/);
/** Moodle authentication plugin names: `manual`, `nologin`, `ldap`, `oauth2`, `saml2`, `shibboleth`... */
const AuthMethod = z
  .string()
  .max(50)
  .regex(/^[a-z][a-z0-9_]*$/);

/** ISO 3166-1 alpha-2, the codes Moodle's country field holds. */
const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV ' +
    'BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ' +
    'ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE ' +
    'IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY ' +
    'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU ' +
    'NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM ' +
    'SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE ' +
    'VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** The custom attributes the standard columns fill (a profile field may not take their names). */
const ATTRIBUTES = {
  username: 'moodle_username',
  auth: 'moodle_auth',
  institution: 'institution',
  country: 'country',
} as const;

const PROFILE_FIELD = 'profile_field_';
/** Moodle's enrollment columns (`type1` is the old form of `role1`). */
const ENROLLMENT = /^(course|role|group|type|enroltimestart|enrolperiod|enrolstatus)\d+$/;
const COURSE = /^course(\d+)$/;
/** Moodle's roles that teach or manage a course: this LMS enrolls learners; a course's owners are set on it. */
const TEACHING_ROLES = new Set(['editingteacher', 'teacher', 'manager']);
/** The role ids of a standard Moodle install, which `roleN` may give instead of the short name. */
const ROLE_IDS: Readonly<Record<string, string>> = {
  '1': 'manager',
  '2': 'coursecreator',
  '3': 'editingteacher',
  '4': 'teacher',
  '5': 'student',
  '6': 'guest',
  '7': 'user',
  '8': 'frontpage',
};
/** Moodle's legacy `typeN`: 1 the course's default role (student), 2 teacher, 3 non-editing teacher. */
const LEGACY_TYPES: Readonly<Record<string, string>> = {
  '1': 'student',
  '2': 'editingteacher',
  '3': 'teacher',
};
/** Moodle keeps an enrolment's duration in days; a longer one than 100 years is a typo. */
const MAX_PERIOD_DAYS = 36_500;
const COHORT = /^cohort(\d+)$/;
const SITE_ROLE = /^sysrole\d+$/;
/** Moodle's standard user fields that have no place in this LMS's profiles. */
const NOT_KEPT = [
  'id',
  'emailstop',
  'lang',
  'timezone',
  'mailformat',
  'maildisplay',
  'maildigest',
  'htmleditor',
  'autosubscribe',
  'skype',
  'msn',
  'aim',
  'yahoo',
  'icq',
  'phone1',
  'phone2',
  'address',
  'url',
  'description',
  'descriptionformat',
  'theme',
  'mnethostid',
  'interests',
  'middlename',
  'alternatename',
  'firstnamephonetic',
  'lastnamephonetic',
  'moodlenetprofile',
];

export const PASSWORD_WARNING =
  'The password column is ignored: no password from the file is stored. People sign in through the LMS (single sign-on, or a password they set themselves).';

export const moodlePeople: PeopleFormat = {
  columns: [
    'username',
    'email',
    'firstname',
    'lastname',
    'idnumber',
    'auth',
    'institution',
    'department',
    'city',
    'country',
    'suspended',
    'deleted',
    'oldusername',
  ],
  required: ['username', 'email'],
  ignored: { password: PASSWORD_WARNING },
  matches: (column) =>
    column.startsWith(PROFILE_FIELD) ||
    ENROLLMENT.test(column) ||
    COHORT.test(column) ||
    SITE_ROLE.test(column) ||
    NOT_KEPT.includes(column),
  notes(columns) {
    const notes: string[] = [];
    const orphans = columns.filter((column) => {
      const n = /\d+$/.exec(column)?.[0];
      return ENROLLMENT.test(column) && !COURSE.test(column) && !columns.includes(`course${n}`);
    });
    if (orphans.length > 0)
      notes.push(`Enrollment columns without their course column, not imported: ${orphans.join(', ')}.`);
    const notKept = columns.filter((column) => NOT_KEPT.includes(column) || SITE_ROLE.test(column));
    if (notKept.length > 0)
      notes.push(`Moodle columns with no place in this LMS's profiles, not imported: ${notKept.join(', ')}.`);
    return notes;
  },
  columnOf: {
    externalId: 'idnumber',
    givenName: 'firstname',
    familyName: 'lastname',
    department: 'department',
  },
  row(fields, rowContext) {
    const { mode } = rowContext;
    return reading(({ warn }) => {
      const at = (column: string) => cell(fields, column, mode);
      const given = (column: string) => cell(fields, column, 'upsert') ?? undefined;

      const rawUsername = given('username');
      if (!rawUsername)
        throw new CellError('username', 'a username is required: Moodle names each person by it');
      const username = moodleUsername('username', rawUsername);
      const email = given('email');
      if (!email)
        throw new CellError(
          'email',
          'an email is required: Moodle refuses a new user without one, and this LMS finds people by email',
        );
      const person: PersonRow = { email: normaliseEmail(checked(Email, 'email', email, 'an email address')) };
      const attributes: Record<string, string | null> = { [ATTRIBUTES.username]: username };

      const firstname = given('firstname');
      if (firstname)
        person.givenName = checked(Name, 'firstname', firstname, 'a name of at most 100 characters');
      const lastname = given('lastname');
      if (lastname)
        person.familyName = checked(Name, 'lastname', lastname, 'a name of at most 100 characters');
      // An empty idnumber leaves the external id as it is, in a sync too: the username stands in for it.
      const idnumber = given('idnumber');
      if (idnumber)
        person.externalId = checked(
          ExternalId,
          'idnumber',
          idnumber,
          'an external id (letters, digits and . _ : @ - only, at most 128)',
        );

      const auth = at('auth');
      if (auth === null) attributes[ATTRIBUTES.auth] = null;
      else if (auth !== undefined) {
        const method = checked(
          AuthMethod,
          'auth',
          auth.toLowerCase(),
          'a Moodle authentication method (manual, nologin, ldap, oauth2, saml2...)',
        );
        attributes[ATTRIBUTES.auth] = method;
        if (method === 'nologin')
          warn(
            'auth is nologin: this person could not sign in to Moodle; they are imported active unless suspended is 1',
          );
      }
      const institution = at('institution');
      if (institution !== undefined)
        attributes[ATTRIBUTES.institution] =
          institution === null
            ? null
            : checked(AttributeText, 'institution', institution, 'at most 256 characters of text');
      const department = at('department');
      if (department !== undefined) person.department = moodleDepartment(department);
      const city = at('city');
      if (city !== undefined)
        person.location =
          city === null ? null : checked(Location, 'city', city, 'at most 120 characters of text');
      const country = at('country');
      if (country === null) attributes[ATTRIBUTES.country] = null;
      else if (country !== undefined) {
        const code = country.toUpperCase();
        if (!COUNTRIES.has(code))
          throw new CellError(
            'country',
            `"${country}" is not a country code: two letters of ISO 3166-1, like PT or GB`,
          );
        attributes[ATTRIBUTES.country] = code;
      }

      const suspended = flag(given('suspended'), 'suspended', '1 suspends the person, 0 makes them active');
      if (suspended !== undefined) person.status = suspended ? 'suspended' : 'active';
      // We never delete (training records are kept for compliance): a deleted Moodle user is suspended, and
      // like Moodle, a deletion of someone who is not there is an error. It wins over `suspended`, as in Moodle.
      if (flag(given('deleted'), 'deleted', '1 deletes the person (suspends them here), 0 does nothing')) {
        person.status = 'suspended';
        person.existing = {
          column: 'deleted',
          reason: `no person with this ${idnumber ? 'idnumber' : 'username'} or email to delete (a deleted Moodle user is suspended here, never removed)`,
        };
      }

      const old = given('oldusername');
      const from = old === undefined ? undefined : moodleUsername('oldusername', old);
      // Sites whose usernames are emails rename by email: the person is also found by the old one.
      if (from && from !== username && Email.safeParse(from).success) person.previousEmail = from;
      person.account = {
        column: 'username',
        attribute: ATTRIBUTES.username,
        label: 'Moodle username',
        value: username,
        rename: { column: 'oldusername', ...(from && from !== username ? { from } : {}) },
      };
      person.unique = [{ column: 'username', value: username }];

      const taken = new Set(Object.keys(attributes));
      for (const [column, raw] of fields) {
        if (!column.startsWith(PROFILE_FIELD)) continue;
        const name = column.slice(PROFILE_FIELD.length);
        if (!AttributeName.safeParse(name).success)
          throw new CellError(
            column,
            `"${name}" cannot be a custom attribute's name: a letter, then letters, digits or _ (at most 64)`,
          );
        if (taken.has(name))
          throw new CellError(column, `the custom attribute ${name} is the ${standardColumn(name)} column’s`);
        const value = raw.trim();
        if (value === '' && mode !== 'sync') continue;
        if (value.length > 256) throw new CellError(column, 'at most 256 characters');
        attributes[name] = value === '' ? null : value;
      }
      person.customAttributes = attributes;
      const courses = moodleCourses(fields, rowContext);
      if (courses.length > 0) person.courses = courses;
      const cohorts = moodleCohorts(fields);
      if (cohorts.length > 0) person.cohorts = cohorts;
      return person;
    });
  },
};

/**
 * The cohorts a row adds its person to: each `cohortN` that is not empty, in the order of N. Moodle names a
 * cohort by its idnumber (its external id here), and creates one that does not exist.
 */
function moodleCohorts(fields: ReadonlyMap<string, string>): { column: string; value: string }[] {
  return [...fields.entries()]
    .flatMap(([column, value]) => {
      const n = COHORT.exec(column)?.[1];
      return n === undefined || value.trim() === '' ? [] : [{ n: Number(n), column, value: value.trim() }];
    })
    .sort((a, b) => a.n - b.n)
    .map(({ column, value }) => ({ column, value }));
}

/**
 * The courses a row enrolls its person in: each `courseN` with a shortname, with its `roleN` (or legacy
 * `typeN`), `enrolstatusN`, `enroltimestartN`, `enrolperiodN` and `groupN`. Each is read alone: a bad cell
 * refuses that course's enrollment, naming the cell, and the person and the other courses go on. A
 * `courseN` left empty enrolls in nothing, as in Moodle.
 */
function moodleCourses(fields: ReadonlyMap<string, string>, context: RowContext): CourseCell[] {
  const numbers = [...fields.keys()]
    .flatMap((column) => {
      const n = COURSE.exec(column)?.[1];
      return n === undefined ? [] : [Number(n)];
    })
    .sort((a, b) => a - b);
  const cells: CourseCell[] = [];
  for (const n of numbers) {
    const column = `course${n}`;
    const shortname = fields.get(column)?.trim();
    if (!shortname) continue;
    try {
      cells.push(moodleCourse(fields, n, shortname, context));
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      cells.push({ column, code: shortname, refused: { column: error.column, reason: error.message } });
    }
  }
  return cells;
}

function moodleCourse(
  fields: ReadonlyMap<string, string>,
  n: number,
  shortname: string,
  context: RowContext,
): CourseCell {
  const given = (name: string) => fields.get(`${name}${n}`)?.trim() || undefined;
  const code = checked(
    CourseCode,
    `course${n}`,
    shortname,
    'a course shortname (letters, digits, spaces and . _ : / -, at most 100)',
  );
  const role = given('role');
  const type = given('type');
  if (role !== undefined) learnerRole(`role${n}`, role.toLowerCase());
  else if (type !== undefined) {
    const legacy = LEGACY_TYPES[type];
    if (legacy === undefined)
      throw new CellError(
        `type${n}`,
        `"${type}" is not a Moodle enrolment type: 1 (the course's default role, student), 2 (teacher) or 3 (non-editing teacher)`,
      );
    learnerRole(`type${n}`, legacy);
  }
  const course: CourseCell = {
    column: `course${n}`,
    code,
    status: 'active',
    statusColumn: `enrolstatus${n}`,
    warnings: [],
  };
  const status = given('enrolstatus');
  if (status === '1') course.status = 'withdrawn';
  else if (status !== undefined && status !== '0')
    throw new CellError(
      `enrolstatus${n}`,
      `"${status}" is not 0 or 1 (1: a suspended enrolment, withdrawn here; 0 or empty: active)`,
    );
  const start = given('enroltimestart');
  if (start !== undefined) {
    const date = parseDate(start, {
      dateOrder: context.options.dateOrder,
      timezone: context.options.timezone,
      unix: true,
    });
    if (!date.ok) throw new CellError(`enroltimestart${n}`, date.reason);
    course.start = { at: date.iso, column: `enroltimestart${n}` };
  }
  const period = given('enrolperiod');
  if (period !== undefined) {
    if (!/^\d+$/.test(period) || Number(period) > MAX_PERIOD_DAYS)
      throw new CellError(
        `enrolperiod${n}`,
        `"${period}" is not a number of days (a whole number up to ${MAX_PERIOD_DAYS}; 0 or empty: no end)`,
      );
    if (Number(period) > 0) course.period = { days: Number(period), column: `enrolperiod${n}` };
  }
  const group = given('group');
  if (group !== undefined)
    course.warnings.push(
      `group${n} ${group} is not imported: this LMS has no course groups (the person is enrolled in ${code} without it)`,
    );
  return course;
}

/**
 * A Moodle role a people import enrolls with: the student role (by short name, or by its id on a standard
 * Moodle install); others are refused, naming why.
 */
function learnerRole(column: string, given: string): void {
  const role = ROLE_IDS[given] ?? given;
  if (role === 'student') return;
  const named = role === given ? role : `${given} (${role} on a standard Moodle site)`;
  if (TEACHING_ROLES.has(role))
    throw new CellError(
      column,
      `${named} is a teaching role, not imported: enrollments here are learners'; a course's teachers are its owners, set on the course (ownerIds)`,
    );
  throw new CellError(
    column,
    `${/^\d+$/.test(given) ? given : `"${given}"`} is not a course role this LMS enrolls with: student (or 5, its id on a standard Moodle site)`,
  );
}

/** A username as Moodle standardises it (trimmed, lower case), refused when Moodle would refuse it. */
function moodleUsername(column: string, value: string): string {
  const username = value.trim().toLowerCase();
  if (username === 'guest')
    throw new CellError(column, 'guest is Moodle’s guest account, not a person to import');
  return checked(
    Username,
    column,
    username,
    'a Moodle username (at most 100 of lower-case letters, digits and _ - . @)',
  );
}

/**
 * Moodle's department is free text, usually one name: a department of that name anywhere in the tree (when
 * only one has it). A path (`Sales/Sales EMEA`) or an id is read as in our format.
 */
function moodleDepartment(value: string | null): PersonRow['department'] {
  if (value === null || value.includes('/') || Id.safeParse(value.toLowerCase()).success)
    return departmentRef(value, 'department');
  const name = checked(Location, 'department', value, 'a department name of at most 120 characters');
  return { name };
}

/** Moodle's 0/1 columns: undefined when empty (unchanged). */
function flag(value: string | undefined, column: string, meaning: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === '0') return false;
  if (value === '1') return true;
  throw new CellError(column, `"${value}" is not 0 or 1 (${meaning})`);
}

function standardColumn(attribute: string): string {
  return Object.entries(ATTRIBUTES).find(([, name]) => name === attribute)?.[0] ?? attribute;
}
