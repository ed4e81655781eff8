/**
 * SCIM PATCH (RFC 7644 §3.5.2): `add`, `replace` and `remove` operations applied in order to a resource's
 * JSON, all or nothing: the result is a new resource, or a ScimError naming the operation at fault and
 * nothing is changed.
 *
 * Besides the RFC, the bodies Okta and Microsoft Entra ID document are accepted as they are sent:
 * - `op` in any case: Entra ID sends `Add`, `Replace` and `Remove` ("Microsoft Entra ID emits the values of
 *   op as Add, Replace, and Remove", Entra's "Develop and plan provisioning for a SCIM endpoint");
 * - booleans as the strings `"True"`/`"False"` for boolean attributes (Entra ID's default, listed in its
 *   "Known issues … SCIM 2.0 protocol compliance", fixed only behind the `aadOptscim062020` flag);
 * - `replace` without a path whose value names attributes by dotted or URN-prefixed keys
 *   (`"name.givenName"`, `"urn:…:enterprise:2.0:User:employeeNumber"`: Entra ID with that flag);
 * - `remove` of `members` with the members to remove in `value` (Entra ID without the flag);
 * - `"$ref": null` inside a member (Entra ID's "Update Group [Add Members]"): null is unassigned;
 * - the enterprise `manager` as a bare id string rather than `{ "value": id }` (Entra ID; reported in
 *   MicrosoftDocs/azure-docs#69234, apache/directory-scimple#1242);
 * - `add` on `emails[type eq "work"].value` when there is no work email creates it (Entra ID's SCIM
 *   validator expects it: Captain-P-Goldfish/SCIM-SDK#416);
 * - read-only attributes sent back unchanged, as Okta's group rename does with `id` ("Update a specific
 *   Group name", Okta's SCIM 2.0 reference): writing the value an attribute already has changes nothing.
 */
import { ScimError } from './errors.ts';
import { matchesScimValueFilter, parseScimPath, type ScimFilter, type ScimPath } from './filter.ts';
import {
  type ScimAttribute,
  type ScimAttributeRef,
  type ScimResource,
  type ScimResourceType,
  scimAttributeRefs,
  scimInstant,
} from './schema.ts';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Op = 'add' | 'replace' | 'remove';

interface Operation {
  readonly op: Op;
  readonly path: string | undefined;
  /** Absent (`undefined`) when the operation has no `value` member. */
  readonly value: unknown;
  /** `Operations[2]`, opening every detail about it. */
  readonly at: string;
}

/**
 * The `Operations` of a PATCH request body, once its `schemas` is the PatchOp message's.
 *
 * @throws {ScimError} 400 `invalidSyntax` when the body is not a PatchOp message with operations.
 */
export function readScimPatchRequest(body: unknown): readonly unknown[] {
  if (!isObject(body)) {
    throw invalidSyntax(`A PATCH body is a JSON object with schemas ["${PATCH_OP_SCHEMA}"] and Operations.`);
  }
  const { schemas, Operations } = body;
  if (
    !Array.isArray(schemas) ||
    schemas.length !== 1 ||
    typeof schemas[0] !== 'string' ||
    schemas[0].toLowerCase() !== PATCH_OP_SCHEMA.toLowerCase()
  ) {
    throw invalidSyntax(`schemas must be ["${PATCH_OP_SCHEMA}"], not ${JSON.stringify(schemas)}.`);
  }
  if (!Array.isArray(Operations) || Operations.length === 0) {
    throw invalidSyntax('Operations must be a list of one or more operations.');
  }
  return Operations;
}

/**
 * Applies PATCH operations to a resource of `resourceType` and returns the patched copy; `resource` is not
 * changed. An extension's URN joins or leaves the resource's `schemas` as its attributes come and go.
 *
 * @example
 * applyScimPatch(group, [{ op: 'remove', path: 'members[value eq "2819c223"]' }], GROUP_RESOURCE_TYPE)
 * // group without that member
 * @throws {ScimError} 400: `invalidSyntax` (a malformed operation), `invalidPath` (an attribute the resource
 * type does not have), `invalidFilter`, `invalidValue` (a value of the wrong type), `mutability` (a read-only
 * attribute changed, an immutable one changed once set, a required one removed), `noTarget` (nothing to
 * remove or replace where the path points); the detail opens with `Operations[i]`.
 */
