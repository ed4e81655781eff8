/**
 * The value types of the two data models (SCORM 1.2 RTE 3.4.1, SCORM 2004 4th edition RTE 4.1.1): each says
 * whether a value is one of its values, and if not, whether the type or the range is wrong (1.2 reports both
 * as 405; 2004 as 406 and 407).
 */
import { durationToSeconds, isClockTime12, isTimestamp2004, timespan12ToSeconds } from './time.ts';

export interface Refusal {
  kind: 'type' | 'range';
  reason: string;
}

/** What a value's meaning may depend on: the type of the interaction it belongs to. */
export interface ValueContext {
  interactionType?: string;
}

export interface ValueType {
  check(value: string, context: ValueContext): Refusal | undefined;
}

export const mismatch = (reason: string): Refusal => ({ kind: 'type', reason });
export const outOfRange = (reason: string): Refusal => ({ kind: 'range', reason });

/** A value as an error message quotes it: never the whole of a 64,000-character suspend_data. */
export function quoted(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/** Length in characters (code points), as the SPMs count them. */
export function lengthOf(value: string): number {
  let length = 0;
  for (const _ of value) length += 1;
  return length;
}

/** Any text of at most `max` characters (1.2 CMIString255/4096, 2004 characterstring with its SPM). */
export function characterstring(max: number): ValueType {
  return {
    check: (value) =>
      value.length > max && lengthOf(value) > max
        ? outOfRange(`the value is ${lengthOf(value)} characters long; at most ${max} are allowed`)
        : undefined,
  };
}

/** 1.2 `cmi.student_data.time_limit_action` and 2004 `cmi.time_limit_action`. */
export const TIME_LIMIT_ACTIONS = [
  'exit,message',
  'exit,no message',
  'continue,message',
  'continue,no message',
];

export function vocabulary(words: readonly string[]): ValueType {
  const shown = words.map((word) => (word === '' ? '""' : word)).join(', ');
  return {
    check: (value) =>
      words.includes(value) ? undefined : mismatch(`${quoted(value)} is not one of ${shown}`),
  };
}

/** The type, or the empty string (1.2 CMIBlank; an LMS-supplied 2004 element the manifest leaves unset). */
export function orBlank(type: ValueType): ValueType {
  return { check: (value, context) => (value === '' ? undefined : type.check(value, context)) };
}

/** Tried in turn: the value is one of the first type's or the second's (1.2 result: a word or a decimal). */
export function either(first: ValueType, second: ValueType): ValueType {
  return {
    check: (value, context) => (first.check(value, context) ? second.check(value, context) : undefined),
  };
}

/** An optional minus, up to 10 digits, an optional fraction: 1.2 CMIDecimal, 2004 real (10,7). */
const DECIMAL = /^-?(\d{1,10}(\.\d{0,18})?|\.\d{1,18})$/;

export function decimal(range: { min?: number; max?: number } = {}): ValueType {
  return numberType(DECIMAL, 'a decimal number', range);
}

/** 1.2 CMISInteger: a signed whole number. */
export function signedInteger(range: { min: number; max: number }): ValueType {
  return numberType(/^-?\d{1,5}$/, 'a whole number', range);
}

function numberType(pattern: RegExp, what: string, { min, max }: { min?: number; max?: number }): ValueType {
  return {
    check(value) {
      if (!pattern.test(value)) return mismatch(`${quoted(value)} is not ${what}`);
      const number = Number(value);
      if ((min !== undefined && number < min) || (max !== undefined && number > max)) {
        return outOfRange(`${value} is outside ${min ?? '-∞'}..${max ?? '∞'}`);
      }
      return undefined;
    },
  };
}

/** 1.2 CMIIdentifier: up to 255 characters, no white space, nothing unprintable. */
export const identifier12: ValueType = {
  check: (value) =>
    /^[^\s\p{C}]{1,255}$/u.test(value)
      ? undefined
      : mismatch(`${quoted(value)} is not an identifier (1 to 255 characters, no spaces)`),
};

export const timespan12: ValueType = {
  check: (value) =>
    timespan12ToSeconds(value) === undefined ? mismatch(`${quoted(value)} is not HHHH:MM:SS.SS`) : undefined,
};

export const clockTime12: ValueType = {
  check: (value) => (isClockTime12(value) ? undefined : mismatch(`${quoted(value)} is not a time HH:MM:SS`)),
};

/**
 * 1.2 CMIFeedback (interactions' student_response and correct_responses pattern): up to 255 characters.
 * True-false and numeric interactions have a format of their own; the others' formats are descriptions
 * that content in the wild (and scorm-again) treat as free text.
 */
export const feedback12: ValueType = {
  check(value, { interactionType }) {
    const tooLong = characterstring(255).check(value, {});
    if (tooLong || value === '') return tooLong;
    if (interactionType === 'true-false' && !/^[01tf]/i.test(value)) {
      return mismatch(`${quoted(value)} is not a true-false response (0, 1, t or f)`);
    }
    if (interactionType === 'numeric' && !DECIMAL.test(value)) {
      return mismatch(`${quoted(value)} is not a numeric response`);
    }
    return undefined;
  },
};

/** 2004 timeinterval (second,10,2): an ISO 8601 duration. */
export const duration: ValueType = {
  check: (value) =>
    durationToSeconds(value) === undefined
      ? mismatch(`${quoted(value)} is not an ISO 8601 duration such as PT1H2M3.5S`)
      : undefined,
};

/** 2004 time (second,10,2): an ISO 8601 timestamp from 1970 to 2038. */
export const timestamp: ValueType = {
  check: (value) =>
    isTimestamp2004(value)
      ? undefined
      : mismatch(`${quoted(value)} is not an ISO 8601 timestamp such as 2024-05-01T10:30:00Z`),
};

/**
 * 2004 long_identifier_type (SPM 4000) and short_identifier_type (SPM 250): a URI, so no white space, and a
 * `urn:` one with its namespace identifier.
 */
export function uri(max: number): ValueType {
  return {
    check(value) {
      if (value === '' || /\s/.test(value)) return mismatch(`${quoted(value)} is not an identifier (a URI)`);
      if (/^urn:/i.test(value) && !/^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$/i.test(value)) {
        return mismatch(`${quoted(value)} is not a URN (urn:<namespace>:<name>)`);
      }
      return characterstring(max).check(value, {});
    },
  };
}

/** 2004 language_type: an RFC 3066 language tag, or empty. */
const LANGUAGE_TAG = /^(?:[a-z]{2,3}|i|x)(?:-[a-z0-9]{1,8})*$/i;

export const language: ValueType = {
  check: (value) =>
    value === '' || (value.length <= 250 && LANGUAGE_TAG.test(value))
      ? undefined
      : mismatch(`${quoted(value)} is not a language tag such as en or fr-CA`),
};

/** 2004 localized_string_type: an optional `{lang=xx}` delimiter, then text of at most `max` characters. */
export function localized(max: number): ValueType {
  return {
    check(value) {
      let text = value;
      if (value.startsWith('{lang=')) {
        const delimiter = /^\{lang=([^}]*)\}/.exec(value);
        if (!delimiter || !LANGUAGE_TAG.test(delimiter[1] ?? '')) {
          return mismatch(`${quoted(value)} starts with a {lang=...} delimiter that names no language`);
        }
        text = value.slice(delimiter[0].length);
      }
      return characterstring(max).check(text, {});
    },
  };
}
