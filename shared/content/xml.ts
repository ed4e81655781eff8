/**
 * Safe XML parsing for package manifests (fast-xml-parser), producing a small namespace-aware element tree.
 *
 * The order of checks is the point: size cap, then any `<!DOCTYPE`/`<!ENTITY` refused before a parser sees
 * the text (no external entities = no XXE, no entity expansion = no billion laughs), then well-formedness
 * (XMLValidator, with line and column), then nesting depth, and only then parsing, with
 * `processEntities: false`. The five predefined entities and character references are decoded here, by a
 * fixed table that cannot expand.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { type Finding, PackageRejectedError } from './findings.ts';

/** The codes {@link parseXml} rejects a document with. */
export type XmlRejectionCode = 'xml-too-large' | 'xml-entities' | 'malformed-xml' | 'xml-too-deep';

export interface XmlAttribute {
  /** Local name (prefix removed): `scormType` for `adlcp:scormType`, `base` for `xml:base`. */
  name: string;
  /** Prefix as written, '' when none. */
  prefix: string;
  /** Namespace URI of the prefix; '' for unprefixed attributes (which have no namespace in XML). */
  namespace: string;
  value: string;
}

export interface XmlElement {
  /** Local name (prefix removed): `sequencing` for `<imsss:sequencing>`. */
  name: string;
  /** Prefix as written, '' when none. */
  prefix: string;
  /** Namespace URI the prefix, or the default namespace, is bound to; '' when none is in scope. */
  namespace: string;
  attributes: XmlAttribute[];
  /** Namespace declarations made on this element: prefix ('' for the default namespace) -> URI. */
  declarations: ReadonlyMap<string, string>;
  children: XmlElement[];
  /** Direct character content (text and CDATA, in order), references decoded, untrimmed. */
  text: string;
}

export interface XmlDocument {
  root: XmlElement;
  /** Every namespace URI declared anywhere in the document (version detection reads these). */
  namespaceUris: ReadonlySet<string>;
}

export interface XmlParseOptions {
  /** Name used in messages and findings, e.g. `imsmanifest.xml`. */
  file: string;
  /** Refuse documents larger than this many UTF-8 bytes. */
  maxBytes: number;
  /** Refuse documents nesting elements deeper than this. */
  maxDepth: number;
}

/** The namespace the `xml:` prefix is always bound to (`xml:base`, `xml:lang`). */
export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

function reject(
  code: XmlRejectionCode,
  message: string,
  file: string,
  element?: string,
): PackageRejectedError {
  const finding: Finding = { severity: 'error', code, message, file, ...(element ? { element } : {}) };
  return new PackageRejectedError(code, message, [finding]);
}

/**
 * Parses `text` into an element tree, or throws {@link PackageRejectedError} (`xml-too-large`, `xml-entities`,
 * `malformed-xml`, `xml-too-deep`) naming the file and, where known, the line and column.
 *
 * @example
 * const { root } = parseXml(text, { file: 'imsmanifest.xml', maxBytes: 10 << 20, maxDepth: 64 });
 * const organizations = child(root, 'organizations');
 */
