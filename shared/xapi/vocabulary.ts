/**
 * The IRIs the LRS and the cmi5 rules speak: xAPI's voiding verb, the cmi5 verbs (cmi5 spec §9.3), its
 * context categories (§9.6.2), context extensions (§9.6.3), result extensions (§9.5.5) and activity types.
 */

export const VOIDED_VERB = 'http://adlnet.gov/expapi/verbs/voided';

/** cmi5 §9.3: the verbs of "cmi5 defined" statements. */
export const CMI5_VERBS = {
  launched: 'http://adlnet.gov/expapi/verbs/launched',
  initialized: 'http://adlnet.gov/expapi/verbs/initialized',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
  abandoned: 'https://w3id.org/xapi/adl/verbs/abandoned',
  waived: 'https://w3id.org/xapi/adl/verbs/waived',
  terminated: 'http://adlnet.gov/expapi/verbs/terminated',
  satisfied: 'https://w3id.org/xapi/adl/verbs/satisfied',
} as const;
export type Cmi5Verb = keyof typeof CMI5_VERBS;

/** The verbs an AU may send; the others only the LMS writes. */
export const AU_VERBS = ['initialized', 'completed', 'passed', 'failed', 'terminated'] as const;
export type AuVerb = (typeof AU_VERBS)[number];

export const CMI5_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
export const MOVEON_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/moveon';

export const CMI5_EXTENSIONS = {
  sessionId: 'https://w3id.org/xapi/cmi5/context/extensions/sessionid',
  masteryScore: 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore',
  launchMode: 'https://w3id.org/xapi/cmi5/context/extensions/launchmode',
  launchUrl: 'https://w3id.org/xapi/cmi5/context/extensions/launchurl',
  moveOn: 'https://w3id.org/xapi/cmi5/context/extensions/moveon',
  launchParameters: 'https://w3id.org/xapi/cmi5/context/extensions/launchparameters',
} as const;

export const CMI5_COURSE_TYPE = 'https://w3id.org/xapi/cmi5/activitytype/course';

/** The document the LMS writes before each launch (cmi5 §10); the AU reads it and must not change it. */
export const LAUNCH_DATA_STATE_ID = 'LMS.LaunchData';

export const MOVE_ON = [
  'Passed',
  'Completed',
  'CompletedAndPassed',
  'CompletedOrPassed',
  'NotApplicable',
] as const;
export type MoveOn = (typeof MOVE_ON)[number];

/** cmi5 §10 launchMode: a preview launches in Browse (the AU records no completion). */
export type LaunchMode = 'Normal' | 'Browse';
