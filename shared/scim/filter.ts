/**
 * SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2), read by one recursive-descent parser over the
 * RFC's grammar:
 *
 *   FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
 *   valuePath = attrPath "[" valFilter "]"
 *   attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
 *   logExp    = FILTER SP ("and" / "or") SP FILTER          ; "and" binds tighter than "or"
 *   compValue = false / null / true / number / string       ; JSON
 *   attrPath  = [URI ":"] ATTRNAME *1subAttr
 *   PATH      = attrPath / valuePath [subAttr]              ; PATCH, §3.5.2
 *
 * Keywords and attribute names are case-insensitive. Spaces are optional where no word ends (the RFC's own
 * example, §3.5.2.2, writes `members[value eq"2819c223…"]`). Each attribute is checked against the list of
 * attributes the caller allows, with its type: an unknown one is refused, never answered by reading every
 * resource.
 */
import { ScimError } from './errors.ts';
import {
  type ScimAttribute,
  type ScimAttributeRef,
  type ScimResource,
  scimInstant,
  targetOf,
} from './schema.ts';

/** Longer filters are refused: the identity providers send a term or two. */
export const MAX_FILTER_LENGTH = 1000;
/** Parentheses, `not (…)` and `[…]` nest at most this deep. */
export const MAX_FILTER_DEPTH = 10;

export type ScimCompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type ScimFilter =
  | {
      readonly kind: 'compare';
      readonly attribute: ScimAttributeRef;
      readonly operator: ScimCompareOperator;
      readonly value: string | boolean | null;
    }
  | { readonly kind: 'present'; readonly attribute: ScimAttributeRef }
  | { readonly kind: 'and' | 'or'; readonly filters: readonly ScimFilter[] }
  | { readonly kind: 'not'; readonly filter: ScimFilter }
  /** Some element of the multi-valued `attribute` passes `filter`, whose attributes are its sub-attributes. */
  | { readonly kind: 'valuePath'; readonly attribute: ScimAttributeRef; readonly filter: ScimFilter };

/** A PATCH path: the attribute (and sub-attribute) it names, and the elements a `[filter]` selects. */
export interface ScimPath {
  readonly target: ScimAttributeRef;
  /** Set for `members[value eq "…"]`: `target.attribute` is the multi-valued attribute. */
  readonly filter?: ScimFilter;
}

/**
 * Reads a filter, checking every attribute against `allowed` (see USER_FILTER_ATTRIBUTES).
 *
 * @example
 * parseScimFilter('userName eq "bjensen"', USER_FILTER_ATTRIBUTES)
 * // { kind: 'compare', attribute: <userName>, operator: 'eq', value: 'bjensen' }
 * @throws {ScimError} 400 `invalidFilter`, naming the character and attribute at fault.
 */
export function parseScimFilter(text: string, allowed: readonly ScimAttributeRef[]): ScimFilter {
  if (text.length > MAX_FILTER_LENGTH) {
    throw new ScimError(
      400,
      'invalidFilter',
      `The filter is ${text.length} characters long; at most ${MAX_FILTER_LENGTH}.`,
    );
  }
  const parser = new Parser(text, {
    attributes: allowed,
    scimType: 'invalidFilter',
    source: '',
    known: `you can filter by ${allowed.map((ref) => ref.path).join(', ')}`,
  });
  if (parser.atEnd()) throw new ScimError(400, 'invalidFilter', 'The filter is empty.');
  const filter = parser.filter();
  parser.expectEnd('and, or or the end of the filter');
  return filter;
}

/**
 * Reads a PATCH operation's `path` over the attributes of a resource type (see scimAttributeRefs).
 *
 * @example
 * parseScimPath('emails[type eq "work"].value', scimAttributeRefs(USER_RESOURCE_TYPE), 'Operations[0].path')
 * // { target: <emails.value>, filter: { kind: 'compare', attribute: <emails.type>, operator: 'eq', value: 'work' } }
 * @throws {ScimError} 400 `invalidPath` (`invalidFilter` for the filter in brackets), the detail opening
 * with `source`.
 */
export function parseScimPath(
  text: string,
  attributes: readonly ScimAttributeRef[],
  source: string,
): ScimPath {
  const parser = new Parser(text, {
    attributes,
    scimType: 'invalidPath',
    source: `${source}: `,
    known: '/Schemas lists the attributes there are',
  });
  const path = parser.path();
  parser.expectEnd('the end of the path');
  return path;
}

