/**
 * SCIM filters: the examples of RFC 7644 §3.4.2.2 (on the LMS's attributes where the RFC uses others, like
 * userType), the filters Okta and Entra ID document, how each is evaluated over a resource, the index lookup
 * a repository may use, and every refusal with the place it names.
 */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../shared/scim/errors.ts';
import {
  equalityLookupValue,
  matchesScimFilter,
  parseScimFilter,
  type ScimFilter,
} from '../../../shared/scim/filter.ts';
import { GROUP_FILTER_ATTRIBUTES, USER_FILTER_ATTRIBUTES } from '../../../shared/scim/schema.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A filter written back as text, every `and`/`or` in parentheses, so precedence shows. */
function written(filter: ScimFilter): string {
  switch (filter.kind) {
    case 'compare':
      return `${filter.attribute.path} ${filter.operator} ${JSON.stringify(filter.value)}`;
    case 'present':
      return `${filter.attribute.path} pr`;
    case 'and':
    case 'or':
      return `(${filter.filters.map(written).join(` ${filter.kind} `)})`;
    case 'not':
      return `not ${written(filter.filter)}`;
    case 'valuePath':
      return `${filter.attribute.path}[${written(filter.filter)}]`;
  }
}

function userFilter(text: string): string {
  return written(parseScimFilter(text, USER_FILTER_ATTRIBUTES));
}

/** The error a filter is refused with. */
function refusal(text: string, allowed = USER_FILTER_ATTRIBUTES): ScimError {
  try {
    parseScimFilter(text, allowed);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error(`${text} was accepted`);
}

/** Barbara Jensen of RFC 7643 §8.2, with the LMS's attributes. */
const bjensen = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'Bjensen-701984',
  userName: 'bjensen@example.com',
  name: { formatted: "Ms. Barbara J Jensen O'Malley", familyName: "O'Malley", givenName: 'Barbara' },
  displayName: '',
  title: 'Tour Guide',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations' },
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
  },
};

const group = {
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  displayName: 'Tour Guides',
  members: [{ value: '2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen' }],
};

describe('parseScimFilter: the examples of RFC 7644 §3.4.2.2', () => {
  it.each([
    ['userName eq "bjensen"', 'userName eq "bjensen"'],
    [`name.familyName co "O'Malley"`, `name.familyName co "O'Malley"`],
    ['userName sw "J"', 'userName sw "J"'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', 'userName sw "J"'],
    ['title pr', 'title pr'],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', 'meta.lastModified gt "2011-05-13T04:42:34Z"'],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', 'meta.lastModified ge "2011-05-13T04:42:34Z"'],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', 'meta.lastModified lt "2011-05-13T04:42:34Z"'],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', 'meta.lastModified le "2011-05-13T04:42:34Z"'],
    // userType eq "Employee" in the RFC: the LMS keeps no userType.
    ['title pr and active eq true', '(title pr and active eq true)'],
    ['title pr or active eq true', '(title pr or active eq true)'],
    [
      'active eq false and (emails co "example.com" or emails.value co "example.org")',
      '(active eq false and (emails.value co "example.com" or emails.value co "example.org"))',
    ],
    [
      'active ne true and not (emails co "example.com" or emails.value co "example.org")',
      '(active ne true and not (emails.value co "example.com" or emails.value co "example.org"))',
    ],
    ['active eq true and (emails.type eq "work")', '(active eq true and emails.type eq "work")'],
    [
      'active eq true and emails[type eq "work" and value co "@example.com"]',
      '(active eq true and emails[(emails.type eq "work" and emails.value co "@example.com")])',
    ],
    [
      'emails[type eq "work" and value co "@example.com"] or emails[type eq "home" and value co "@example.com"]',
      '(emails[(emails.type eq "work" and emails.value co "@example.com")] or emails[(emails.type eq "home" and emails.value co "@example.com")])',
    ],
  ])('reads %s', (text, expected) => {
    // Act / Assess
    expect(userFilter(text)).toBe(expected);
  });
});

