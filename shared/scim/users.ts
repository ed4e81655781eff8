/**
 * LMS people as SCIM Users (RFC 7643 §4.1 and the enterprise extension §4.3), and back:
 *
 * | SCIM                                   | LMS person                                              |
 * | -------------------------------------- | ------------------------------------------------------- |
 * | id                                     | id                                                      |
 * | externalId                             | externalId                                              |
 * | userName                               | scim.userName (a person SCIM has not provisioned: email) |
 * | name.givenName, name.familyName        | givenName, familyName (name.formatted is shown, not kept) |
 * | displayName                            | scim.displayName (else "given family")                  |
 * | emails (the primary one)               | email                                                   |
 * | active                                 | status (false: suspended)                               |
 * | title                                  | jobTitle                                                |
 * | enterprise employeeNumber, costCenter, organization | customAttributes of the same names         |
 * | enterprise department                  | scim.department as sent; departmentId when it names one |
 * | enterprise manager.value               | managerId                                               |
 * | meta                                   | createdAt, updatedAt, version (weak ETag), location     |
 */
import type * as z from 'zod';
import { Id, text } from '../domain/common.ts';
import { Email, ExternalId, type User } from '../domain/user.ts';
import { ScimError } from './errors.ts';
import { ENTERPRISE_USER_SCHEMA, type ScimResource, USER_SCHEMA } from './schema.ts';

/** Enterprise attributes kept as the person's custom attributes, under the same names. */
export const ENTERPRISE_CUSTOM_ATTRIBUTES = ['employeeNumber', 'costCenter', 'organization'] as const;

/** A person as a SCIM User; `base` is the absolute URL of `/scim/v2` for `meta.location` and `$ref`s. */
export function scimUser(user: User, base: string): ScimResource {
  const enterprise = dropUnassigned({
    ...Object.fromEntries(ENTERPRISE_CUSTOM_ATTRIBUTES.map((name) => [name, user.customAttributes[name]])),
    department: user.scim?.department,
    manager: user.managerId ? { value: user.managerId, $ref: `${base}/Users/${user.managerId}` } : undefined,
  });
  const hasEnterprise = Object.keys(enterprise).length > 0;
  return dropUnassigned({
    schemas: hasEnterprise ? [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [USER_SCHEMA],
    id: user.id,
    externalId: user.externalId,
    userName: scimUserName(user),
    name: {
      formatted: `${user.givenName} ${user.familyName}`,
      familyName: user.familyName,
      givenName: user.givenName,
    },
    displayName: user.scim?.displayName ?? `${user.givenName} ${user.familyName}`,
    title: user.jobTitle,
    active: user.status === 'active',
    emails: [{ value: user.email, type: 'work', primary: true }],
    ...(hasEnterprise ? { [ENTERPRISE_USER_SCHEMA]: enterprise } : {}),
    meta: {
      resourceType: 'User',
      created: user.createdAt,
      lastModified: user.updatedAt,
      location: `${base}/Users/${user.id}`,
      version: `W/"${user.version}"`,
    },
  });
}

/** The userName SCIM knows the person by: the one it gave, else (a person it has not provisioned) the email. */
function scimUserName(user: User): string {
  return user.scim?.userName ?? user.email;
}

/** What a SCIM User says about a person, in the LMS's fields, checked against the LMS's rules. */
export interface ScimPerson {
  userName: string;
  externalId: string | null;
  givenName: string;
  familyName: string;
  displayName: string | null;
  /** The primary email, else the work one, else the first; else the userName when it is an email. */
  email: string | undefined;
  /** Undefined when the resource does not say (a POST then creates the person active). */
  active: boolean | undefined;
  jobTitle: string | null;
  custom: Record<(typeof ENTERPRISE_CUSTOM_ATTRIBUTES)[number], string | null>;
  department: string | null;
  managerId: string | null;
}

/**
 * Reads a User resource in canonical form (`readScimResource`, or a PATCH's result) as a person.
 *
 * @throws {ScimError} 400 `invalidValue` naming the attribute whose value the LMS cannot keep.
 */
export function scimPerson(resource: ScimResource): ScimPerson {
  const name = isObject(resource.name) ? resource.name : {};
  const enterprise = isObject(resource[ENTERPRISE_USER_SCHEMA]) ? resource[ENTERPRISE_USER_SCHEMA] : {};
  const manager = isObject(enterprise.manager) ? enterprise.manager.value : undefined;
  const userName = checked('userName', resource.userName, UserName);
  return {
    userName,
    externalId: optional('externalId', resource.externalId, ExternalId),
    givenName: checked('name.givenName', name.givenName, text(100), 'the LMS keeps a given name'),
    familyName: checked('name.familyName', name.familyName, text(100), 'the LMS keeps a family name'),
    displayName: optional('displayName', resource.displayName, text(256)),
    email: emailOf(resource.emails, userName),
    active: typeof resource.active === 'boolean' ? resource.active : undefined,
    jobTitle: optional('title', resource.title, text(120)),
    custom: Object.fromEntries(
      ENTERPRISE_CUSTOM_ATTRIBUTES.map((attribute) => [
        attribute,
        optional(`${ENTERPRISE_USER_SCHEMA}:${attribute}`, enterprise[attribute], text(256)),
      ]),
    ) as ScimPerson['custom'],
    department: optional(`${ENTERPRISE_USER_SCHEMA}:department`, enterprise.department, text(256)),
    managerId: optional(`${ENTERPRISE_USER_SCHEMA}:manager.value`, manager, Id, 'the id of a User'),
  };
}

const UserName = text(256);

/** The LMS email of the emails given, checked; undefined when there is none and the userName is no email. */
function emailOf(emails: unknown, userName: string): string | undefined {
  const list = (Array.isArray(emails) ? emails : []).filter(isObject);
  const chosen =
    list.find((email) => email.primary === true) ?? list.find((email) => email.type === 'work') ?? list[0];
  if (chosen?.value !== undefined) return checked('emails.value', chosen.value, Email, 'an email address');
  return Email.safeParse(userName).success ? userName : undefined;
}

function checked<T extends z.ZodType<string>>(
  path: string,
  value: unknown,
  schema: T,
  what?: string,
): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const reason = value === undefined ? 'is required' : `is not valid: ${parsed.error.issues[0]?.message}`;
  throw new ScimError(400, 'invalidValue', `${path} ${reason}${what ? ` (${what})` : ''}.`);
}

function optional<T extends z.ZodType<string>>(
  path: string,
  value: unknown,
  schema: T,
  what?: string,
): string | null {
  return value === undefined || value === null ? null : checked(path, value, schema, what);
}

function dropUnassigned(resource: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(resource).filter(([, value]) => value !== undefined && value !== null),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