/**
 * Whether a resource passes a filter. Multi-valued attributes match when any element does; strings compare
 * without regard to case unless the attribute is caseExact; dateTimes compare as instants.
 *
 * @example
 * matchesScimFilter(parseScimFilter('emails.value ew "@example.com"', USER_FILTER_ATTRIBUTES),
 *   { emails: [{ value: 'BJensen@Example.com' }] }) // true
 */
export function matchesScimFilter(filter: ScimFilter, resource: ScimResource): boolean {
  return passes(filter, (ref) => resourceValues(resource, ref));
}

/** Whether one element of a multi-valued attribute passes the filter of a path's brackets. */
export function matchesScimValueFilter(filter: ScimFilter, element: unknown): boolean {
  return passes(filter, (ref) => elementValues(element, ref));
}

/**
 * The value to look up by index when a filter can only match resources whose `path` equals it: the filter
 * is `path eq "value"`, or an `and` with such a term (`userName eq "x" and active eq true`), where a term may
 * also sit in the brackets of a multi-valued attribute (`emails[type eq "work"].value eq "x"`, as Entra ID
 * filters, finds the resources with such an element). Undefined otherwise. The resources found must still
 * pass the whole filter (`matchesScimFilter`): the index finds candidates, and the case rule of the attribute
 * is the caller's to apply to the key.
 *
 * @example
 * equalityLookupValue(parseScimFilter('userName eq "bjensen"', USER_FILTER_ATTRIBUTES), 'userName') // 'bjensen'
 * equalityLookupValue(parseScimFilter('userName sw "b"', USER_FILTER_ATTRIBUTES), 'userName') // undefined
 */
export function equalityLookupValue(filter: ScimFilter, path: string): string | undefined {
  for (const term of conjuncts(filter)) {
    if (
      term.kind === 'compare' &&
      term.operator === 'eq' &&
      typeof term.value === 'string' &&
      term.attribute.path.toLowerCase() === path.toLowerCase()
    ) {
      return term.value;
    }
  }
  return undefined;
}

/** The terms every match must pass: those joined by `and`, and those inside a value path's brackets. */
function conjuncts(filter: ScimFilter): ScimFilter[] {
  if (filter.kind === 'and') return filter.filters.flatMap(conjuncts);
  if (filter.kind === 'valuePath') return conjuncts(filter.filter);
  return [filter];
}

const COMPARE_OPERATORS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const SUBSTRING_OPERATORS = new Set<string>(['co', 'sw', 'ew']);
const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le or pr';

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: 'number'; readonly text: string; readonly at: number }
  /** `.value` right after `]`. */
  | { readonly kind: 'subAttribute'; readonly name: string; readonly at: number }
  | { readonly kind: '(' | ')' | '[' | ']' | 'end'; readonly at: number };

interface ParseContext {
  readonly attributes: readonly ScimAttributeRef[];
  /** The code of errors outside brackets; a filter in brackets is always `invalidFilter`. */
  readonly scimType: 'invalidFilter' | 'invalidPath';
  /** Opens every detail: '' for a filter, 'Operations[2].path: ' for a PATCH path. */
  readonly source: string;
  /** Ends the detail of an unknown attribute. */
  readonly known: string;
}

const JSON_NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const ESCAPES = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