describe('parseScimFilter: what the identity providers send', () => {
  it.each([
    // Okta's SCIM 2.0 reference, "Determine if the User already exists".
    ['userName eq "test.user@okta.local"', 'userName eq "test.user@okta.local"'],
    // Entra ID's "Develop and plan provisioning for a SCIM endpoint": by userName, externalId, work email.
    [
      'userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"',
      'userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"',
    ],
    [
      'externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"',
      'externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"',
    ],
    [
      'emails[type eq "work"].value eq "user@contoso.com"',
      'emails[(emails.type eq "work" and emails.value eq "user@contoso.com")]',
    ],
    [`${ENTERPRISE}:employeeNumber eq "701984"`, `${ENTERPRISE}:employeeNumber eq "701984"`],
    // RFC 7644 §3.10: an extension attribute "SHOULD" be qualified; unqualified, it is still found.
    ['employeeNumber eq "701984"', `${ENTERPRISE}:employeeNumber eq "701984"`],
  ])('reads %s', (text, expected) => {
    expect(userFilter(text)).toBe(expected);
  });

  it.each([
    // Entra ID: groups by displayName.
    ['displayName eq "displayName"', 'displayName eq "displayName"'],
    ['members[value eq "2819c223"]', 'members[members.value eq "2819c223"]'],
    // A complex attribute alone means its value (AWS IAM Identity Center's and ssosync's members filter).
    ['id eq "e9e30dba" and members eq "2819c223"', '(id eq "e9e30dba" and members.value eq "2819c223")'],
  ])('reads the Group filter %s', (text, expected) => {
    expect(written(parseScimFilter(text, GROUP_FILTER_ATTRIBUTES))).toBe(expected);
  });
});

describe('parseScimFilter: grammar', () => {
  it.each([
    [
      'and binds tighter than or',
      'title pr or active eq true and userName sw "b"',
      '(title pr or (active eq true and userName sw "b"))',
    ],
    [
      'and first, then or',
      'title pr and active eq true or userName sw "b"',
      '((title pr and active eq true) or userName sw "b")',
    ],
    [
      'parentheses first',
      '(title pr or active eq true) and userName sw "b"',
      '((title pr or active eq true) and userName sw "b")',
    ],
    [
      'not applies to its parentheses only',
      'not (title pr) and active eq true',
      '(not title pr and active eq true)',
    ],
    [
      'a chain of and',
      'title pr and active eq true and userName sw "b"',
      '(title pr and active eq true and userName sw "b")',
    ],
    ['nested parentheses', '((title pr))', 'title pr'],
  ])('%s', (_label, text, expected) => {
    expect(userFilter(text)).toBe(expected);
  });

  it.each([
    ['operators in any case', 'userName Eq "john"', 'userName eq "john"'],
    [
      'attribute names in any case (the RFC: filter=Username eq "john")',
      'Username eq "john"',
      'userName eq "john"',
    ],
    [
      'everything upper case',
      'USERNAME EQ "john" AND TITLE PR OR NOT (ACTIVE EQ TRUE)',
      '((userName eq "john" and title pr) or not active eq true)',
    ],
    [
      'a URN in any case',
      'URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:NAME.FAMILYNAME eq "x"',
      'name.familyName eq "x"',
    ],
    [
      'sub-attributes in brackets in any case',
      'EMAILS[TYPE eq "work"].VALUE pr',
      'emails[(emails.type eq "work" and emails.value pr)]',
    ],
    [
      'true, false and null in any case',
      'active eq False or title eq NULL',
      '(active eq false or title eq null)',
    ],
  ])('reads %s', (_label, text, expected) => {
    expect(userFilter(text)).toBe(expected);
  });

  it.each([
    [
      'a value right after its operator (RFC 7644 §3.5.2.2 writes value eq"…")',
      'userName eq"bjensen"',
      'userName eq "bjensen"',
    ],
    ['not( without a space', 'not(title pr)', 'not title pr'],
    ['spaces, tabs and line breaks around tokens', '  userName\teq\n"bjensen"  ', 'userName eq "bjensen"'],
  ])('reads %s', (_label, text, expected) => {
    expect(userFilter(text)).toBe(expected);
  });

  it('reads the JSON escapes of a string', () => {
    // Prepare
    const text = String.raw`displayName eq "a\"b\\c\/d\be\ff\ng\rh\ti\u00e9\u2603"`;

    // Act
    const filter = parseScimFilter(text, USER_FILTER_ATTRIBUTES);

    // Assess
    expect(filter).toMatchObject({ kind: 'compare', operator: 'eq', value: 'a"b\\c/d\be\ff\ng\rh\tié☃' });
  });

  it('keeps a string as written, spaces and brackets included', () => {
    expect(userFilter('displayName eq " (not) and [or] "')).toBe('displayName eq " (not) and [or] "');
  });

  it('accepts a filter of exactly 1,000 characters and 10 levels', () => {
    // Prepare
    const long = `displayName eq "${'a'.repeat(1000 - 'displayName eq ""'.length)}"`;
    const deep = `${'('.repeat(10)}title pr${')'.repeat(10)}`;

    // Act / Assess
    expect(long).toHaveLength(1000);
    expect(userFilter(long)).toBe(`displayName eq "${'a'.repeat(983)}"`);
    expect(userFilter(deep)).toBe('title pr');
  });
});