export function applyScimPatch(
  resource: ScimResource,
  operations: readonly unknown[],
  resourceType: ScimResourceType,
): ScimResource {
  if (operations.length === 0) throw invalidSyntax('Operations must hold at least one operation.');
  const patch = new Patch(structuredClone(resource) as Record<string, unknown>, resourceType);
  operations.forEach((operation, index) => {
    patch.apply(readOperation(operation, `Operations[${index}]`));
  });
  return patch.result();
}

function readOperation(raw: unknown, at: string): Operation {
  if (!isObject(raw)) throw invalidSyntax(`${at} must be an object with op, path and value.`);
  const unknown = Object.keys(raw).filter((key) => key !== 'op' && key !== 'path' && key !== 'value');
  if (unknown.length > 0) {
    throw invalidSyntax(
      `${at} has ${unknown.map((key) => `"${key}"`).join(', ')}: an operation has op, path and value.`,
    );
  }
  const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : undefined;
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw invalidSyntax(`${at}.op must be add, replace or remove, not ${JSON.stringify(raw.op)}.`);
  }
  if (raw.path !== undefined && typeof raw.path !== 'string') {
    throw invalidSyntax(`${at}.path must be a string, not ${JSON.stringify(raw.path)}.`);
  }
  if (op !== 'remove' && !Object.hasOwn(raw, 'value')) throw invalidSyntax(`${at}: ${op} needs a value.`);
  return { op, path: raw.path, value: raw.value, at };
}

/** The resource being patched: a private copy, changed operation by operation. */
class Patch {
  private readonly attributes: readonly ScimAttributeRef[];

  constructor(
    private readonly draft: Record<string, unknown>,
    private readonly resourceType: ScimResourceType,
  ) {
    this.attributes = scimAttributeRefs(resourceType);
  }

  apply({ op, path, value, at }: Operation): void {
    if (op === 'remove') {
      // RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with … noTarget".
      if (path === undefined) throw noTarget(`${at}: remove needs a path naming what to remove.`);
      this.remove(parseScimPath(path, this.attributes, `${at}.path`), value, `${at}.path`, `${at}.value`);
    } else if (path !== undefined) {
      this.write(op, parseScimPath(path, this.attributes, `${at}.path`), value, `${at}.path`, `${at}.value`);
    } else {
      // §3.5.2.1 and §3.5.2.3: without a path, the value holds the attributes to add or replace.
      if (!isObject(value)) {
        throw invalidValue(
          `${at}.value must be an object of attributes when there is no path, not ${describe(value)}.`,
        );
      }
      this.writeAttributes(op, value, `${at}.value`);
    }
  }

  /** The patched resource, with empty extensions dropped and `schemas` naming those that remain. */
  result(): ScimResource {
    const { draft } = this;
    for (const { schema } of this.resourceType.schemaExtensions) {
      const extension = draft[schema.id];
      const present = isObject(extension) && Object.keys(extension).length > 0;
      if (!present) delete draft[schema.id];
      const { schemas } = draft;
      if (!Array.isArray(schemas)) continue;
      const listed = schemas.includes(schema.id);
      if (present && !listed) draft.schemas = [...schemas, schema.id];
      if (!present && listed) draft.schemas = schemas.filter((urn) => urn !== schema.id);
    }
    return draft;
  }

