/**
 * Applies one commit to the stored data model. scorm-again commits a snapshot (every element it holds,
 * flattened, unset ones as ''), so a commit is read as the writes that make the stored state look like it:
 *
 * 1. Order the elements so that an item's id, then its type, come before the rest (the snapshot's own order
 *    is arbitrary), and keywords last.
 * 2. Skip what is no write: a value equal to the stored one; '' for an element the SCO never set, or whose
 *    type has no empty value (scorm-again renders what it does not hold as ''); a read-only element's ''.
 * 3. Check each write as SetValue would: defined element, access, index (append at `_count` only, within the
 *    collection's limit), dependencies, type and range, the element's own rule; and the state's weight.
 * 4. Check the keywords against the state the writes leave.
 *
 * The first refusal returns its SCORM error and leaves the state as it was.
 */
import type { DataModel, ElementSpec } from './data-model.ts';
import { quoted } from './datatypes.ts';
import type { CmiError, CmiState, ScormVersion } from './model.ts';
import { SCORM12 } from './scorm12.ts';
import { SCORM2004 } from './scorm2004.ts';

export const DATA_MODELS: Record<ScormVersion, DataModel> = { scorm12: SCORM12, scorm2004: SCORM2004 };

/** The most elements one commit may hold (scorm-again sends a few dozen plus ~10 per interaction). */
export const MAX_COMMIT_ELEMENTS = 5000;

/**
 * The most an attempt's data model may weigh, names and values in UTF-8: the SPMs alone would allow
 * megabytes (250 comments of 4000 characters), far past what one DynamoDB item (400 KB) holds.
 */
export const MAX_STATE_BYTES = 300_000;

export type CommitResult = { ok: true; state: CmiState; changed: string[] } | { ok: false; error: CmiError };

/** An element path with its indices taken out: `cmi.interactions.3.id` -> `cmi.interactions.n.id`, [3]. */
interface ElementPath {
  readonly pattern: string;
  readonly indices: readonly number[];
  /** The concrete collections the element sits in, outermost first, with its index in each. */
  readonly levels: readonly {
    readonly collection: string;
    readonly pattern: string;
    readonly index: number;
  }[];
}

/** Applies one commit snapshot to the stored state; on the first invalid element returns its SCORM error. */
export function applyCommit(
  version: ScormVersion,
  current: Readonly<CmiState>,
  incoming: Readonly<Record<string, string>>,
): CommitResult {
  const model = DATA_MODELS[version];
  const entries = Object.entries(incoming);
  if (entries.length > MAX_COMMIT_ELEMENTS) {
    const message = `A commit holds at most ${MAX_COMMIT_ELEMENTS} elements; this one holds ${entries.length}.`;
    return { ok: false, error: refused(model.codes.general, '', message) };
  }
  const commit = new Commit(model, current);
  const keywords: [string, string, ElementPath][] = [];
  for (const [element, value] of entries.sort(([a], [b]) => byProcessingOrder(a, b))) {
    const path = parsePath(element);
    if (path && isKeyword(path.pattern)) {
      keywords.push([element, value, path]);
      continue;
    }
    const spec = path && model.elements.get(path.pattern);
    const error = spec ? commit.write(element, value, spec, path) : commit.undefinedElement(element);
    if (error) return { ok: false, error };
  }
  for (const [element, value, path] of keywords) {
    const error = commit.checkKeyword(element, value, path);
    if (error) return { ok: false, error };
  }
  return { ok: true, state: commit.state, changed: commit.changed };
}

class Commit {
  readonly state: CmiState;
  readonly changed: string[] = [];
  /** Items per concrete collection (`cmi.interactions.0.objectives` -> 2), kept as writes append. */
  private readonly counts = new Map<string, number>();
  private bytes = 0;

