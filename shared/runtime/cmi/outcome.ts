/**
 * What a data model says the learner achieved, in SCORM 2004's terms (completion, success, scaled score) and
 * the time spent. SCORM 1.2's single lesson_status is split the way SCORM Cloud splits it by default.
 */
import type { AttemptOutcome } from '../../domain/attempt.ts';
import { COMPLETION_STATUSES, SUCCESS_STATUSES } from '../../domain/attempt.ts';
import { DATA_MODELS } from './commit.ts';
import type { CmiState, ScormVersion } from './model.ts';

type Statuses = Pick<AttemptOutcome, 'completion' | 'success'>;

/**
 * 1.2 lesson_status -> 2004's two statuses. `failed` is not a completion: SCORM Cloud reads it as "take the
 * test again" (its default; a package property makes failed complete), and so does this LMS. `browsed` is a
 * look without credit: incomplete.
 */
const LESSON_STATUS: Record<string, Statuses> = {
  passed: { completion: 'completed', success: 'passed' },
  completed: { completion: 'completed', success: 'unknown' },
  failed: { completion: 'incomplete', success: 'failed' },
  incomplete: { completion: 'incomplete', success: 'unknown' },
  browsed: { completion: 'incomplete', success: 'unknown' },
  'not attempted': { completion: 'not attempted', success: 'unknown' },
};

/**
 * What the state says: completion, success, scaled score, and the time spent over every session, including
 * the current session's session_time while it is in the state (endSession adds it to total_time and takes
 * it out, so it is never counted twice).
 */
export function outcomeOf(version: ScormVersion, state: Readonly<CmiState>): AttemptOutcome {
  const { session } = DATA_MODELS[version];
  const seconds = (element: string) => session.toSeconds(state[element] ?? '') ?? 0;
  const totalSeconds = seconds(session.totalTime) + seconds(session.sessionTime);
  return version === 'scorm12'
    ? { ...statuses12(state), scoreScaled: scoreScaled12(state), totalSeconds }
    : { ...statuses2004(state), scoreScaled: numberOrNull(state['cmi.score.scaled']), totalSeconds };
}

/**
 * SCORM 1.2 RTE 3.4.2 (cmi.core.lesson_status): taken for credit, with a mastery score and a raw score, the
 * LMS decides passed or failed by the score, whatever the SCO said.
 */
export function masteredStatus12(state: Readonly<CmiState>): 'passed' | 'failed' | undefined {
  const mastery = numberOrNull(state['cmi.student_data.mastery_score']);
  const raw = numberOrNull(state['cmi.core.score.raw']);
  if (state['cmi.core.credit'] !== 'credit' || mastery === null || raw === null) return undefined;
  return raw >= mastery ? 'passed' : 'failed';
}

function statuses12(state: Readonly<CmiState>): Statuses {
  const status = masteredStatus12(state) ?? state['cmi.core.lesson_status'] ?? 'not attempted';
  return LESSON_STATUS[status] ?? { completion: 'unknown', success: 'unknown' };
}

/** The raw score over its range (min 0 and max 100 unless the SCO says otherwise), within -1..1. */
function scoreScaled12(state: Readonly<CmiState>): number | null {
  const raw = numberOrNull(state['cmi.core.score.raw']);
  const min = numberOrNull(state['cmi.core.score.min']) ?? 0;
  const max = numberOrNull(state['cmi.core.score.max']) ?? 100;
  if (raw === null || max <= min) return null;
  const scaled = Math.round(((raw - min) / (max - min)) * 1e7) / 1e7;
  return Math.min(1, Math.max(-1, scaled));
}

/**
 * SCORM 2004 RTE 4.2.4.1 and 4.2.22.1: a completion threshold makes progress_measure decide completion, a
 * scaled passing score makes score.scaled decide success; without the measure the status is unknown,
 * whatever the SCO set.
 */
function statuses2004(state: Readonly<CmiState>): Statuses {
  const threshold = numberOrNull(state['cmi.completion_threshold']);
  const progress = numberOrNull(state['cmi.progress_measure']);
  const passingScore = numberOrNull(state['cmi.scaled_passing_score']);
  const scaled = numberOrNull(state['cmi.score.scaled']);
  const completion =
    threshold === null
      ? oneOf(COMPLETION_STATUSES, state['cmi.completion_status'])
      : progress === null
        ? 'unknown'
        : progress >= threshold
          ? 'completed'
          : 'incomplete';
  const success =
    passingScore === null
      ? oneOf(SUCCESS_STATUSES, state['cmi.success_status'])
      : scaled === null
        ? 'unknown'
        : scaled >= passingScore
          ? 'passed'
          : 'failed';
  return { completion, success };
}

function oneOf<T extends string>(words: readonly T[], value: string | undefined): T | 'unknown' {
  return words.find((word) => word === value) ?? 'unknown';
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}
