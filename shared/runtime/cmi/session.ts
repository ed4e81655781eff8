/**
 * A session's start and end, and what the SCO may read: the LMS's side of Initialize and Terminate.
 */
import { InvalidInputError } from '../../domain/errors.ts';
import { DATA_MODELS } from './commit.ts';
import type { CmiState, ScormVersion, SessionStart } from './model.ts';
import { masteredStatus12 } from './outcome.ts';

/** The start's fields, by the element each one sets (for errors that name the field). */
type StartElements = Record<string, { field: string; value: string }>;

/**
 * The state a session starts from: a new attempt's initial values, or (entry `resume`) the suspended
 * attempt's state with entry=resume and its last session's exit and session_time gone. Either way the
 * elements the LMS supplies (learner, credit, mode, mastery score, ...) are the start's.
 *
 * @throws InvalidInputError naming the field when a value does not fit its element (a 300-character name,
 *   a mastery score above 1, a manifest's time limit that is no time), or when `entry` and `previous`
 *   disagree.
 */
export function startSession(
  version: ScormVersion,
  start: SessionStart,
  previous?: Readonly<CmiState>,
): CmiState {
  if ((start.entry === 'resume') !== (previous !== undefined)) {
    throw new InvalidInputError('A session resumes exactly when it starts from a suspended state.', [
      {
        path: 'entry',
        message: `entry is ${start.entry}, and there is ${previous ? 'a' : 'no'} state to resume`,
      },
    ]);
  }
  const supplied = checked(version, version === 'scorm12' ? supplied12(start) : supplied2004(start));
  if (!previous) return { ...INITIAL[version], ...supplied };
  const { session } = DATA_MODELS[version];
  const { [session.exit]: _exit, [session.sessionTime]: _sessionTime, ...kept } = previous;
  return { ...kept, ...supplied, ...(version === 'scorm2004' ? { 'adl.nav.request': '_none_' } : {}) };
}

/**
 * Ends a session (Terminate / LMSFinish): its session_time is added to total_time and taken out of the
 * state; `suspended` when the SCO left with exit=suspend (the next session resumes), otherwise the attempt
 * is over (1.2 logout, time-out, ''; 2004 normal, logout, time-out, ''). 1.2's lesson_status is settled as
 * the RTE asks of the LMS at LMSFinish (see finishedStatus12).
 */
export function endSession(
  version: ScormVersion,
  state: Readonly<CmiState>,
): { state: CmiState; suspended: boolean } {
  const { session } = DATA_MODELS[version];
  const seconds = (element: string) => session.toSeconds(state[element] ?? '') ?? 0;
  const { [session.sessionTime]: _sessionTime, ...rest } = state;
  const ended: CmiState = rest;
  ended[session.totalTime] = session.fromSeconds(seconds(session.totalTime) + seconds(session.sessionTime));
  if (version === 'scorm12') ended['cmi.core.lesson_status'] = finishedStatus12(state);
  return { state: ended, suspended: state[session.exit] === 'suspend' };
}

/**
 * What the player loads into scorm-again for the SCO: everything but the session's write-only exit and
 * session_time. SCORM 1.2's interactions are write-only too, yet they go along: scorm-again needs them to
 * know `cmi.interactions._count` (so a resumed SCO appends rather than overwrites), and it refuses
 * LMSGetValue on them itself (404).
 */
export function readableState(version: ScormVersion, state: Readonly<CmiState>): CmiState {
  const { session } = DATA_MODELS[version];
  const { [session.exit]: _exit, [session.sessionTime]: _sessionTime, ...readable } = state;
  return readable;
}

/**
 * SCORM 1.2 RTE 3.4.2 (lesson_status, additional behaviour): at LMSFinish a status the SCO never set becomes
 * completed (browsed in browse mode); then, taken for credit with a mastery score and a raw score, the score
 * decides passed or failed.
 */
function finishedStatus12(state: Readonly<CmiState>): string {
  const status = state['cmi.core.lesson_status'] ?? 'not attempted';
  const reported =
    status !== 'not attempted'
      ? status
      : state['cmi.core.lesson_mode'] === 'browse'
        ? 'browsed'
        : 'completed';
  return masteredStatus12(state) ?? reported;
}

