/**
 * SCORM 2004 interaction responses, whose format is the interaction's type's (4th edition RTE 4.2.9.1
 * correct_responses.n.pattern and 4.2.9.2 learner_response). Lists are joined by `[,]`, pairs by `[.]`,
 * numeric ranges by `[:]`; a pattern may open with `{case_matters=...}` / `{order_matters=...}`.
 */
import {
  characterstring,
  decimal,
  localized,
  mismatch,
  outOfRange,
  quoted,
  type Refusal,
  uri,
  type ValueType,
} from './datatypes.ts';

/** Interaction types with exactly one correct response pattern. */
export const SINGLE_PATTERN_TYPES = ['true-false', 'likert', 'numeric', 'other'];

const shortIdentifier = uri(250);
const real = decimal();

type Format = (value: string) => Refusal | undefined;

/** A correct response pattern, checked against the interaction's type. */
export const responsePattern: ValueType = {
  check: (value, { interactionType }) => formatFor(interactionType, 'pattern')(value),
};

/** A learner response, checked against the interaction's type. */
export const learnerResponse: ValueType = {
  check: (value, { interactionType }) => formatFor(interactionType, 'response')(value),
};

function formatFor(type: string | undefined, kind: 'pattern' | 'response'): Format {
  const pattern = kind === 'pattern';
  switch (type) {
    case 'true-false':
      return (value) =>
        value === 'true' || value === 'false' ? undefined : mismatch(`${quoted(value)} is not true or false`);
    case 'choice':
      return list(shortIdentifier, { max: 36, unique: true });
    case 'fill-in':
      return withOptions(pattern ? ['case_matters', 'order_matters'] : [], list(localized(250), { max: 10 }));
    case 'long-fill-in':
      return withOptions(pattern ? ['case_matters'] : [], one(localized(4000)));
    case 'likert':
      return one(shortIdentifier);
    case 'matching':
      return list(pair(shortIdentifier, shortIdentifier), { max: 36 });
    case 'performance':
      return withOptions(pattern ? ['order_matters'] : [], list(step(pattern), { max: 125 }));
    case 'sequencing':
      return list(shortIdentifier, { max: 36 });
    case 'numeric':
      return pattern ? numericRange : one(real);
    case 'other':
      return one(characterstring(4000));
    default:
      return (value) =>
        mismatch(`${quoted(value)} cannot be checked: the interaction's type is not set to a known type`);
  }
}

function one(type: ValueType): Format {
  return (value) => type.check(value, {});
}

/** `a[,]b[,]c`; an empty value is an empty list. */
function list(item: ValueType | Format, { max, unique = false }: { max: number; unique?: boolean }): Format {
  const check = typeof item === 'function' ? item : one(item);
  return (value) => {
    if (value === '') return undefined;
    const items = value.split('[,]');
    if (items.length > max)
      return outOfRange(`the value holds ${items.length} items; at most ${max} are allowed`);
    if (unique && new Set(items).size !== items.length) return mismatch(`${quoted(value)} repeats an item`);
    for (const entry of items) {
      const refusal = check(entry);
      if (refusal) return refusal;
    }
    return undefined;
  };
}

/** `source[.]target`. */
function pair(left: ValueType, right: ValueType): Format {
  return (value) => {
    const parts = value.split('[.]');
    if (parts.length !== 2) return mismatch(`${quoted(value)} is not a pair source[.]target`);
    return left.check(parts[0] ?? '', {}) ?? right.check(parts[1] ?? '', {});
  };
}

/** A performance step `name[.]answer`: either part may be empty, not both; a pattern's answer may be a range. */
function step(pattern: boolean): Format {
  return (value) => {
    const parts = value.split('[.]');
    const [name = '', answer = ''] = parts;
    if (parts.length !== 2 || (name === '' && answer === '')) {
      return mismatch(`${quoted(value)} is not a step name[.]answer`);
    }
    if (name !== '') {
      const refusal = shortIdentifier.check(name, {});
      if (refusal) return refusal;
    }
    if (pattern && answer.includes('[:]')) return numericRange(answer);
    return characterstring(250).check(answer, {});
  };
}

/** A numeric pattern `min[:]max`: either bound may be left out; a given minimum is at most the maximum. */
const numericRange: Format = (value) => {
  const bounds = value.split('[:]');
  if (bounds.length !== 2) return mismatch(`${quoted(value)} is not a range min[:]max`);
  const [min = '', max = ''] = bounds;
  for (const bound of [min, max]) {
    if (bound !== '' && real.check(bound, {})) return mismatch(`${quoted(value)} is not a range of numbers`);
  }
  if (min !== '' && max !== '' && Number(min) > Number(max)) {
    return mismatch(`${quoted(value)} has its minimum above its maximum`);
  }
  return undefined;
};

/** Leading `{name=true|false}` options, each at most once, then the rest in `format`. */
function withOptions(names: readonly string[], format: Format): Format {
  return (value) => {
    let rest = value;
    const seen = new Set<string>();
    for (
      let option = /^\{(\w+)=(true|false)\}/.exec(rest);
      option;
      option = /^\{(\w+)=(true|false)\}/.exec(rest)
    ) {
      const name = option[1] ?? '';
      if (!names.includes(name) || seen.has(name)) break;
      seen.add(name);
      rest = rest.slice(option[0].length);
    }
    return format(rest);
  };
}