describe('parseScimFilter: refusals', () => {
  it.each([
    ['an empty filter', '', 'The filter is empty.'],
    ['only spaces', '   ', 'The filter is empty.'],
    [
      'an operator that is not one',
      'userName equals "bjensen"',
      'Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after userName at character 10, found "equals".',
    ],
    [
      'a missing operator',
      'userName',
      'Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after userName at the end, found nothing.',
    ],
    [
      'a value without quotes',
      'userName eq bjensen',
      'Expected a value after eq at character 13 (a "string" in double quotes, true, false or null), found "bjensen".',
    ],
    [
      'single quotes',
      "userName eq 'bjensen'",
      'Strings are written in double quotes, not single ones (character 13).',
    ],
    [
      'an unterminated string',
      'userName eq "bjensen',
      'The string that starts at character 13 has no closing double quote.',
    ],
    [
      'an escape JSON does not have',
      String.raw`userName eq "a\qb"`,
      String.raw`Invalid escape \q at character 15: strings use JSON escapes (\" \\ \/ \b \f \n \r \t \uXXXX).`,
    ],
    [
      'a short \\u escape',
      String.raw`userName eq "\u12"`,
      String.raw`Invalid escape \u at character 14: strings use JSON escapes (\" \\ \/ \b \f \n \r \t \uXXXX).`,
    ],
    [
      'a raw line break in a string',
      'userName eq "a\nb"',
      'Control character in the string at character 15: escape it, like \\n.',
    ],
    [
      'trailing tokens',
      'userName eq "bjensen" title pr',
      'Expected and, or or the end of the filter at character 23, found "title".',
    ],
    ['a dangling and', 'userName eq "bjensen" and', 'Expected an attribute name at the end, found nothing.'],
    [
      'a character outside the grammar',
      'userName eq "x"; title pr',
      'Unexpected character ";" at character 16.',
    ],
    [
      'an unclosed parenthesis',
      '(title pr',
      'Expected ) to close the ( at character 1, found nothing at the end.',
    ],
    [
      'a stray closing parenthesis',
      'title pr)',
      'Expected and, or or the end of the filter at character 9, found ")".',
    ],
    ['not without parentheses', 'not title pr', 'Expected ( after not at character 5, found "title".'],
    [
      'an unclosed bracket',
      'emails[type eq "work"',
      'Expected ] to close the [ at character 7, found nothing at the end.',
    ],
    [
      'a bracket filter in a bracket filter',
      'emails[type eq "work" and emails[value pr]]',
      'A [filter] cannot hold another one: "emails" at character 27.',
    ],
    [
      'a bracket after a single-valued attribute',
      'userName[value eq "x"]',
      'Only multi-valued attributes take a [filter]; userName at character 1 is not one.',
    ],
    [
      'a sub-attribute the brackets cannot test',
      'emails[display eq "x"]',
      'Unknown sub-attribute "display" of emails at character 8: it has value, type, primary.',
    ],
    [
      'gt on a boolean (RFC 7644 §3.4.2.2)',
      'active gt true',
      'active is a boolean: compare it with eq or ne, not gt (at character 1).',
    ],
    [
      'co on a boolean',
      'active co true',
      'active is a boolean: compare it with eq or ne, not co (at character 1).',
    ],
    [
      'a string for a boolean',
      'active eq "true"',
      'active is a boolean: compare it with true or false (at character 1).',
    ],
    [
      'a number for a string',
      'userName eq 12',
      'userName is a string: compare it with a "string" in double quotes, not 12 (at character 1).',
    ],
    [
      'a boolean for a string',
      'title eq true',
      'title is a string: compare it with a "string" in double quotes, not true (at character 1).',
    ],
    ['null with gt', 'title gt null', 'null compares only with eq or ne, not gt (at character 1).'],
    [
      'a date that is not one',
      'meta.lastModified gt "2011-02-30T00:00:00Z"',
      'meta.lastModified is a dateTime like 2011-05-13T04:42:34Z; "2011-02-30T00:00:00Z" is not one (at character 1).',
    ],
    [
      'a date without its offset',
      'meta.created lt "2011-05-13T04:42:34"',
      'meta.created is a dateTime like 2011-05-13T04:42:34Z; "2011-05-13T04:42:34" is not one (at character 1).',
    ],
    [
      'co on a date',
      'meta.created co "2011"',
      'meta.created is a dateTime: compare it with eq, ne, gt, ge, lt or le, not co (at character 1).',
    ],
  ])('refuses %s', (_label, text, detail) => {
    // Act
    const error = refusal(text);

    // Assess
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter', detail });
  });

  it.each([
    ['an attribute the LMS does not keep', 'nickName eq "Babs"', 'nickName', 1],
    ['a kept attribute nobody may filter by', 'name.formatted eq "x"', 'name.formatted', 1],
    ['a misspelt one after a valid term', 'userName eq "x" and titel pr', 'titel', 21],
    ['a sub-attribute of a simple attribute', 'title.value pr', 'title.value', 1],
    [
      "another resource type's schema",
      'urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "x"',
      'urn:ietf:params:scim:schemas:core:2.0:Group:displayName',
      1,
    ],
    ['an unknown schema', 'urn:example:custom:costCode eq "x"', 'urn:example:custom:costCode', 1],
  ])('refuses %s, naming it', (_label, text, attribute, character) => {
    // Act
    const error = refusal(text);

    // Assess
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toBe(
      `Unknown attribute "${attribute}" at character ${character}: you can filter by id, userName, externalId, displayName, name.givenName, name.familyName, emails.value, emails.type, emails.primary, active, title, meta.created, meta.lastModified, ${ENTERPRISE}:employeeNumber.`,
    );
  });

  it('refuses a User attribute in a Group filter', () => {
    expect(refusal('userName eq "x"', GROUP_FILTER_ATTRIBUTES).detail).toBe(
      'Unknown attribute "userName" at character 1: you can filter by id, externalId, displayName, members.value, meta.created, meta.lastModified.',
    );
  });

  it('refuses a filter over 1,000 characters before reading it', () => {
    // Prepare
    const text = `displayName eq "${'a'.repeat(1000)}"`;

    // Act / Assess
    expect(refusal(text)).toMatchObject({
      scimType: 'invalidFilter',
      detail: 'The filter is 1017 characters long; at most 1000.',
    });
  });

  it.each([
    ['parentheses', `${'('.repeat(11)}title pr${')'.repeat(11)}`, 'character 11'],
    ['not', `${'not ('.repeat(11)}title pr${')'.repeat(11)}`, 'character 55'],
    [
      'brackets inside parentheses',
      `${'('.repeat(10)}emails[type eq "work"]${')'.repeat(10)}`,
      'character 17',
    ],
  ])('refuses %s nested 11 deep', (_label, text, place) => {
    expect(refusal(text)).toMatchObject({
      scimType: 'invalidFilter',
      detail: `The filter nests more than 10 levels deep at ${place}.`,
    });
  });
});

