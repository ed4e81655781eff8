/**
 * The SCORM 2004 data model: SCORM 2004 4th edition Run-Time Environment, section 4.2 (the cmi elements, with
 * their data types, SPMs, vocabularies, access and dependencies), 4.4.1 (adl.nav.request) and 3.1.7 (error
 * codes).
 */
import { COMPLETION_STATUSES, SUCCESS_STATUSES } from '../../domain/attempt.ts';
import { type DataModel, type ElementSpec, ro, rw, type Write, wo } from './data-model.ts';
import {
  characterstring,
  decimal,
  duration,
  either,
  language,
  localized,
  mismatch,
  orBlank,
  quoted,
  TIME_LIMIT_ACTIONS,
  timestamp,
  uri,
  type ValueType,
  vocabulary,
} from './datatypes.ts';
import { learnerResponse, responsePattern, SINGLE_PATTERN_TYPES } from './responses.ts';
import { durationToSeconds, secondsToDuration } from './time.ts';

const real = decimal();
const scaled = decimal({ min: -1, max: 1 });
const progress = decimal({ min: 0, max: 1 });
const longIdentifier = uri(4000);
const interactionTypes = vocabulary([
  'true-false',
  'choice',
  'fill-in',
  'long-fill-in',
  'matching',
  'performance',
  'sequencing',
  'likert',
  'numeric',
  'other',
]);

/** RTE 4.4.1: what a SCO may ask the sequencer for; choice and jump name their target activity. */
const navigationRequest: ValueType = {
  check: (value) =>
    /^(continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|_none_|\{target=[^{}\s]+\}(choice|jump))$/.test(
      value,
    )
      ? undefined
      : mismatch(
          `${quoted(value)} is not a navigation request (continue, previous, {target=...}choice, ...)`,
        ),
};
const navigationValidity = vocabulary(['true', 'false', 'unknown']);

/** Dependencies (RTE 4.2.9 and 4.2.17): an item's id first; a response's interaction type before it. */
const afterInteractionId = { requires: ['cmi.interactions.n.id'] };
const afterInteractionType = { requires: ['cmi.interactions.n.id', 'cmi.interactions.n.type'] };
const afterObjectiveId = { requires: ['cmi.objectives.n.id'] };

/** Other items of a collection holding `value` as their id (`cmi.objectives.3.id` -> the other objectives). */
function idTakenElsewhere({ element, value, state }: Write): boolean {
  const collection = element.replace(/\d+\.id$/, '');
  return Object.entries(state).some(
    ([other, id]) =>
      id === value &&
      other !== element &&
      other.startsWith(collection) &&
      /^\d+\.id$/.test(other.slice(collection.length)),
  );
}