  /** Each key of a path-less value: an attribute path, or a schema URN holding that schema's attributes. */
  private writeAttributes(op: 'add' | 'replace', value: Record<string, unknown>, at: string): void {
    for (const [key, attributeValue] of Object.entries(value)) {
      const schema = this.schemaNamed(key);
      if (schema === undefined) {
        const where = `${at}.${key}`;
        this.write(op, parseScimPath(key, this.attributes, where), attributeValue, where, where);
      } else if (isObject(attributeValue)) {
        for (const [name, subValue] of Object.entries(attributeValue)) {
          const where = `${at}.${key}.${name}`;
          this.write(op, parseScimPath(`${schema}:${name}`, this.attributes, where), subValue, where, where);
        }
      } else {
        throw invalidValue(
          `${at}.${key} must be an object of that schema's attributes, not ${describe(attributeValue)}.`,
        );
      }
    }
  }

  private schemaNamed(key: string): string | undefined {
    const schemas = [
      this.resourceType.schema,
      ...this.resourceType.schemaExtensions.map(({ schema }) => schema),
    ];
    return schemas.find((schema) => schema.id.toLowerCase() === key.toLowerCase())?.id;
  }

  /** add or replace at a path (RFC 7644 §3.5.2.1, §3.5.2.3). */
  private write(op: 'add' | 'replace', path: ScimPath, value: unknown, where: string, valueAt: string): void {
    const { target, filter } = path;
    const { attribute, subAttribute } = target;
    const container = this.container(target);
    const before = structuredClone(container[attribute.name]);
    if (filter) {
      this.writeElements(op, target, filter, value, where, valueAt);
    } else if (subAttribute) {
      if (attribute.multiValued) throw elementNeeded(target, where);
      setOrUnassign(
        container,
        attribute.name,
        merged(attribute, objectOrEmpty(container[attribute.name]), { [subAttribute.name]: value }, valueAt),
      );
    } else if (attribute.multiValued) {
      const current = asArray(container[attribute.name]);
      // add: "a new value is added", and one already there is not added twice (§3.5.2.1: "no changes SHOULD
      // be made"). replace: "the attribute and all values are replaced" (Okta's full push of members).
      const next = union(attribute, op === 'add' ? current : [], toElements(attribute, value, valueAt));
      keepOnePrimary(
        attribute,
        next,
        next.filter((element) => !current.includes(element)),
        valueAt,
      );
      setOrUnassign(container, attribute.name, next.length > 0 ? next : undefined);
    } else if (attribute.type === 'complex') {
      // "Sub-attributes that are not specified in the value parameter are left unchanged" (§3.5.2.3).
      const current = objectOrEmpty(container[attribute.name]);
      setOrUnassign(
        container,
        attribute.name,
        value === null ? undefined : merged(attribute, current, value, valueAt),
      );
    } else {
      setOrUnassign(container, attribute.name, simpleValue(attribute, value, valueAt));
    }
    checkMutability(attribute, attributePath(target), before, container[attribute.name], where);
  }

  /** add or replace on the elements a filter selects (`emails[type eq "work"].value`). */
  private writeElements(
    op: 'add' | 'replace',
    target: ScimAttributeRef,
    filter: ScimFilter,
    value: unknown,
    where: string,
    valueAt: string,
  ): void {
    const { attribute, subAttribute } = target;
    const container = this.container(target);
    const elements = asArray(container[attribute.name]);
    const matching = elements.filter((element) => matchesScimValueFilter(filter, element));
    if (matching.length === 0) {
      // §3.5.2.3: a replace whose filter matches no value fails with noTarget, but one on an attribute with no
      // value at all is an add ("If the target location path specifies an attribute that does not exist, the
      // service provider SHALL treat the operation as an add").
      if (op === 'replace' && elements.length > 0) {
        throw noTarget(`${where}: no element of ${attribute.name} matches the filter.`);
      }
      const seed = seedOf(filter);
      if (seed === undefined) {
        throw noTarget(
          `${where}: no element of ${attribute.name} matches the filter, and a new one can only be made from a filter of eq terms joined by and.`,
        );
      }
      const created = merged(attribute, seed, subAttribute ? { [subAttribute.name]: value } : value, valueAt);
      if (created === undefined) return;
      const next = [...elements, created];
      keepOnePrimary(attribute, next, [created], valueAt);
      container[attribute.name] = next;
      return;
    }
    const written: Record<string, unknown>[] = [];
    const next = elements.flatMap((element) => {
      if (!matching.includes(element) || !isObject(element)) return [element];
      // replace: "all matching record values SHALL be replaced"; add merges into them.
      const base = subAttribute || op === 'add' ? element : {};
      const patched = merged(attribute, base, subAttribute ? { [subAttribute.name]: value } : value, valueAt);
      for (const sub of attribute.subAttributes ?? []) {
        checkMutability(sub, `${attribute.name}.${sub.name}`, element[sub.name], patched?.[sub.name], where);
      }
      if (patched === undefined) return [];
      written.push(patched);
      return [patched];
    });
    keepOnePrimary(attribute, next, written, valueAt);
    setOrUnassign(container, attribute.name, next.length > 0 ? next : undefined);
  }