describe('matchesScimFilter', () => {
  it.each([
    ['userName eq "bjensen@example.com"', true],
    ['userName eq "BJensen@Example.COM"', true],
    ['userName eq "bjensen"', false],
    ['externalId eq "Bjensen-701984"', true],
    ['externalId eq "bjensen-701984"', false],
    ['id eq "2819C223-7F76-453A-919D-413861904646"', false],
    [`name.familyName co "o'malley"`, true],
    ['name.familyName sw "O\'"', true],
    ['name.familyName ew "LEY"', true],
    ['name.givenName co "x"', false],
    ['userName gt "a"', true],
    ['userName lt "BZ"', true],
    ['userName ge "bjensen@example.com"', true],
    ['userName le "bjensen@example.co"', false],
  ])('compares strings: %s is %s', (text, expected) => {
    expect(matchesScimFilter(parseScimFilter(text, USER_FILTER_ATTRIBUTES), bjensen)).toBe(expected);
  });

  it.each([
    ['emails.value ew "@jensen.org"', true],
    ['emails co "example.com"', true],
    ['emails.type eq "other"', false],
    ['emails[type eq "work" and value co "@example.com"]', true],
    ['emails[type eq "home" and value co "@example.com"]', false],
    ['emails[type eq "work"].value eq "bjensen@example.com"', true],
    ['emails[type eq "home"].value eq "bjensen@example.com"', false],
    ['emails[primary eq true].value ew "example.com"', true],
    ['emails[not (primary eq true)]', true],
    ['emails.primary eq false', false],
    // ne is not eq: no element may be equal.
    ['emails.type ne "work"', false],
    ['emails.type ne "other"', true],
  ])('tests multi-valued attributes element by element: %s is %s', (text, expected) => {
    expect(matchesScimFilter(parseScimFilter(text, USER_FILTER_ATTRIBUTES), bjensen)).toBe(expected);
  });

  it.each([
    ['title pr', true],
    ['displayName pr', false],
    ['name.givenName pr', true],
    ['emails pr', true],
    ['title eq null', false],
    ['name.givenName eq null', false],
    ['title ne null', true],
    ['title ne "Tour Guide"', false],
    ['title ne "Driver"', true],
    ['active eq true', true],
    ['active ne true', false],
    [`${ENTERPRISE}:employeeNumber eq "701984"`, true],
    ['not (title pr)', false],
    ['title pr and active eq false', false],
    ['title pr or active eq false', true],
    ['active eq false or title pr and userName sw "b"', true],
    ['(active eq false or title pr) and userName sw "x"', false],
  ])('tests presence, booleans and logic: %s is %s', (text, expected) => {
    expect(matchesScimFilter(parseScimFilter(text, USER_FILTER_ATTRIBUTES), bjensen)).toBe(expected);
  });

  it.each([
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', true],
    ['meta.lastModified eq "2011-05-13T06:42:34+02:00"', true],
    ['meta.lastModified lt "2011-05-13T06:42:34.001+02:00"', true],
    ['meta.lastModified gt "2011-05-12T23:59:59-05:00"', false],
    ['meta.created le "2010-01-23T04:56:22.000Z"', true],
  ])('compares dateTimes as instants: %s is %s', (text, expected) => {
    expect(matchesScimFilter(parseScimFilter(text, USER_FILTER_ATTRIBUTES), bjensen)).toBe(expected);
  });

  it('finds nothing in attributes the resource does not have', () => {
    // Prepare
    const bare = { id: 'u2', userName: 'ada' };

    // Act / Assess
    expect(matchesScimFilter(parseScimFilter('emails.value co "@"', USER_FILTER_ATTRIBUTES), bare)).toBe(
      false,
    );
    expect(matchesScimFilter(parseScimFilter('emails[type eq "work"]', USER_FILTER_ATTRIBUTES), bare)).toBe(
      false,
    );
    expect(
      matchesScimFilter(
        parseScimFilter('meta.created lt "2030-01-01T00:00:00Z"', USER_FILTER_ATTRIBUTES),
        bare,
      ),
    ).toBe(false);
    expect(matchesScimFilter(parseScimFilter('title eq null', USER_FILTER_ATTRIBUTES), bare)).toBe(true);
    expect(matchesScimFilter(parseScimFilter('title ne "x"', USER_FILTER_ATTRIBUTES), bare)).toBe(true);
  });

  it.each([
    ['members[value eq "2819c223-7f76-453a-919d-413861904646"]', true],
    ['members eq "2819c223-7f76-453a-919d-413861904646"', true],
    ['members.value eq "2819C223-7F76-453A-919D-413861904646"', false],
    ['displayName eq "tour guides"', true],
  ])('tests Groups: %s is %s', (text, expected) => {
    expect(matchesScimFilter(parseScimFilter(text, GROUP_FILTER_ATTRIBUTES), group)).toBe(expected);
  });
});