function isLetter(char: string | undefined): boolean {
  return char !== undefined && ((char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z'));
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

/** Letters, digits and `-_$` (RFC 7643 §2.1, `$ref`), plus `:` and `.` of a URN and of `name.givenName`. */
function isWordChar(char: string | undefined): boolean {
  return (
    isLetter(char) ||
    isDigit(char) ||
    char === '-' ||
    char === '_' ||
    char === '$' ||
    char === ':' ||
    char === '.'
  );
}

class Parser {
  private position = 0;
  private lookahead: Token | undefined;
  private depth = 0;
  /** Inside `[…]`: attributes are sub-attributes of this multi-valued attribute. */
  private parent: ScimAttributeRef | undefined;

  constructor(
    private readonly text: string,
    private readonly context: ParseContext,
  ) {}

  atEnd(): boolean {
    return this.peek().kind === 'end';
  }

  expectEnd(expected: string): void {
    const token = this.peek();
    if (token.kind !== 'end')
      throw this.error(`Expected ${expected} at ${this.place(token)}, found ${this.describe(token)}.`);
  }

  /** FILTER, with `or` binding looser than `and`. */
  filter(): ScimFilter {
    const filters = [this.conjunction()];
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      filters.push(this.conjunction());
    }
    return filters.length === 1 ? (filters[0] as ScimFilter) : { kind: 'or', filters };
  }

  /** PATH = attrPath / valuePath [subAttr]. */
  path(): ScimPath {
    const token = this.next();
    if (token.kind !== 'word') {
      throw this.error(`Expected an attribute name at ${this.place(token)}, found ${this.describe(token)}.`);
    }
    const target = this.resolve(token);
    if (this.peek().kind !== '[') return { target };
    if (target.subAttribute || !target.attribute.multiValued) {
      throw this.error(
        `Only multi-valued attributes take a [filter]; ${target.path} at ${this.place(token)} is not one.`,
      );
    }
    const filter = this.brackets(target);
    const sub = this.peek();
    if (sub.kind !== 'subAttribute') return { target, filter };
    this.next();
    return { target: this.resolveSubAttribute(target, sub.name, sub.at), filter };
  }

  private conjunction(): ScimFilter {
    const filters = [this.term()];
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      filters.push(this.term());
    }
    return filters.length === 1 ? (filters[0] as ScimFilter) : { kind: 'and', filters };
  }

  /** `not (…)`, `(…)` or an attribute expression. */
  private term(): ScimFilter {
    const token = this.peek();
    if (this.isKeyword(token, 'not')) {
      this.next();
      const open = this.next();
      if (open.kind !== '(') {
        throw this.error(`Expected ( after not at ${this.place(open)}, found ${this.describe(open)}.`);
      }
      return { kind: 'not', filter: this.group(open) };
    }
    if (token.kind === '(') return this.group(this.next());
    return this.attributeExpression();
  }

  /** The filter inside parentheses whose `(` was just read. */
  private group(open: Token): ScimFilter {
    this.enter(open);
    const filter = this.filter();
    const close = this.next();
    if (close.kind !== ')') {
      throw this.error(
        `Expected ) to close the ( at ${this.place(open)}, found ${this.describe(close)} at ${this.place(close)}.`,
      );
    }
    this.depth--;
    return filter;
  }

  /**
   * attrExp, or a valuePath with an optional `.subAttr` and comparison: Entra ID filters by
   * `emails[type eq "work"].value eq "…"`.
   */
  private attributeExpression(): ScimFilter {
    const token = this.next();
    if (token.kind !== 'word') {
      throw this.error(`Expected an attribute name at ${this.place(token)}, found ${this.describe(token)}.`);
    }
    if (this.peek().kind !== '[') return this.comparison(this.resolve(token), token);
    if (this.parent) {
      throw this.error(
        `A [filter] cannot hold another one: ${this.describe(token)} at ${this.place(token)}.`,
      );
    }
    const attribute = this.resolveMultiValued(token);
    const filter = this.brackets(attribute);
    const sub = this.peek();
    if (sub.kind !== 'subAttribute') return { kind: 'valuePath', attribute, filter };
    this.next();
    const condition = this.comparison(this.resolveSubAttribute(attribute, sub.name, sub.at), sub);
    return { kind: 'valuePath', attribute, filter: { kind: 'and', filters: [filter, condition] } };
  }

  /** `[valFilter]` after a multi-valued attribute; errors inside it are `invalidFilter` (see `error`). */
  private brackets(attribute: ScimAttributeRef): ScimFilter {
    const open = this.next();
    this.enter(open);
    this.parent = attribute;
    try {
      const filter = this.filter();
      const close = this.next();
      if (close.kind !== ']') {
        throw this.error(
          `Expected ] to close the [ at ${this.place(open)}, found ${this.describe(close)} at ${this.place(close)}.`,
        );
      }
      return filter;
    } finally {
      this.parent = undefined;
      this.depth--;
    }
  }

  /** `pr`, or an operator and a value the attribute's type allows. */
  private comparison(attribute: ScimAttributeRef, after: Token): ScimFilter {
    const definition = targetOf(attribute);
    const token = this.next();
    const operator = token.kind === 'word' ? token.text.toLowerCase() : '';
    if (operator === 'pr') return { kind: 'present', attribute };
    if (!COMPARE_OPERATORS.has(operator)) {
      throw this.error(
        `Expected an operator (${OPERATOR_LIST}) after ${attribute.path} at ${this.place(token)}, found ${this.describe(token)}.`,
      );
    }
    const value = this.compValue(operator);
    const problem = comparisonProblem(definition, attribute.path, operator, value);
    if (problem) throw this.error(`${problem} (at ${this.place(after)}).`);
    return {
      kind: 'compare',
      attribute,
      operator: operator as ScimCompareOperator,
      value: value as string | boolean | null,
    };
  }

  /** compValue: a JSON string, number, true, false or null (keywords in any case, as ABNF reads them). */
  private compValue(operator: string): string | number | boolean | null {
    const token = this.next();
    if (token.kind === 'string') return token.value;
    if (token.kind === 'number') return Number(token.text);
    if (token.kind === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
    }
    throw this.error(
      `Expected a value after ${operator} at ${this.place(token)} (a "string" in double quotes, true, false or null), found ${this.describe(token)}.`,
    );
  }

  /** An attribute path outside brackets, or a sub-attribute name inside them. */
  private resolve(token: Extract<Token, { kind: 'word' }>): ScimAttributeRef {
    if (this.parent) return this.resolveSubAttribute(this.parent, token.text, token.at);
    const { candidates, names } = this.split(token);
    const [name, subName] = names;
    const matching = (ref: ScimAttributeRef) =>
      sameName(ref.attribute.name, name) &&
      (subName === undefined ? ref.subAttribute === undefined : sameName(ref.subAttribute?.name, subName));
    // RFC 7644 §3.10: "Clients MAY omit core schema attribute URN prefixes but SHOULD fully qualify
    // extended attributes": an unqualified name is a core one first, an extension's only when unambiguous.
    const found =
      candidates.find((ref) => !ref.extension && matching(ref)) ??
      candidates.find((ref) => ref.extension && matching(ref)) ??
      // A complex attribute named alone means its `value` (`members eq "…"`, as AWS IAM Identity Center
      // documents its Group filter and the ssosync client sends it).
      (subName === undefined
        ? candidates.find((ref) => sameName(ref.attribute.name, name) && ref.subAttribute?.name === 'value')
        : undefined);
    if (!found || names.length > 2) throw this.unknown(token.text, token.at);
    return found;
  }

  /** The multi-valued attribute before `[`, whose sub-attributes the filter in brackets tests. */
  private resolveMultiValued(token: Extract<Token, { kind: 'word' }>): ScimAttributeRef {
    const { candidates, names } = this.split(token);
    const [name] = names;
    const ref = names.length === 1 ? candidates.find((c) => sameName(c.attribute.name, name)) : undefined;
    if (!ref) throw this.unknown(token.text, token.at);
    if (!ref.attribute.multiValued) {
      throw this.error(
        `Only multi-valued attributes take a [filter]; ${ref.attribute.name} at ${this.place(token)} is not one.`,
      );
    }
    const { schema, extension, attribute } = ref;
    return { schema, extension, attribute, path: extension ? `${schema}:${attribute.name}` : attribute.name };
  }

  private resolveSubAttribute(parent: ScimAttributeRef, name: string, at: number): ScimAttributeRef {
    const ref = this.context.attributes.find(
      (candidate) => candidate.attribute === parent.attribute && sameName(candidate.subAttribute?.name, name),
    );
    if (ref) return ref;
    const subs = this.context.attributes
      .filter((candidate) => candidate.attribute === parent.attribute && candidate.subAttribute)
      .map((candidate) => candidate.subAttribute?.name);
    throw this.error(
      `Unknown sub-attribute "${name}" of ${parent.attribute.name} at character ${at + 1}: it has ${subs.join(', ')}.`,
    );
  }

  /** Splits `urn:…:User:name.givenName` into the attributes of its schema and `['name', 'givenName']`. */
  private split(token: Extract<Token, { kind: 'word' }>): {
    candidates: readonly ScimAttributeRef[];
    names: string[];
  } {
    const lower = token.text.toLowerCase();
    const schema = [...new Set(this.context.attributes.map((ref) => ref.schema))]
      .filter((urn) => lower.startsWith(`${urn.toLowerCase()}:`))
      .sort((a, b) => b.length - a.length)[0];
    if (schema !== undefined) {
      return {
        candidates: this.context.attributes.filter((ref) => ref.schema === schema),
        names: token.text.slice(schema.length + 1).split('.'),
      };
    }
    if (lower.startsWith('urn:')) throw this.unknown(token.text, token.at);
    return { candidates: this.context.attributes, names: token.text.split('.') };
  }

  private enter(open: Token): void {
    this.depth++;
    if (this.depth > MAX_FILTER_DEPTH) {
      throw this.error(`The filter nests more than ${MAX_FILTER_DEPTH} levels deep at ${this.place(open)}.`);
    }
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private peek(): Token {
    this.lookahead ??= this.read();
    return this.lookahead;
  }

  private next(): Token {
    const token = this.peek();
    this.lookahead = undefined;
    return token;
  }

  private read(): Token {
    const { text } = this;
    while (this.position < text.length && ' \t\r\n'.includes(text[this.position] as string)) this.position++;
    const at = this.position;
    const char = text[at];
    if (char === undefined) return { kind: 'end', at };
    if (char === '(' || char === ')' || char === '[' || char === ']') {
      this.position++;
      return { kind: char, at };
    }
    if (char === '"') return this.readString(at);
    if (char === '.' && isLetter(text[at + 1])) {
      this.position++;
      return { kind: 'subAttribute', name: this.readWord(), at };
    }
    if (isLetter(char) || char === '$') return { kind: 'word', text: this.readWord(), at };
    if (char === '-' || isDigit(char)) {
      JSON_NUMBER.lastIndex = at;
      const number = JSON_NUMBER.exec(text);
      if (number) {
        this.position += number[0].length;
        return { kind: 'number', text: number[0], at };
      }
    }
    if (char === "'") {
      throw this.error(`Strings are written in double quotes, not single ones (character ${at + 1}).`);
    }
    throw this.error(`Unexpected character ${JSON.stringify(char)} at character ${at + 1}.`);
  }

  private readWord(): string {
    const start = this.position;
    while (isWordChar(this.text[this.position])) this.position++;
    return this.text.slice(start, this.position);
  }

  /** A JSON string (RFC 8259 §7) from the `"` at `at`. */
  private readString(at: number): Token {
    let value = '';
    let index = at + 1;
    for (;;) {
      const char = this.text[index];
      if (char === undefined) {
        throw this.error(`The string that starts at character ${at + 1} has no closing double quote.`);
      }
      if (char === '"') break;
      if (char < ' ') {
        throw this.error(`Control character in the string at character ${index + 1}: escape it, like \\n.`);
      }
      if (char !== '\\') {
        value += char;
        index++;
        continue;
      }
      const escaped = this.text[index + 1] ?? '';
      const hex = this.text.slice(index + 2, index + 6);
      if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(hex)) {
        value += String.fromCharCode(Number.parseInt(hex, 16));
        index += 6;
      } else if (ESCAPES.has(escaped)) {
        value += ESCAPES.get(escaped);
        index += 2;
      } else {
        throw this.error(
          `Invalid escape \\${escaped} at character ${index + 1}: strings use JSON escapes (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX).`,
        );
      }
    }
    this.position = index + 1;
    return { kind: 'string', value, at };
  }

  private place(token: Token): string {
    return token.kind === 'end' ? 'the end' : `character ${token.at + 1}`;
  }

  private describe(token: Token): string {
    switch (token.kind) {
      case 'end':
        return 'nothing';
      case 'word':
        return `"${token.text}"`;
      case 'string':
        return `the string ${JSON.stringify(token.value.length > 40 ? `${token.value.slice(0, 40)}…` : token.value)}`;
      case 'number':
        return `the number ${token.text}`;
      case 'subAttribute':
        return `".${token.name}"`;
      default:
        return `"${token.kind}"`;
    }
  }

  private unknown(name: string, at: number): ScimError {
    return this.error(`Unknown attribute "${name}" at character ${at + 1}: ${this.context.known}.`);
  }

  private error(sentence: string): ScimError {
    const scimType = this.parent ? 'invalidFilter' : this.context.scimType;
    return new ScimError(400, scimType, `${this.context.source}${sentence}`);
  }
}

/** Why an operator and value do not suit an attribute (RFC 7644 §3.4.2.2), or undefined when they do. */
function comparisonProblem(
  definition: ScimAttribute,
  path: string,
  operator: string,
  value: string | number | boolean | null,
): string | undefined {
  if (definition.type === 'complex') {
    return `${path} is complex: compare one of its sub-attributes, like ${path}.${definition.subAttributes?.[0]?.name}, or test it with pr`;
  }
  if (value === null) {
    return operator === 'eq' || operator === 'ne'
      ? undefined
      : `null compares only with eq or ne, not ${operator}`;
  }
  if (definition.type === 'boolean') {
    // §3.4.2.2: gt, ge, lt and le on a boolean SHALL fail with invalidFilter; co, sw and ew have no meaning.
    if (operator !== 'eq' && operator !== 'ne')
      return `${path} is a boolean: compare it with eq or ne, not ${operator}`;
    return typeof value === 'boolean' ? undefined : `${path} is a boolean: compare it with true or false`;
  }
  if (typeof value !== 'string') {
    return `${path} is a ${definition.type}: compare it with a "string" in double quotes, not ${value}`;
  }
  if (definition.type === 'dateTime') {
    if (SUBSTRING_OPERATORS.has(operator)) {
      return `${path} is a dateTime: compare it with eq, ne, gt, ge, lt or le, not ${operator}`;
    }
    if (scimInstant(value) === undefined) {
      return `${path} is a dateTime like 2011-05-13T04:42:34Z; "${value}" is not one`;
    }
  }
  return undefined;
}

function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assigned(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** The values an attribute holds in a resource, every element's for a multi-valued one. */
function resourceValues(resource: ScimResource, ref: ScimAttributeRef): unknown[] {
  const container = ref.extension ? resource[ref.schema] : resource;
  const value = isObject(container) ? container[ref.attribute.name] : undefined;
  const items = Array.isArray(value) ? value : [value];
  const { subAttribute } = ref;
  if (!subAttribute) return items.filter(assigned);
  return items.map((item) => (isObject(item) ? item[subAttribute.name] : undefined)).filter(assigned);
}

/** The value of a sub-attribute in one element of a multi-valued attribute. */
function elementValues(element: unknown, ref: ScimAttributeRef): unknown[] {
  const value = ref.subAttribute ? (isObject(element) ? element[ref.subAttribute.name] : undefined) : element;
  return [value].filter(assigned);
}

function passes(filter: ScimFilter, valuesOf: (ref: ScimAttributeRef) => unknown[]): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.filters.every((term) => passes(term, valuesOf));
    case 'or':
      return filter.filters.some((term) => passes(term, valuesOf));
    case 'not':
      return !passes(filter.filter, valuesOf);
    case 'present':
      return valuesOf(filter.attribute).some(isPresent);
    case 'valuePath':
      return valuesOf(filter.attribute).some((element) => matchesScimValueFilter(filter.filter, element));
    case 'compare':
      return compares(targetOf(filter.attribute), filter.operator, filter.value, valuesOf(filter.attribute));
  }
}

