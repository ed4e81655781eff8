/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes a response carries.
 * `attributes` replaces the default set with the ones listed; `excludedAttributes` takes the listed ones out
 * of it. Either way the attributes returned `always` (`id`) and `schemas` stay, and an attribute returned
 * only on request is left out unless listed. Names are paths as filters write them (`name.givenName`,
 * `urn:…:enterprise:2.0:User:manager`), in any case.
 */
import { ScimError } from './errors.ts';
import {
  type ScimAttributeRef,
  type ScimResource,
  type ScimResourceType,
  scimAttributeRefs,
} from './schema.ts';

/** The attribute lists of a request, as the query gives them (comma-separated). */
export interface ScimProjection {
  attributes?: string | undefined;
  excludedAttributes?: string | undefined;
}

/**
 * Whether a response asked for with `projection` carries the attribute at `path`: so a GET Group with
 * `excludedAttributes=members` reads no member.
 *
 * @example
 * carriesAttribute(GROUP_RESOURCE_TYPE, { excludedAttributes: 'members' }, 'members') // false
 */
export function carriesAttribute(
  resourceType: ScimResourceType,
  projection: ScimProjection,
  path: string,
): boolean {
  const [ref] = resolve(resourceType, path, 'path');
  if (!ref) return false;
  const { attributes, excluded } = lists(resourceType, projection);
  const listed = (refs: readonly ScimAttributeRef[]) =>
    refs.some((candidate) => candidate.attribute === ref.attribute && !candidate.subAttribute);
  if (ref.attribute.returned === 'always') return true;
  if (attributes) return attributes.some((candidate) => candidate.attribute === ref.attribute);
  return ref.attribute.returned !== 'request' && !listed(excluded);
}

/**
 * The resource with the attributes the projection asks for.
 *
 * @example
 * projectScimResource(user, USER_RESOURCE_TYPE, { attributes: 'userName,name.givenName' })
 * // { schemas, id, userName, name: { givenName } }
 * @throws {ScimError} 400 `invalidValue` naming an attribute the resource type does not have.
 */
export function projectScimResource(
  resource: ScimResource,
  resourceType: ScimResourceType,
  projection: ScimProjection,
): ScimResource {
  const { attributes, excluded } = lists(resourceType, projection);
  const refs = scimAttributeRefs(resourceType).filter((ref) => !ref.subAttribute);
  const result: Record<string, unknown> = { schemas: resource.schemas };
  for (const ref of refs) {
    const container = ref.extension ? resource[ref.schema] : resource;
    if (!isObject(container) || container[ref.attribute.name] === undefined) continue;
    const value = keep(ref, container[ref.attribute.name], attributes, excluded);
    if (value === undefined) continue;
    if (!ref.extension) result[ref.attribute.name] = value;
    else result[ref.schema] = { ...(result[ref.schema] as object | undefined), [ref.attribute.name]: value };
  }
  return result;
}

/** What remains of one attribute's value under the lists. */
function keep(
  ref: ScimAttributeRef,
  value: unknown,
  attributes: readonly ScimAttributeRef[] | undefined,
  excluded: readonly ScimAttributeRef[],
): unknown {
  const { attribute } = ref;
  if (attribute.returned === 'always') return value;
  const mine = (list: readonly ScimAttributeRef[]) => list.filter((item) => item.attribute === attribute);
  const subs = (list: readonly ScimAttributeRef[]) =>
    mine(list).flatMap((item) => (item.subAttribute ? [item.subAttribute.name] : []));
  if (mine(excluded).some((item) => !item.subAttribute)) return undefined;
  if (attributes) {
    const asked = mine(attributes);
    if (asked.length === 0) return undefined;
    if (asked.some((item) => !item.subAttribute)) return withoutSubs(value, subs(excluded));
    return onlySubs(value, subs(attributes));
  }
  if (attribute.returned === 'request') return undefined;
  return withoutSubs(value, subs(excluded));
}

function onlySubs(value: unknown, names: readonly string[]): unknown {
  return mapElements(value, (element) =>
    Object.fromEntries(Object.entries(element).filter(([name]) => names.includes(name))),
  );
}

function withoutSubs(value: unknown, names: readonly string[]): unknown {
  if (names.length === 0) return value;
  return mapElements(value, (element) =>
    Object.fromEntries(Object.entries(element).filter(([name]) => !names.includes(name))),
  );
}

/** Applies `pick` to a complex value, or to each element of a multi-valued one; drops what ends empty. */
function mapElements(value: unknown, pick: (element: Record<string, unknown>) => Record<string, unknown>) {
  const one = (element: unknown) => {
    if (!isObject(element)) return element;
    const picked = pick(element);
    return Object.keys(picked).length > 0 ? picked : undefined;
  };
  if (!Array.isArray(value)) return one(value);
  const elements = value.map(one).filter((element) => element !== undefined);
  return elements.length > 0 ? elements : undefined;
}

function lists(resourceType: ScimResourceType, projection: ScimProjection) {
  return {
    attributes:
      projection.attributes === undefined
        ? undefined
        : resolve(resourceType, projection.attributes, 'attributes'),
    excluded: resolve(resourceType, projection.excludedAttributes ?? '', 'excludedAttributes'),
  };
}

function resolve(resourceType: ScimResourceType, list: string, parameter: string): ScimAttributeRef[] {
  const refs = scimAttributeRefs(resourceType);
  const core = resourceType.schema.id.toLowerCase();
  return list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => {
      const lower = name.toLowerCase();
      // RFC 7644 §3.10: core attributes may be written with their schema's URN.
      const path = lower.startsWith(`${core}:`) ? lower.slice(core.length + 1) : lower;
      const ref = refs.find((candidate) => candidate.path.toLowerCase() === path);
      if (!ref) {
        throw new ScimError(
          400,
          'invalidValue',
          `${parameter}: ${resourceType.name} has no attribute "${name}"; /Schemas lists the attributes there are.`,
        );
      }
      return ref;
    });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