  constructor(
    private readonly model: DataModel,
    current: Readonly<CmiState>,
  ) {
    this.state = { ...current };
    for (const [element, value] of Object.entries(current)) {
      this.bytes += Buffer.byteLength(element) + Buffer.byteLength(value);
      for (const { collection, index } of parsePath(element)?.levels ?? []) {
        this.counts.set(collection, Math.max(this.countOf(collection), index + 1));
      }
    }
  }

  write(element: string, value: string, spec: ElementSpec, path: ElementPath): CmiError | undefined {
    const { codes } = this.model;
    const stored = this.state[element];
    if (value === stored) return undefined;
    const context = { interactionType: this.interactionTypeOf(path) };
    if (spec.access === 'ro') {
      if (value === '' || (spec.computedByLms && !spec.type.check(value, context))) return undefined;
      return refused(
        codes.readOnly,
        element,
        `${element} is read-only: the LMS set it to ${quoted(stored ?? '')}; the commit says ${quoted(value)}.`,
      );
    }
    const hasEmptyValue = spec.type.check('', context) === undefined;
    if (value === '' && (stored === undefined || !hasEmptyValue)) return undefined;

    for (const { collection, pattern, index } of path.levels) {
      const count = this.countOf(collection);
      const limit = this.model.collections.get(pattern) ?? 0;
      if (index >= limit) {
        return refused(codes.index, element, `${element}: ${collection} holds at most ${limit} items.`);
      }
      if (index > count) {
        return refused(
          codes.index,
          element,
          `${element}: ${collection}._count is ${count}; set ${collection}.${count} first (items are appended).`,
        );
      }
    }
    for (const required of spec.requires ?? []) {
      const concrete = withIndices(required, path.indices);
      if (!this.state[concrete]) {
        return refused(codes.dependency, element, `${element}: set ${concrete} first.`);
      }
    }
    const refusal = spec.type.check(value, context);
    if (refusal) {
      const code = refusal.kind === 'type' ? codes.typeMismatch : codes.outOfRange;
      return refused(code, element, `${element}: ${refusal.reason}.`);
    }
    const broken = spec.rule?.({ element, value, indices: path.indices, state: this.state });
    if (broken) return refused(codes.general, element, `${element}: ${broken}.`);

    const growth =
      Buffer.byteLength(value) -
      Buffer.byteLength(stored ?? '') +
      (stored === undefined ? Buffer.byteLength(element) : 0);
    if (growth > 0 && this.bytes + growth > MAX_STATE_BYTES) {
      return refused(
        codes.general,
        element,
        `${element}: the attempt's data model would weigh ${this.bytes + growth} bytes; it keeps at most ${MAX_STATE_BYTES}.`,
      );
    }
    this.bytes += growth;
    this.state[element] = value;
    this.changed.push(element);
    for (const { collection, index } of path.levels) {
      if (index === this.countOf(collection)) this.counts.set(collection, index + 1);
    }
    return undefined;
  }

  /** `_children`, `_count` and `_version` are the LMS's: a snapshot may repeat them, never change them. */
  checkKeyword(element: string, value: string, path: ElementPath): CmiError | undefined {
    const keyword = path.pattern.slice(path.pattern.lastIndexOf('.') + 1);
    const parent = element.slice(0, element.lastIndexOf('.'));
    const parentPattern = path.pattern.slice(0, path.pattern.lastIndexOf('.'));
    let actual: string | undefined;
    if (keyword === '_version' && parent === 'cmi') actual = this.model.modelVersion;
    if (keyword === '_count' && this.model.collections.has(parentPattern))
      actual = String(this.countOf(parent));
    if (keyword === '_children') actual = this.model.children.get(parentPattern);
    if (actual === undefined) return this.undefinedElement(element);
    if (value === '' || sameKeywordValue(keyword, value, actual)) return undefined;
    return refused(
      this.model.codes.keyword,
      element,
      `${element} is a keyword: it is ${quoted(actual)}, and the commit cannot make it ${quoted(value)}.`,
    );
  }

