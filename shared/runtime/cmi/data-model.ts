/**
 * The shape of a data model table (scorm12.ts, scorm2004.ts): every element with its access and value type,
 * the collections (`n` arrays) with their limits, the keywords, and the SCORM error codes of the version.
 */
import type { ValueType } from './datatypes.ts';
import type { CmiState, ScormVersion } from './model.ts';

export interface ErrorCodes {
  /** Not an element of the data model. */
  undefinedElement: number;
  /** A keyword (`_children`, `_count`, `_version`) given another value than the LMS's. */
  keyword: number;
  readOnly: number;
  typeMismatch: number;
  outOfRange: number;
  /** An index past `_count` (only appending is allowed), or past the collection's limit. */
  index: number;
  /** An element set before the one it depends on (an interaction's id before its type). */
  dependency: number;
  /** Anything else the LMS refuses (a duplicate objective id, a commit too large). */
  general: number;
}

/** A value the commit is about to write, for the rules that look beyond the value itself. */
export interface Write {
  element: string;
  value: string;
  /** The element's indices, outermost first: `cmi.interactions.3.objectives.1.id` -> [3, 1]. */
  indices: readonly number[];
  /** The state as the commit has changed it so far. */
  state: Readonly<CmiState>;
}

export interface ElementSpec {
  access: 'ro' | 'rw' | 'wo';
  type: ValueType;
  /** Elements (indices as `n`, filled from this element's) that must hold a value before this one is set. */
  requires?: readonly string[];
  /**
   * The LMS computes it (total_time): the client's copy is ignored. scorm-again adds the session to its
   * own copy of total_time on the terminating commit; the sum the LMS keeps is endSession's.
   */
  computedByLms?: true;
  /** A rule beyond the value's type; returns why the write is refused (the general error code). */
  rule?: (write: Write) => string | undefined;
}

export interface DataModel {
  version: ScormVersion;
  /** `cmi._version`. */
  modelVersion: string;
  codes: ErrorCodes;
  /** Element patterns (indices written `n`) -> spec. */
  elements: ReadonlyMap<string, ElementSpec>;
  /** Collection patterns (`cmi.interactions`, `cmi.interactions.n.objectives`) -> the most items kept. */
  collections: ReadonlyMap<string, number>;
  /** `<parent>._children` values, by parent pattern. */
  children: ReadonlyMap<string, string>;
  /** The elements a session's start and end are about, and the format of their times. */
  session: {
    totalTime: string;
    sessionTime: string;
    exit: string;
    toSeconds(time: string): number | undefined;
    fromSeconds(seconds: number): string;
  };
}

export const ro = (type: ValueType, more: Partial<ElementSpec> = {}): ElementSpec => ({
  access: 'ro',
  type,
  ...more,
});
export const rw = (type: ValueType, more: Partial<ElementSpec> = {}): ElementSpec => ({
  access: 'rw',
  type,
  ...more,
});
export const wo = (type: ValueType, more: Partial<ElementSpec> = {}): ElementSpec => ({
  access: 'wo',
  type,
  ...more,
});