export function parseXml(text: string, options: XmlParseOptions): XmlDocument {
  const { file, maxBytes, maxDepth } = options;
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const bytes = Buffer.byteLength(source);
  if (bytes > maxBytes) {
    throw reject('xml-too-large', `${file} is ${bytes} bytes; the limit is ${maxBytes}`, file);
  }
  const declaration = /<!\s*(DOCTYPE|ENTITY)/i.exec(source);
  if (declaration) {
    const where = position(source, declaration.index);
    throw reject(
      'xml-entities',
      `${file} declares <!${declaration[1]?.toUpperCase()}> at line ${where.line}: document type and entity ` +
        'declarations are refused (they allow external-entity and entity-expansion attacks); remove them',
      file,
      `line ${where.line}, column ${where.column}`,
    );
  }
  const validation = XMLValidator.validate(source, { allowBooleanAttributes: false });
  if (validation !== true) {
    const { line, col } = validation.err;
    // The validator's message can embed every unclosed tag name: keep it to one readable sentence.
    const compact = validation.err.msg.replace(/\s+/g, ' ');
    const msg = compact.length > 200 ? `${compact.slice(0, 200)}...` : compact;
    throw reject(
      'malformed-xml',
      `${file} is not well-formed XML: ${msg} (line ${line}, column ${col})`,
      file,
      `line ${line}, column ${col}`,
    );
  }
  const depth = nestingDepth(source, maxDepth);
  if (depth.exceeded) {
    const where = position(source, depth.at);
    throw reject(
      'xml-too-deep',
      `${file} nests elements more than ${maxDepth} levels deep (at line ${where.line})`,
      file,
      `line ${where.line}, column ${where.column}`,
    );
  }
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    allowBooleanAttributes: false,
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: CDATA,
    commentPropName: false,
    removeNSPrefix: false,
    // Our own depth check ran above with a clear message; this is the parser's backstop.
    maxNestedTags: maxDepth + 1,
  });
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(source) as OrderedNode[];
  } catch (error) {
    throw reject('malformed-xml', `${file} could not be parsed: ${(error as Error).message}`, file);
  }
  const rootNode = nodes.find((node) => elementName(node) !== undefined);
  if (!rootNode) throw reject('malformed-xml', `${file} has no root element`, file);
  const namespaceUris = new Set<string>();
  const root = buildElement(rootNode, new Map([['xml', XML_NAMESPACE]]), namespaceUris);
  return { root, namespaceUris };
}

// ---------------------------------------------------------------------------------------------------------
// Reading the tree

/** Attribute by local name (prefix ignored), optionally only in one namespace or ignoring letter case. */
export function attr(
  element: XmlElement,
  name: string,
  options: { namespace?: string; ignoreCase?: boolean } = {},
): string | undefined {
  const wanted = options.ignoreCase ? name.toLowerCase() : name;
  for (const attribute of element.attributes) {
    const local = options.ignoreCase ? attribute.name.toLowerCase() : attribute.name;
    if (local !== wanted) continue;
    if (options.namespace !== undefined && attribute.namespace !== options.namespace) continue;
    return attribute.value;
  }
  return undefined;
}

/** Child elements with this local name (any prefix/namespace), in document order. */
export function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((candidate) => candidate.name === name);
}

/** First child element with this local name. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((candidate) => candidate.name === name);
}

/** Every descendant with this local name, depth-first in document order. Iterative: no deep recursion. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const stack = [...element.children].reverse();
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (next.name === name) found.push(next);
    for (let i = next.children.length - 1; i >= 0; i--) {
      const grandchild = next.children[i];
      if (grandchild) stack.push(grandchild);
    }
  }
  return found;
}

/** An element's text with runs of whitespace collapsed and ends trimmed: what a title means. */
export function textOf(element: XmlElement | undefined): string {
  return element ? element.text.replace(/\s+/g, ' ').trim() : '';
}

// ---------------------------------------------------------------------------------------------------------
// Building the tree from fast-xml-parser's ordered output

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRIBUTES = ':@';

/** One node of fast-xml-parser's `preserveOrder` output: `{ tag: children, ':@': attributes }` or text. */
type OrderedNode = Record<string, unknown>;

function elementName(node: OrderedNode): string | undefined {
  for (const key of Object.keys(node)) {
    if (key !== ATTRIBUTES && key !== TEXT && key !== CDATA) return key;
  }
  return undefined;
}

function splitName(qualified: string): { prefix: string; local: string } {
  const colon = qualified.indexOf(':');
  return colon < 0
    ? { prefix: '', local: qualified }
    : { prefix: qualified.slice(0, colon), local: qualified.slice(colon + 1) };
}