  undefinedElement(element: string): CmiError {
    const name = this.model.version === 'scorm12' ? 'SCORM 1.2' : 'SCORM 2004';
    return refused(
      this.model.codes.undefinedElement,
      element,
      `${quoted(element)} is not an element of the ${name} data model.`,
    );
  }

  private countOf(collection: string): number {
    return this.counts.get(collection) ?? 0;
  }

  /** The type of the interaction an element belongs to, which decides its responses' format. */
  private interactionTypeOf(path: ElementPath): string | undefined {
    const [index] = path.indices;
    return path.pattern.startsWith('cmi.interactions.n.') && index !== undefined
      ? this.state[`cmi.interactions.${index}.type`]
      : undefined;
  }
}

const KEYWORDS = new Set(['_children', '_count', '_version']);

function isKeyword(pattern: string): boolean {
  return KEYWORDS.has(pattern.slice(pattern.lastIndexOf('.') + 1));
}

/** `_children` lists the same names in any order; the rest compare as they are. */
function sameKeywordValue(keyword: string, value: string, actual: string): boolean {
  if (keyword !== '_children') return value === actual;
  const names = (list: string) => [...new Set(list.split(','))].sort().join(',');
  return names(value) === names(actual);
}

/** An index: a canonical whole number (no leading zeros), short enough to mean an item. */
const INDEX = /^(0|[1-9]\d{0,5})$/;
/** 2004's navigation targets are identifiers that may hold dots: `adl.nav.request_valid.choice.{target=a.b}`. */
const NAVIGATION_TARGET = /^(adl\.nav\.request_valid\.(?:choice|jump))\.\{target=[^{}]+\}$/;

/**
 * Parsed paths by element name: a warm function sees the same few hundred names in every commit of every
 * attempt, and parsing them was a fifth of a commit's CPU. Bounded: cleared when it fills (names are learner
 * input).
 */
const parsedPaths = new Map<string, ElementPath | undefined>();
const MAX_PARSED_PATHS = 5_000;

function parsePath(element: string): ElementPath | undefined {
  if (parsedPaths.has(element)) return parsedPaths.get(element);
  if (parsedPaths.size >= MAX_PARSED_PATHS) parsedPaths.clear();
  const path = parseNewPath(element);
  parsedPaths.set(element, path);
  return path;
}

function parseNewPath(element: string): ElementPath | undefined {
  const target = NAVIGATION_TARGET.exec(element);
  if (target) return { pattern: `${target[1]}.{target=}`, indices: [], levels: [] };
  const segments = element.split('.');
  if (segments.some((segment) => segment === '')) return undefined;
  const indices: number[] = [];
  const levels: { collection: string; pattern: string; index: number }[] = [];
  const pattern = segments.map((segment, position) => {
    if (!INDEX.test(segment)) return segment;
    const index = Number(segment);
    indices.push(index);
    levels.push({
      collection: segments.slice(0, position).join('.'),
      pattern: segments
        .slice(0, position)
        .map((part) => (INDEX.test(part) ? 'n' : part))
        .join('.'),
      index,
    });
    return 'n';
  });
  return { pattern: pattern.join('.'), indices, levels };
}

function withIndices(pattern: string, indices: readonly number[]): string {
  let next = 0;
  return pattern
    .split('.')
    .map((segment) => (segment === 'n' ? String(indices[next++]) : segment))
    .join('.');
}

/** Items in index order; within an item its id, then its type, then the rest (what they depend on first). */
function byProcessingOrder(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] ?? '';
    const y = right[i] ?? '';
    if (x === y) continue;
    if (INDEX.test(x) && INDEX.test(y)) return Number(x) - Number(y);
    return rank(x) - rank(y) || (x < y ? -1 : 1);
  }
  return left.length - right.length;
}

function rank(segment: string): number {
  if (segment === 'id') return 0;
  if (segment === 'type') return 1;
  return 2;
}

function refused(code: number, element: string, message: string): CmiError {
  return { code, element, message };
}
