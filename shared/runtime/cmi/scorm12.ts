/**
 * The SCORM 1.2 data model: SCORM 1.2 Run-Time Environment, section 3.4 (data model elements, their data
 * types, vocabularies and access) and 3.3.3 (error codes).
 */
import { type DataModel, type ElementSpec, ro, rw, wo } from './data-model.ts';
import {
  characterstring,
  clockTime12,
  decimal,
  either,
  feedback12,
  identifier12,
  orBlank,
  signedInteger,
  TIME_LIMIT_ACTIONS,
  timespan12,
  vocabulary,
} from './datatypes.ts';
import { secondsToTimespan12, timespan12ToSeconds } from './time.ts';

const LESSON_STATUSES = ['passed', 'completed', 'failed', 'incomplete', 'browsed', 'not attempted'];

/** CMIDecimal or CMIBlank, normalised to 0..100. */
const score = orBlank(decimal({ min: 0, max: 100 }));
/** After an interaction's id, as 1.2's interactions are recorded. */
const afterId = { requires: ['cmi.interactions.n.id'] };

const elements: Record<string, ElementSpec> = {
  'cmi.core.student_id': ro(identifier12),
  'cmi.core.student_name': ro(characterstring(255)),
  'cmi.core.lesson_location': rw(characterstring(255)),
  'cmi.core.credit': ro(vocabulary(['credit', 'no-credit'])),
  // The SCO reports progress; "not attempted" is the LMS's word for an attempt with none.
  'cmi.core.lesson_status': rw(vocabulary(LESSON_STATUSES.filter((status) => status !== 'not attempted'))),
  'cmi.core.entry': ro(vocabulary(['ab-initio', 'resume', ''])),
  'cmi.core.score.raw': rw(score),
  'cmi.core.score.max': rw(score),
  'cmi.core.score.min': rw(score),
  'cmi.core.total_time': ro(timespan12, { computedByLms: true }),
  'cmi.core.lesson_mode': ro(vocabulary(['browse', 'normal', 'review'])),
  'cmi.core.exit': wo(vocabulary(['time-out', 'suspend', 'logout', ''])),
  'cmi.core.session_time': wo(timespan12),
  'cmi.suspend_data': rw(characterstring(4096)),
  'cmi.launch_data': ro(characterstring(4096)),
  'cmi.comments': rw(characterstring(4096)),
  'cmi.comments_from_lms': ro(characterstring(4096)),
  'cmi.objectives.n.id': rw(identifier12),
  'cmi.objectives.n.score.raw': rw(score),
  'cmi.objectives.n.score.max': rw(score),
  'cmi.objectives.n.score.min': rw(score),
  'cmi.objectives.n.status': rw(vocabulary(LESSON_STATUSES)),
  'cmi.student_data.mastery_score': ro(score),
  'cmi.student_data.max_time_allowed': ro(orBlank(timespan12)),
  'cmi.student_data.time_limit_action': ro(orBlank(vocabulary(TIME_LIMIT_ACTIONS))),
  'cmi.student_preference.audio': rw(signedInteger({ min: -1, max: 100 })),
  'cmi.student_preference.language': rw(characterstring(255)),
  'cmi.student_preference.speed': rw(signedInteger({ min: -100, max: 100 })),
  'cmi.student_preference.text': rw(signedInteger({ min: -1, max: 1 })),
  'cmi.interactions.n.id': wo(identifier12),
  'cmi.interactions.n.objectives.n.id': wo(identifier12, afterId),
  'cmi.interactions.n.time': wo(clockTime12, afterId),
  'cmi.interactions.n.type': wo(
    vocabulary([
      'true-false',
      'choice',
      'fill-in',
      'matching',
      'performance',
      'sequencing',
      'likert',
      'numeric',
    ]),
    afterId,
  ),
  'cmi.interactions.n.correct_responses.n.pattern': wo(feedback12, afterId),
  'cmi.interactions.n.weighting': wo(decimal(), afterId),
  'cmi.interactions.n.student_response': wo(feedback12, afterId),
  'cmi.interactions.n.result': wo(
    either(vocabulary(['correct', 'wrong', 'unanticipated', 'neutral']), decimal()),
    afterId,
  ),
  'cmi.interactions.n.latency': wo(timespan12, afterId),
};

export const SCORM12: DataModel = {
  version: 'scorm12',
  modelVersion: '3.4',
  // 1.2 has no codes for a range, an index or a dependency: an argument it cannot take is 201.
  codes: {
    undefinedElement: 201,
    keyword: 402,
    readOnly: 403,
    typeMismatch: 405,
    outOfRange: 405,
    index: 201,
    dependency: 201,
    general: 101,
  },
  elements: new Map(Object.entries(elements)),
  collections: new Map([
    ['cmi.objectives', 100],
    ['cmi.interactions', 250],
    ['cmi.interactions.n.objectives', 100],
    ['cmi.interactions.n.correct_responses', 250],
  ]),
  children: new Map([
    ['cmi', 'core,suspend_data,launch_data,comments,objectives,student_data,student_preference,interactions'],
    [
      'cmi.core',
      'student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time',
    ],
    ['cmi.core.score', 'raw,min,max'],
    ['cmi.objectives', 'id,score,status'],
    ['cmi.objectives.n.score', 'raw,min,max'],
    ['cmi.student_data', 'mastery_score,max_time_allowed,time_limit_action'],
    ['cmi.student_preference', 'audio,language,speed,text'],
    [
      'cmi.interactions',
      'id,objectives,time,type,correct_responses,weighting,student_response,result,latency',
    ],
  ]),
  session: {
    totalTime: 'cmi.core.total_time',
    sessionTime: 'cmi.core.session_time',
    exit: 'cmi.core.exit',
    toSeconds: timespan12ToSeconds,
    fromSeconds: secondsToTimespan12,
  },
};