const elements: Record<string, ElementSpec> = {
  'cmi.comments_from_learner.n.comment': rw(localized(4000)),
  'cmi.comments_from_learner.n.location': rw(characterstring(250)),
  'cmi.comments_from_learner.n.timestamp': rw(timestamp),
  'cmi.comments_from_lms.n.comment': ro(localized(4000)),
  'cmi.comments_from_lms.n.location': ro(characterstring(250)),
  'cmi.comments_from_lms.n.timestamp': ro(timestamp),
  'cmi.completion_status': rw(vocabulary(COMPLETION_STATUSES)),
  'cmi.completion_threshold': ro(orBlank(progress)),
  'cmi.credit': ro(vocabulary(['credit', 'no-credit'])),
  'cmi.entry': ro(vocabulary(['ab-initio', 'resume', ''])),
  'cmi.exit': wo(vocabulary(['time-out', 'suspend', 'logout', 'normal', ''])),
  'cmi.interactions.n.id': rw(longIdentifier),
  'cmi.interactions.n.type': rw(interactionTypes, afterInteractionId),
  'cmi.interactions.n.objectives.n.id': rw(longIdentifier, {
    ...afterInteractionId,
    rule: (write) =>
      idTakenElsewhere(write)
        ? `${quoted(write.value)} is already an objective of this interaction`
        : undefined,
  }),
  'cmi.interactions.n.timestamp': rw(timestamp, afterInteractionId),
  'cmi.interactions.n.correct_responses.n.pattern': rw(responsePattern, {
    ...afterInteractionType,
    rule: ({ indices, state }) => {
      const type = state[`cmi.interactions.${indices[0]}.type`] ?? '';
      return (indices[1] ?? 0) > 0 && SINGLE_PATTERN_TYPES.includes(type)
        ? `a ${type} interaction has a single correct response pattern`
        : undefined;
    },
  }),
  'cmi.interactions.n.weighting': rw(real, afterInteractionId),
  'cmi.interactions.n.learner_response': rw(learnerResponse, afterInteractionType),
  'cmi.interactions.n.result': rw(
    either(vocabulary(['correct', 'incorrect', 'unanticipated', 'neutral']), real),
    afterInteractionId,
  ),
  'cmi.interactions.n.latency': rw(duration, afterInteractionId),
  'cmi.interactions.n.description': rw(localized(250), afterInteractionId),
  'cmi.launch_data': ro(characterstring(4000)),
  'cmi.learner_id': ro(longIdentifier),
  'cmi.learner_name': ro(localized(250)),
  'cmi.learner_preference.audio_level': rw(decimal({ min: 0 })),
  'cmi.learner_preference.language': rw(language),
  'cmi.learner_preference.delivery_speed': rw(decimal({ min: 0 })),
  'cmi.learner_preference.audio_captioning': rw(vocabulary(['-1', '0', '1'])),
  'cmi.location': rw(characterstring(1000)),
  'cmi.max_time_allowed': ro(orBlank(duration)),
  'cmi.mode': ro(vocabulary(['browse', 'normal', 'review'])),
  'cmi.objectives.n.id': rw(longIdentifier, {
    // Objective ids map to the sequencer's objectives: one per objective, and never renamed (RTE 4.2.17).
    rule: (write) => {
      const stored = write.state[write.element];
      if (stored !== undefined && stored !== write.value) return `an objective's id cannot change once set`;
      return idTakenElsewhere(write) ? `${quoted(write.value)} is already another objective's id` : undefined;
    },
  }),
  'cmi.objectives.n.score.scaled': rw(scaled, afterObjectiveId),
  'cmi.objectives.n.score.raw': rw(real, afterObjectiveId),
  'cmi.objectives.n.score.min': rw(real, afterObjectiveId),
  'cmi.objectives.n.score.max': rw(real, afterObjectiveId),
  'cmi.objectives.n.success_status': rw(vocabulary(SUCCESS_STATUSES), afterObjectiveId),
  'cmi.objectives.n.completion_status': rw(vocabulary(COMPLETION_STATUSES), afterObjectiveId),
  'cmi.objectives.n.progress_measure': rw(progress, afterObjectiveId),
  'cmi.objectives.n.description': rw(localized(250), afterObjectiveId),
  'cmi.progress_measure': rw(progress),
  'cmi.scaled_passing_score': ro(orBlank(scaled)),
  'cmi.score.scaled': rw(scaled),
  'cmi.score.raw': rw(real),
  'cmi.score.min': rw(real),
  'cmi.score.max': rw(real),
  'cmi.session_time': wo(duration),
  'cmi.success_status': rw(vocabulary(SUCCESS_STATUSES)),
  'cmi.suspend_data': rw(characterstring(64_000)),
  'cmi.time_limit_action': ro(vocabulary(TIME_LIMIT_ACTIONS)),
  'cmi.total_time': ro(duration, { computedByLms: true }),
  'adl.nav.request': rw(navigationRequest),
  'adl.nav.request_valid.continue': ro(navigationValidity),
  'adl.nav.request_valid.previous': ro(navigationValidity),
  'adl.nav.request_valid.choice.{target=}': ro(navigationValidity),
  'adl.nav.request_valid.jump.{target=}': ro(navigationValidity),
};

export const SCORM2004: DataModel = {
  version: 'scorm2004',
  modelVersion: '1.0',
  codes: {
    undefinedElement: 401,
    keyword: 404,
    readOnly: 404,
    typeMismatch: 406,
    outOfRange: 407,
    index: 351,
    dependency: 408,
    general: 351,
  },
  elements: new Map(Object.entries(elements)),
  // The SPMs (RTE 4.2): what every LMS keeps at least, and what this one keeps at most.
  collections: new Map([
    ['cmi.comments_from_learner', 250],
    ['cmi.comments_from_lms', 100],
    ['cmi.interactions', 250],
    ['cmi.interactions.n.objectives', 100],
    ['cmi.interactions.n.correct_responses', 250],
    ['cmi.objectives', 100],
  ]),
  children: new Map([
    ['cmi.comments_from_learner', 'comment,location,timestamp'],
    ['cmi.comments_from_lms', 'comment,location,timestamp'],
    [
      'cmi.interactions',
      'id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description',
    ],
    ['cmi.learner_preference', 'audio_level,language,delivery_speed,audio_captioning'],
    ['cmi.objectives', 'id,score,success_status,completion_status,progress_measure,description'],
    ['cmi.objectives.n.score', 'scaled,raw,min,max'],
    ['cmi.score', 'scaled,raw,min,max'],
  ]),
  session: {
    totalTime: 'cmi.total_time',
    sessionTime: 'cmi.session_time',
    exit: 'cmi.exit',
    toSeconds: durationToSeconds,
    fromSeconds: secondsToDuration,
  },
};
