/**
 * xAPI statements as the LRS receives, stores and compares them (xAPI 1.0.3 §2): the schema checks of the
 * `@learninglocker/xapi-validation` library turned into field errors, the properties the LRS sets (`id` when
 * absent, `stored`, `authority`, `version`, `timestamp` defaulting to `stored`), agents by their identifier,
 * and the comparison that tells a retry from a conflict.
 */
import {
  agent as agentRule,
  statement as statementRule,
} from '@learninglocker/xapi-validation/dist/factory.js';
import type { FieldError } from '../http/problem.ts';
import { VOIDED_VERB } from './vocabulary.ts';

/** A statement as JSON: the library has checked its shape; the LRS reads it through the helpers below. */
export type Statement = Record<string, unknown>;
/** An xAPI Agent (or Group) object. */
export type Agent = Record<string, unknown>;

/** The agent the LRS records as `authority` of every statement: the LMS, which issued the credential. */
export function lmsAuthority(homePage: string): Agent {
  return { objectType: 'Agent', name: 'LMS', account: { homePage, name: 'lms' } };
}

/**
 * An agent's inverse functional identifier as one string (xAPI §2.4.2.1: exactly one of mbox, mbox_sha1sum,
 * openid, account), which is what makes two agent objects the same person; undefined for a Group without one.
 * @example agentKey({ account: { homePage: 'https://lms.example.com', name: 'u1' } }) // 'account:["https://lms.example.com","u1"]'
 */
export function agentKey(agent: unknown): string | undefined {
  if (!isObject(agent)) return undefined;
  if (typeof agent.mbox === 'string') return `mbox:${agent.mbox}`;
  if (typeof agent.mbox_sha1sum === 'string') return `mbox_sha1sum:${agent.mbox_sha1sum.toLowerCase()}`;
  if (typeof agent.openid === 'string') return `openid:${agent.openid}`;
  const account = agent.account;
  if (isObject(account) && typeof account.homePage === 'string' && typeof account.name === 'string')
    return `account:${JSON.stringify([account.homePage, account.name])}`;
  return undefined;
}

/** The schema errors of one statement, with paths under `at` (e.g. `body.2.result.score.scaled`). */
export function statementErrors(value: unknown, at: string): FieldError[] {
  // The library knows xAPI 1.0.x: a 2.0 statement's own `version` is checked as ours (validVersion), not by it.
  const checked =
    isObject(value) && typeof value.version === 'string' && /^2\.0\.\d+$/.test(value.version)
      ? withoutKeys(value, ['version'])
      : value;
  return statementRule(checked, ['statement']).flatMap((warning) => fieldErrors(warning, at));
}

/** The errors of an Agent (not a Group) given as a query parameter, with paths under `at` (`query.agent`). */
export function agentErrors(value: unknown, at: string): FieldError[] {
  return agentRule(value, ['agent']).flatMap((warning) => fieldErrors(warning, at));
}

interface Warning {
  name: string;
  path: string[];
  typeName?: string;
  type?: { name?: string };
  keys?: string[];
  usedIfis?: string[];
  requiredValue?: unknown;
}

/** The library's warnings all say "Validation Error": say what is wrong instead, by kind of warning. */
function fieldErrors(warning: Warning, at: string): FieldError[] {
  const path = [at, ...warning.path.slice(1)].join('.');
  switch (warning.name) {
    case 'RequiredWarning':
      return [{ path, message: 'required' }];
    case 'RestrictedKeysWarning':
      return (warning.keys ?? []).map((key) => ({
        path: `${path}.${key}`,
        message: 'not an xAPI property here',
      }));
    case 'TypeWarning':
      return [{ path, message: `must be a valid ${warning.typeName ?? warning.type?.name ?? 'value'}` }];
    case 'IfiCountWarning':
      return [
        {
          path,
          message: `needs exactly one of mbox, mbox_sha1sum, openid or account (got ${(warning.usedIfis ?? []).join(', ') || 'none'})`,
        },
      ];
    case 'RestrictedValueWarning':
      return [{ path, message: `must be ${JSON.stringify(warning.requiredValue)}` }];
    case 'NoIfiWarning':
      return [{ path, message: 'needs one of mbox, mbox_sha1sum, openid or account' }];
    case 'VoidWarning':
      return [{ path: `${path}.object`, message: 'a voiding statement must have a StatementRef object' }];
    case 'RawLessThanMinWarning':
      return [{ path: `${path}.raw`, message: 'must not be less than min' }];
    case 'RawMoreThanMaxWarning':
      return [{ path: `${path}.raw`, message: 'must not be more than max' }];
    case 'MinMoreThanMaxWarning':
      return [{ path: `${path}.min`, message: 'must not be more than max' }];
    default:
      return [{ path, message: `invalid (${warning.name.replace(/Warning$/, '')})` }];
  }
}

/** The version a statement declares is one this LRS speaks (1.0.x, 2.0.x); the library checks the shape. */
export function versionErrors(statement: Statement, at: string): FieldError[] {
  const version = statement.version;
  if (version === undefined || (typeof version === 'string' && /^(1\.0|2\.0)(\.\d+)?$/.test(version)))
    return [];
  return [{ path: `${at}.version`, message: 'must be 1.0.x or 2.0.x' }];
}

export interface LrsAssigned {
  id: string;
  /** When the LRS stored it (ISO 8601, UTC). */
  stored: string;
  authority: Agent;
  /** The version to write when the statement has none (`1.0.0`, or `2.0.0` under xAPI 2.0). */
  version: string;
}