/** What a new attempt starts with, beyond what the LMS supplies (RTE 3.4.2 and 4.2 initial values). */
const INITIAL: Record<ScormVersion, CmiState> = {
  scorm12: {
    'cmi.core.lesson_status': 'not attempted',
    'cmi.core.total_time': '0000:00:00',
    'cmi.comments_from_lms': '',
  },
  scorm2004: {
    'cmi.completion_status': 'unknown',
    'cmi.success_status': 'unknown',
    'cmi.total_time': 'PT0H0M0S',
    'cmi.learner_preference.audio_level': '1',
    'cmi.learner_preference.language': '',
    'cmi.learner_preference.delivery_speed': '1',
    'cmi.learner_preference.audio_captioning': '0',
    'adl.nav.request': '_none_',
  },
};

function supplied12(start: SessionStart): StartElements {
  return {
    'cmi.core.student_id': { field: 'learner.id', value: start.learner.id },
    'cmi.core.student_name': { field: 'learner.name', value: start.learner.name },
    'cmi.core.credit': { field: 'credit', value: start.credit },
    'cmi.core.entry': { field: 'entry', value: start.entry },
    'cmi.core.lesson_mode': { field: 'mode', value: start.mode },
    'cmi.launch_data': { field: 'dataFromLms', value: start.dataFromLms ?? '' },
    'cmi.student_data.mastery_score': {
      field: 'masteryScore',
      value: start.masteryScore === undefined ? '' : decimalText(start.masteryScore * 100),
    },
    'cmi.student_data.max_time_allowed': { field: 'maxTimeAllowed', value: start.maxTimeAllowed ?? '' },
    'cmi.student_data.time_limit_action': {
      field: 'timeLimitAction',
      value: timeLimitAction(start.timeLimitAction) ?? '',
    },
  };
}

function supplied2004(start: SessionStart): StartElements {
  return {
    'cmi.learner_id': { field: 'learner.id', value: start.learner.id },
    'cmi.learner_name': { field: 'learner.name', value: start.learner.name },
    'cmi.credit': { field: 'credit', value: start.credit },
    'cmi.entry': { field: 'entry', value: start.entry },
    'cmi.mode': { field: 'mode', value: start.mode },
    'cmi.launch_data': { field: 'dataFromLms', value: start.dataFromLms ?? '' },
    'cmi.scaled_passing_score': { field: 'masteryScore', value: optionalDecimal(start.masteryScore) },
    'cmi.completion_threshold': {
      field: 'completionThreshold',
      value: optionalDecimal(start.completionThreshold),
    },
    'cmi.max_time_allowed': { field: 'maxTimeAllowed', value: start.maxTimeAllowed ?? '' },
    // RTE 4.2.26: without a manifest value the SCO is told to continue, without a message.
    'cmi.time_limit_action': {
      field: 'timeLimitAction',
      value: timeLimitAction(start.timeLimitAction) ?? 'continue,no message',
    },
  };
}

/** Each supplied value checked against its element's type, as a commit's would be. */
function checked(version: ScormVersion, supplied: StartElements): CmiState {
  const { elements } = DATA_MODELS[version];
  const state: CmiState = {};
  for (const [element, { field, value }] of Object.entries(supplied)) {
    const refusal = elements.get(element)?.type.check(value, {});
    if (refusal) {
      throw new InvalidInputError(`The session cannot start: ${field} (${element}): ${refusal.reason}.`, [
        { path: field, message: refusal.reason },
      ]);
    }
    state[element] = value;
  }
  return state;
}

/** Manifests write `continue, no message` or `Exit,Message`; the element's vocabulary is lower case, no spaces. */
function timeLimitAction(value: string | undefined): string | undefined {
  return value
    ?.trim()
    .toLowerCase()
    .replace(/\s*,\s*/, ',');
}

function optionalDecimal(value: number | undefined): string {
  return value === undefined ? '' : decimalText(value);
}

/** A number as a SCORM decimal: no exponent, at most 7 decimals, no trailing zeros (0.8 -> `0.8`, 80 -> `80`). */
function decimalText(value: number): string {
  return Number.isFinite(value)
    ? value
        .toFixed(7)
        .replace(/(\.\d*?)0+$/, '$1')
        .replace(/\.$/, '')
    : String(value);
}