  /** remove (RFC 7644 §3.5.2.2). */
  private remove(path: ScimPath, value: unknown, where: string, valueAt: string): void {
    const { target, filter } = path;
    const { attribute, subAttribute } = target;
    if (value !== undefined && (filter || subAttribute || !attribute.multiValued)) {
      throw invalidSyntax(
        `${valueAt}: remove takes a value only to list elements of a multi-valued attribute.`,
      );
    }
    if (subAttribute && !filter && attribute.multiValued) throw elementNeeded(target, where);
    const container = this.existingContainer(target);
    const current = container?.[attribute.name];
    if (!container || !assigned(current)) throw noTarget(`${where}: ${target.path} has no value to remove.`);
    const before = structuredClone(current);
    if (filter) {
      const elements = asArray(current);
      const matching = elements.filter((element) => matchesScimValueFilter(filter, element));
      if (matching.length === 0)
        throw noTarget(`${where}: no element of ${attribute.name} matches the filter.`);
      const next = elements.flatMap((element) => {
        if (!matching.includes(element)) return [element];
        if (!subAttribute || !isObject(element)) return [];
        checkMutability(subAttribute, target.path, element[subAttribute.name], undefined, where);
        const rest = without(element, subAttribute.name);
        return rest ? [rest] : [];
      });
      setOrUnassign(container, attribute.name, next.length > 0 ? next : undefined);
    } else if (value !== undefined) {
      // Entra ID without aadOptscim062020: {"op":"Remove","path":"members","value":[{"value":"…"}]}.
      const listed = toElements(attribute, value, valueAt);
      const elements = asArray(current);
      const next = elements.filter(
        (element) => !listed.some((gone) => sameElement(attribute, element, gone)),
      );
      if (next.length === elements.length) {
        throw noTarget(`${where}: none of the listed elements is in ${attribute.name}.`);
      }
      setOrUnassign(container, attribute.name, next.length > 0 ? next : undefined);
    } else if (subAttribute) {
      if (!isObject(current) || !assigned(current[subAttribute.name])) {
        throw noTarget(`${where}: ${target.path} has no value to remove.`);
      }
      setOrUnassign(container, attribute.name, without(current, subAttribute.name));
    } else {
      delete container[attribute.name];
    }
    checkMutability(attribute, attributePath(target), before, container[attribute.name], where);
  }

  /** The object holding the attribute: the resource, or its extension's object (made if missing). */
  private container(target: ScimAttributeRef): Record<string, unknown> {
    const existing = this.existingContainer(target);
    if (existing) return existing;
    const made: Record<string, unknown> = {};
    this.draft[target.schema] = made;
    return made;
  }

  private existingContainer(target: ScimAttributeRef): Record<string, unknown> | undefined {
    if (!target.extension) return this.draft;
    const extension = this.draft[target.schema];
    return isObject(extension) ? extension : undefined;
  }
}

