/**
 * Static cohorts as SCIM Groups (RFC 7643 §4.2), and back: `displayName` is the cohort's name (unique without
 * regard to case, as Entra ID needs to match groups), `externalId` its external id, `members` its people
 * (`value` = the person's id). The LMS keeps no member `display`: it is accepted and not shown.
 */
import type { Cohort } from '../domain/cohort.ts';
import { CohortExternalId } from '../domain/cohort.ts';
import { Id, text } from '../domain/common.ts';
import { ScimError } from './errors.ts';
import { equalityLookupValue, parseScimPath } from './filter.ts';
import { GROUP_RESOURCE_TYPE, GROUP_SCHEMA, type ScimResource, scimAttributeRefs } from './schema.ts';

/**
 * The most members one request may add or remove (a POST's, a PUT's or a PATCH's): a group of 10,000 is
 * sent in pages of PATCHes, and more at once is refused with `tooMany`.
 */
export const MAX_MEMBERS_PER_REQUEST = 1000;

/** A cohort as a SCIM Group; `memberIds` undefined leaves `members` out (`excludedAttributes=members`). */
export function scimGroup(
  cohort: Cohort,
  memberIds: readonly string[] | undefined,
  base: string,
): ScimResource {
  return {
    schemas: [GROUP_SCHEMA],
    id: cohort.id,
    ...(cohort.externalId === null ? {} : { externalId: cohort.externalId }),
    displayName: cohort.name,
    ...(memberIds === undefined
      ? {}
      : { members: memberIds.map((value) => ({ value, $ref: `${base}/Users/${value}`, type: 'User' })) }),
    meta: {
      resourceType: 'Group',
      created: cohort.createdAt,
      lastModified: cohort.updatedAt,
      location: `${base}/Groups/${cohort.id}`,
      version: `W/"${cohort.version}"`,
    },
  };
}

/** What a SCIM Group says, in the cohort's fields, checked against the LMS's rules. */
export interface ScimGroupFields {
  name: string;
  externalId: string | null;
  memberIds: string[];
}

/**
 * Reads a Group resource in canonical form (`readScimResource`, or a PATCH's result).
 *
 * @throws {ScimError} 400 `invalidValue` naming the attribute the LMS cannot keep.
 */
export function scimGroupFields(resource: ScimResource): ScimGroupFields {
  const name = text(120).safeParse(resource.displayName);
  if (!name.success) throw invalidValue(`displayName ${reason(resource.displayName, name.error)}.`);
  const externalId =
    resource.externalId === undefined ? undefined : CohortExternalId.safeParse(resource.externalId);
  if (externalId && !externalId.success) {
    throw invalidValue(`externalId ${reason(resource.externalId, externalId.error)}.`);
  }
  const members = Array.isArray(resource.members) ? resource.members : [];
  const memberIds = members.map((member, index) => {
    const value = (member as { value?: unknown }).value;
    if (!Id.safeParse(value).success) {
      throw invalidValue(`members[${index}].value must be the id of a User, not ${JSON.stringify(value)}.`);
    }
    return value as string;
  });
  return { name: name.data, externalId: externalId?.data ?? null, memberIds: [...new Set(memberIds)] };
}

/** Refuses more members than one request may change. */
export function tooManyCheck(members: number): void {
  if (members > MAX_MEMBERS_PER_REQUEST) {
    throw new ScimError(
      400,
      'tooMany',
      `The request names ${members} members; at most ${MAX_MEMBERS_PER_REQUEST} a request: send them in several PATCHes.`,
    );
  }
}

/**
 * Which members a PATCH's operations can touch: the ids they name (in values, and in `members[value eq "…"]`
 * paths), or every member when an operation reaches all of them (`replace` of `members`, `remove` of
 * `members` without a value, a path filter on anything but one `value`). Reading those alone lets a PATCH on a
 * group of 10,000 read a few items.
 *
 * @example
 * membersTouched([{ op: 'remove', path: 'members[value eq "2819c223"]' }]) // { ids: ['2819c223'] }
 */
export function membersTouched(
  operations: readonly unknown[],
): { all: true } | { all: false; ids: string[] } {
  const refs = scimAttributeRefs(GROUP_RESOURCE_TYPE);
  const ids: string[] = [];
  for (const [index, raw] of operations.entries()) {
    if (!isObject(raw)) continue;
    const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : '';
    const values = (value: unknown) => {
      for (const element of Array.isArray(value) ? value : [value]) {
        if (isObject(element) && typeof element.value === 'string') ids.push(element.value);
      }
    };
    if (typeof raw.path !== 'string') {
      const members = isObject(raw.value)
        ? Object.entries(raw.value).find(([key]) => key.toLowerCase() === 'members')?.[1]
        : undefined;
      if (members === undefined) continue;
      if (op === 'replace') return { all: true };
      values(members);
      continue;
    }
    const path = parseScimPath(raw.path, refs, `Operations[${index}].path`);
    if (path.target.attribute.name !== 'members') continue;
    if (path.filter) {
      const id = equalityLookupValue(path.filter, 'members.value');
      if (id === undefined) return { all: true };
      ids.push(id);
    } else if (op === 'replace' || (op === 'remove' && raw.value === undefined)) {
      return { all: true };
    } else {
      values(raw.value);
    }
  }
  return { all: false, ids: [...new Set(ids)] };
}

function reason(value: unknown, error: { issues: readonly { message: string }[] }): string {
  return value === undefined ? 'is required' : `is not valid: ${error.issues[0]?.message}`;
}

function invalidValue(detail: string): ScimError {
  return new ScimError(400, 'invalidValue', detail);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