/** `pr`: "a non-empty value, or … a non-empty node for complex attributes" (§3.4.2.2). */
function isPresent(value: unknown): boolean {
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.some(isPresent);
  if (isObject(value)) return Object.values(value).some(isPresent);
  return assigned(value);
}

/**
 * One comparison over an attribute's values: any value may match, and `ne` is `not eq` (an attribute without
 * a value is not equal to anything). `eq null` finds the unassigned (RFC 7643 §2.5: null is unassigned).
 */
function compares(
  definition: ScimAttribute,
  operator: ScimCompareOperator,
  expected: string | boolean | null,
  values: unknown[],
): boolean {
  if (expected === null) return operator === 'eq' ? values.length === 0 : values.length > 0;
  if (operator === 'ne') return !values.some((value) => equals(definition, value, expected));
  if (operator === 'eq') return values.some((value) => equals(definition, value, expected));
  if (typeof expected !== 'string') return false;
  if (definition.type === 'dateTime') {
    const bound = scimInstant(expected) as number;
    return values.some((value) => {
      const instant = typeof value === 'string' ? scimInstant(value) : undefined;
      return instant !== undefined && ordered(operator, instant - bound);
    });
  }
  const wanted = folded(definition, expected);
  return values.some((value) => {
    if (typeof value !== 'string') return false;
    const actual = folded(definition, value);
    if (operator === 'co') return actual.includes(wanted);
    if (operator === 'sw') return actual.startsWith(wanted);
    if (operator === 'ew') return actual.endsWith(wanted);
    return ordered(operator, actual < wanted ? -1 : actual > wanted ? 1 : 0);
  });
}

/** gt, ge, lt or le (the others are decided before), given the sign of actual minus expected. */
function ordered(operator: ScimCompareOperator, difference: number): boolean {
  if (operator === 'gt') return difference > 0;
  if (operator === 'ge') return difference >= 0;
  if (operator === 'lt') return difference < 0;
  return difference <= 0;
}

function equals(definition: ScimAttribute, value: unknown, expected: string | boolean): boolean {
  if (typeof expected === 'boolean' || typeof value !== 'string') return value === expected;
  if (definition.type === 'dateTime') {
    const instant = scimInstant(value);
    return instant !== undefined && instant === scimInstant(expected);
  }
  return folded(definition, value) === folded(definition, expected);
}

function folded(definition: ScimAttribute, text: string): string {
  return definition.caseExact ? text : text.toLowerCase();
}