/**
 * RFC 7644 §3.5.2: "a client MUST NOT modify an attribute that has mutability "readOnly" or "immutable".
 * However, a client MAY "add" a value to an "immutable" attribute if the attribute had no previous value",
 * and an attribute "defined as a required attribute or a read-only attribute" may not be removed. Writing the
 * value an attribute already has modifies nothing, so it passes.
 */
function checkMutability(
  definition: ScimAttribute,
  path: string,
  before: unknown,
  after: unknown,
  where: string,
): void {
  if (sameJson(before, after)) return;
  if (definition.mutability === 'readOnly') throw mutability(`${where}: ${path} is read-only.`);
  if (definition.mutability === 'immutable' && assigned(before)) {
    throw mutability(`${where}: ${path} cannot change once set; remove the element and add another.`);
  }
  if (definition.required && !assigned(after)) {
    throw mutability(`${where}: ${path} is required and cannot be removed.`);
  }
  if (definition.type !== 'complex' || definition.multiValued) return;
  const sub = (value: unknown, name: string) => (isObject(value) ? value[name] : undefined);
  for (const subAttribute of definition.subAttributes ?? []) {
    checkMutability(
      subAttribute,
      `${path}.${subAttribute.name}`,
      sub(before, subAttribute.name),
      sub(after, subAttribute.name),
      where,
    );
  }
}

/**
 * A complex value written over `current`: each given sub-attribute replaces its value (null unassigns it),
 * the others stay. A bare string is the `value` sub-attribute (Entra ID's `manager`).
 */