describe('equalityLookupValue', () => {
  it.each([
    ['userName eq "bjensen"', 'userName', 'bjensen'],
    ['USERNAME EQ "bjensen"', 'userName', 'bjensen'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bjensen"', 'userName', 'bjensen'],
    ['userName eq "bjensen" and active eq true', 'userName', 'bjensen'],
    ['externalId eq "701984" and userName eq "bjensen"', 'externalId', '701984'],
    ['externalId eq "701984" and userName eq "bjensen"', 'userName', 'bjensen'],
    ['(title pr and userName eq "bjensen") and active eq true', 'userName', 'bjensen'],
    [`${ENTERPRISE}:employeeNumber eq "701984"`, `${ENTERPRISE}:employeeNumber`, '701984'],
    // A resource with an element whose value it is: Entra ID's query by work email, and its bracket form
    ['emails[type eq "work"].value eq "bjensen@example.com"', 'emails.value', 'bjensen@example.com'],
    ['emails[value eq "bjensen@example.com"]', 'emails.value', 'bjensen@example.com'],
  ])('looks %s up by %s', (text, path, expected) => {
    expect(equalityLookupValue(parseScimFilter(text, USER_FILTER_ATTRIBUTES), path)).toBe(expected);
  });

  it('looks a group up by a member, as Entra ID asks whether someone is in a group', () => {
    const filter = parseScimFilter('id eq "g1" and members[value eq "u1"]', GROUP_FILTER_ATTRIBUTES);
    expect(equalityLookupValue(filter, 'members.value')).toBe('u1');
    expect(equalityLookupValue(filter, 'id')).toBe('g1');
  });

  it.each([
    ['another attribute', 'externalId eq "701984"', 'userName'],
    ['or', 'userName eq "a" or userName eq "b"', 'userName'],
    ['not', 'not (userName eq "bjensen")', 'userName'],
    ['ne', 'userName ne "bjensen"', 'userName'],
    ['sw', 'userName sw "bjensen"', 'userName'],
    ['eq null', 'userName eq null', 'userName'],
    ['an eq inside an or', 'title pr or (userName eq "bjensen" and active eq true)', 'userName'],
    ['an eq in brackets of an or', 'emails[value eq "a@example.com" or type eq "work"]', 'emails.value'],
    ['an eq in brackets under not', 'not (emails[value eq "a@example.com"])', 'emails.value'],
  ])('does not look up by index through %s', (_label, text, path) => {
    expect(equalityLookupValue(parseScimFilter(text, USER_FILTER_ATTRIBUTES), path)).toBeUndefined();
  });
});