/**
 * The statement as the LRS keeps it: its own `id`, or the one assigned; `stored` and `authority` always the
 * LRS's; `timestamp` defaulting to `stored`; `version` defaulting too. `timestampAssigned` is remembered so
 * that a retry without a timestamp still matches the stored copy.
 */
export function acceptStatement(
  received: Statement,
  assigned: LrsAssigned,
): { statement: Statement; timestampAssigned: boolean } {
  const timestampAssigned = received.timestamp === undefined;
  return {
    statement: {
      ...received,
      id: received.id ?? assigned.id,
      timestamp: received.timestamp ?? assigned.stored,
      stored: assigned.stored,
      authority: assigned.authority,
      version: received.version ?? assigned.version,
    },
    timestampAssigned,
  };
}

/**
 * Whether a statement received again is the one stored (xAPI §2.3 "Statement comparison"): the properties
 * the LRS sets (`stored`, `authority`, `version`, a `timestamp` it assigned) do not count, nor does the
 * order of object keys. A difference anywhere else is a conflict.
 */
export function sameStatement(received: Statement, stored: Statement, timestampAssigned: boolean): boolean {
  const ignored = ['stored', 'authority', 'version', ...(timestampAssigned ? ['timestamp'] : [])];
  return (
    canonicalJson(withoutKeys(received, [...ignored, 'id'])) ===
    canonicalJson(withoutKeys(stored, [...ignored, 'id']))
  );
}

/** The id of the statement a voiding statement voids, or undefined when it voids nothing. */
export function voidedIdOf(statement: Statement): string | undefined {
  const verb = statement.verb;
  const object = statement.object;
  if (!isObject(verb) || verb.id !== VOIDED_VERB || !isObject(object)) return undefined;
  return object.objectType === 'StatementRef' && typeof object.id === 'string' ? object.id : undefined;
}

/** The statement's verb id. */
export function verbIdOf(statement: Statement): string {
  return isObject(statement.verb) && typeof statement.verb.id === 'string' ? statement.verb.id : '';
}

/** The id of the statement's object when it is an Activity (the default object type), else undefined. */
export function activityIdOf(statement: Statement): string | undefined {
  const object = statement.object;
  if (!isObject(object) || (object.objectType !== undefined && object.objectType !== 'Activity'))
    return undefined;
  return typeof object.id === 'string' ? object.id : undefined;
}

/** Every activity a statement is about: its object and its context activities (`related_activities`). */
export function relatedActivityIdsOf(statement: Statement): string[] {
  const ids = new Set<string>();
  const own = activityIdOf(statement);
  if (own) ids.add(own);
  const context = isObject(statement.context) ? statement.context : {};
  const lists = isObject(context.contextActivities) ? Object.values(context.contextActivities) : [];
  for (const list of lists)
    for (const activity of [list].flat())
      if (isObject(activity) && typeof activity.id === 'string') ids.add(activity.id);
  return [...ids];
}

/** `context.registration`, when the statement has one. */
export function registrationOf(statement: Statement): string | undefined {
  const context = statement.context;
  return isObject(context) && typeof context.registration === 'string' ? context.registration : undefined;
}

/**
 * The statement as `format=ids` returns it (xAPI §7.2.3): agents by their identifier only, activities by
 * id, verbs by id.
 */
export function idsFormat(statement: Statement): Statement {
  const agentIds = (agent: unknown): unknown => {
    if (!isObject(agent)) return agent;
    const kept = ['objectType', 'mbox', 'mbox_sha1sum', 'openid', 'account'];
    const reduced = Object.fromEntries(Object.entries(agent).filter(([key]) => kept.includes(key)));
    if (Array.isArray(agent.member) && agentKey(agent) === undefined)
      reduced.member = agent.member.map(agentIds);
    return reduced;
  };
  const objectIds = (object: unknown): unknown => {
    if (!isObject(object)) return object;
    if (object.objectType === 'Agent' || object.objectType === 'Group') return agentIds(object);
    if (object.objectType === 'SubStatement') return idsFormat(object);
    return { objectType: object.objectType ?? 'Activity', id: object.id };
  };
  return {
    ...statement,
    actor: agentIds(statement.actor),
    verb: isObject(statement.verb) ? { id: statement.verb.id } : statement.verb,
    object: objectIds(statement.object),
    ...(statement.authority ? { authority: agentIds(statement.authority) } : {}),
  };
}

/**
 * An ISO 8601 duration (`PT1H30M5.5S`, `P1DT2H`, `P2W`) in seconds; years and months count 365 and 30 days
 * (durations of sessions never use them in practice). Undefined when it is not one.
 */
export function durationSeconds(duration: unknown): number | undefined {
  if (typeof duration !== 'string') return undefined;
  const match =
    /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      duration,
    );
  if (!match || duration === 'P' || duration.endsWith('T')) return undefined;
  const [years, months, weeks, days, hours, minutes, seconds] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  const day = 86_400;
  return (
    (years ?? 0) * 365 * day +
    (months ?? 0) * 30 * day +
    (weeks ?? 0) * 7 * day +
    (days ?? 0) * day +
    (hours ?? 0) * 3600 +
    (minutes ?? 0) * 60 +
    (seconds ?? 0)
  );
}

/** Seconds as an ISO 8601 duration with centisecond precision (cmi5 durations), e.g. `PT1H2M3.5S`. */
export function isoDuration(totalSeconds: number): string {
  const centis = Math.max(0, Math.round(totalSeconds * 100));
  const hours = Math.floor(centis / 360_000);
  const minutes = Math.floor((centis % 360_000) / 6000);
  const seconds = (centis % 6000) / 100;
  return `PT${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds}S`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutKeys(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

/** JSON with object keys sorted, so two equal statements serialise the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