function merged(
  definition: ScimAttribute,
  current: Record<string, unknown>,
  value: unknown,
  at: string,
): Record<string, unknown> | undefined {
  const given = typeof value === 'string' && subAttributeNamed(definition, 'value') ? { value } : value;
  if (!isObject(given)) {
    throw invalidValue(
      `${at}: ${definition.name} takes an object of its sub-attributes, not ${describe(value)}.`,
    );
  }
  const result = { ...current };
  for (const [key, subValue] of Object.entries(given)) {
    const subAttribute = subAttributeNamed(definition, key);
    if (!subAttribute) {
      const names = (definition.subAttributes ?? []).map((sub) => sub.name).join(', ');
      throw new ScimError(
        400,
        'invalidPath',
        `${at}.${key}: ${definition.name} has no sub-attribute "${key}"; it has ${names}.`,
      );
    }
    const coerced = simpleValue(subAttribute, subValue, `${at}.${key}`);
    if (coerced === undefined) delete result[subAttribute.name];
    else result[subAttribute.name] = coerced;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** The elements of a multi-valued value: a list, or one element alone (§3.5.2.1: "a JSON object"). */
function toElements(definition: ScimAttribute, value: unknown, at: string): unknown[] {
  const items = Array.isArray(value) ? value : value === null ? [] : [value];
  return items.flatMap((item, index) => {
    const element =
      definition.type === 'complex'
        ? merged(definition, {}, item, `${at}[${index}]`)
        : simpleValue(definition, item, `${at}[${index}]`);
    return element === undefined ? [] : [element];
  });
}

/** A string, boolean or dateTime value checked against its attribute; null (unassigned) is undefined. */
function simpleValue(definition: ScimAttribute, value: unknown, at: string): unknown {
  if (value === null) return undefined;
  if (definition.type === 'boolean') {
    if (typeof value === 'boolean') return value;
    // Entra ID sends "True"/"False" (see the file's opening comment).
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    throw invalidValue(`${at}: ${definition.name} is a boolean (true or false), not ${describe(value)}.`);
  }
  if (typeof value !== 'string') {
    throw invalidValue(`${at}: ${definition.name} is a ${definition.type}, not ${describe(value)}.`);
  }
  if (definition.type === 'dateTime' && scimInstant(value) === undefined) {
    throw invalidValue(
      `${at}: ${definition.name} is a dateTime like 2011-05-13T04:42:34Z, not ${describe(value)}.`,
    );
  }
  return value;
}

/** The sub-attribute values a new element must hold to match an `eq` filter (`type eq "work"`). */
function seedOf(filter: ScimFilter): Record<string, unknown> | undefined {
  if (filter.kind === 'and') {
    const seeds = filter.filters.map(seedOf);
    return seeds.every((seed) => seed !== undefined) ? Object.assign({}, ...seeds) : undefined;
  }
  if (filter.kind !== 'compare' || filter.operator !== 'eq' || filter.value === null) return undefined;
  const name = filter.attribute.subAttribute?.name;
  return name === undefined ? undefined : { [name]: filter.value };
}

/**
 * RFC 7643 §2.4: "The primary attribute value "true" MUST appear no more than once", so an element written
 * as primary takes it from the others (RFC 7644 §3.5.2).
 */
function keepOnePrimary(
  definition: ScimAttribute,
  elements: unknown[],
  written: readonly unknown[],
  at: string,
): void {
  if (!subAttributeNamed(definition, 'primary')) return;
  const [primary, ...more] = written.filter(isPrimary);
  if (more.length > 0) throw invalidValue(`${at}: only one element of ${definition.name} may be primary.`);
  if (primary === undefined) return;
  elements.forEach((element, index) => {
    if (element !== primary && isPrimary(element)) elements[index] = { ...element, primary: false };
  });
}

function isPrimary(element: unknown): element is Record<string, unknown> {
  return isObject(element) && element.primary === true;
}

/** `current` with each of `added` not already there (by `sameElement`) appended. */
function union(definition: ScimAttribute, current: readonly unknown[], added: readonly unknown[]): unknown[] {
  const result = [...current];
  for (const element of added) {
    if (!result.some((other) => sameElement(definition, other, element))) result.push(element);
  }
  return result;
}

/** Two elements are the same when their `value`s are (members by id, emails by address), else when equal. */
function sameElement(definition: ScimAttribute, a: unknown, b: unknown): boolean {
  const key = subAttributeNamed(definition, 'value');
  if (key && isObject(a) && isObject(b) && typeof a.value === 'string' && typeof b.value === 'string') {
    return key.caseExact ? a.value === b.value : a.value.toLowerCase() === b.value.toLowerCase();
  }
  return sameJson(a, b);
}

function subAttributeNamed(definition: ScimAttribute, name: string): ScimAttribute | undefined {
  return definition.subAttributes?.find((sub) => sub.name.toLowerCase() === name.toLowerCase());
}

function elementNeeded(target: ScimAttributeRef, where: string): ScimError {
  const { attribute, subAttribute } = target;
  return new ScimError(
    400,
    'invalidPath',
    `${where}: ${attribute.name} is multi-valued; name its elements with a filter, like ${attribute.name}[value eq "…"].${subAttribute?.name}.`,
  );
}

/** The path of the attribute a target is in: `name` for `name.givenName`. */
function attributePath(target: ScimAttributeRef): string {
  const { path, subAttribute } = target;
  return subAttribute ? path.slice(0, path.length - subAttribute.name.length - 1) : path;
}

/** A copy of a complex value without one sub-attribute; undefined when nothing is left. */
function without(value: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const rest = { ...value };
  delete rest[name];
  return Object.keys(rest).length > 0 ? rest : undefined;
}

function setOrUnassign(container: Record<string, unknown>, name: string, value: unknown): void {
  if (value === undefined) delete container[name];
  else container[name] = value;
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7643 §2.5: unassigned, null and an empty list are the same state. */
function assigned(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => sameJson(item, b[i]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && sameJson(a[key], b[key]))
  );
}

function describe(value: unknown): string {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

function invalidSyntax(detail: string): ScimError {
  return new ScimError(400, 'invalidSyntax', detail);
}

function invalidValue(detail: string): ScimError {
  return new ScimError(400, 'invalidValue', detail);
}

function noTarget(detail: string): ScimError {
  return new ScimError(400, 'noTarget', detail);
}

function mutability(detail: string): ScimError {
  return new ScimError(400, 'mutability', detail);
}