function buildElement(
  node: OrderedNode,
  inherited: ReadonlyMap<string, string>,
  uris: Set<string>,
): XmlElement {
  const qualified = elementName(node) ?? '';
  const rawAttributes = (node[ATTRIBUTES] ?? {}) as Record<string, string>;
  const declarations = new Map<string, string>();
  const plain: [string, string][] = [];
  for (const [name, raw] of Object.entries(rawAttributes)) {
    const value = decodeReferences(normaliseAttributeWhitespace(String(raw)));
    if (name === 'xmlns') declarations.set('', value.trim());
    else if (name.startsWith('xmlns:')) declarations.set(name.slice(6), value.trim());
    else plain.push([name, value]);
  }
  const scope = declarations.size === 0 ? inherited : new Map([...inherited, ...declarations]);
  for (const uri of declarations.values()) if (uri) uris.add(uri);

  const { prefix, local } = splitName(qualified);
  const attributes = plain.map(([name, value]): XmlAttribute => {
    const split = splitName(name);
    return {
      name: split.local,
      prefix: split.prefix,
      namespace: split.prefix ? (scope.get(split.prefix) ?? '') : '',
      value,
    };
  });
  const elementChildren: XmlElement[] = [];
  let text = '';
  for (const item of (node[qualified] ?? []) as OrderedNode[]) {
    if (TEXT in item) text += decodeReferences(String(item[TEXT]));
    else if (CDATA in item) text += cdataText(item[CDATA]);
    else if (elementName(item) !== undefined) elementChildren.push(buildElement(item, scope, uris));
  }
  return {
    name: local,
    prefix,
    namespace: scope.get(prefix) ?? '',
    attributes,
    declarations,
    children: elementChildren,
    text,
  };
}

function cdataText(value: unknown): string {
  // CDATA is literal: no reference decoding.
  if (!Array.isArray(value)) return '';
  return value
    .map((part) => (typeof part === 'object' && part && TEXT in part ? String(part[TEXT]) : ''))
    .join('');
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/**
 * Decodes the five predefined entities and numeric character references. Anything else (`&nbsp;`) is left as
 * written: with no DTD there is nothing it could refer to, and nothing here can expand.
 */
export function decodeReferences(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (match, ref: string) => {
    if (ref.startsWith('#')) {
      const code =
        ref[1] === 'x' || ref[1] === 'X'
          ? Number.parseInt(ref.slice(2), 16)
          : Number.parseInt(ref.slice(1), 10);
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
    }
    return PREDEFINED[ref] ?? match;
  });
}

/** XML attribute-value normalisation: literal tabs and line breaks become spaces (before decoding refs). */
function normaliseAttributeWhitespace(value: string): string {
  return value.replace(/\r\n|[\t\n\r]/g, ' ');
}

// ---------------------------------------------------------------------------------------------------------
// Pre-parse scans

/**
 * Measures element nesting with a linear scan (comments, CDATA, processing instructions and quoted attribute
 * values skipped), stopping at the first element deeper than `limit`. Runs on well-formed text only.
 */
function nestingDepth(xml: string, limit: number): { exceeded: boolean; at: number } {
  let depth = 0;
  let i = 0;
  while (i < xml.length) {
    const open = xml.indexOf('<', i);
    if (open < 0) break;
    if (xml.startsWith('<!--', open)) {
      i = skipPast(xml, '-->', open + 4);
    } else if (xml.startsWith('<![CDATA[', open)) {
      i = skipPast(xml, ']]>', open + 9);
    } else if (xml.startsWith('<?', open)) {
      i = skipPast(xml, '?>', open + 2);
    } else if (xml.startsWith('</', open)) {
      depth -= 1;
      i = skipPast(xml, '>', open + 2);
    } else {
      const end = endOfTag(xml, open + 1);
      if (xml[end - 1] !== '/') {
        depth += 1;
        if (depth > limit) return { exceeded: true, at: open };
      }
      i = end + 1;
    }
  }
  return { exceeded: false, at: -1 };
}

function skipPast(xml: string, token: string, from: number): number {
  const at = xml.indexOf(token, from);
  return at < 0 ? xml.length : at + token.length;
}

/** Index of the `>` closing a start tag, ignoring `>` inside quoted attribute values. */
function endOfTag(xml: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < xml.length; i++) {
    const c = xml[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    }
  }
  return xml.length;
}

function position(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}
