/**
 * The SCORM data model (CMI) as the LMS keeps it: a flat map from dot paths (`cmi.core.lesson_status`,
 * `cmi.interactions.0.id`) to string values, the shape scorm-again's flattened commits use.
 */

export type ScormVersion = 'scorm12' | 'scorm2004';

/** Flattened element -> value: what the LMS stores for an attempt. */
export type CmiState = Record<string, string>;

/** A refused commit: the SCORM error code the SCO's GetLastError reports, and the element that caused it. */
export interface CmiError {
  code: number;
  element: string;
  message: string;
}

/** What the LMS tells the SCO when a session starts (the elements the SCO may only read). */
export interface SessionStart {
  /** 1.2 `cmi.core.student_id`/`student_name`, 2004 `cmi.learner_id`/`learner_name`, as the caller words them. */
  learner: { id: string; name: string };
  /** `resume` exactly when the session continues a suspended attempt's state. */
  entry: 'ab-initio' | 'resume';
  credit: 'credit' | 'no-credit';
  mode: 'normal' | 'browse' | 'review';
  /**
   * The SCO's mastery score as a fraction (1.2: 0..1, written as `cmi.student_data.mastery_score` 0..100;
   * 2004: -1..1, `cmi.scaled_passing_score`).
   */
  masteryScore?: number;
  /** 2004 `cmi.completion_threshold`, 0..1 (SCORM 1.2 has none: ignored there). */
  completionThreshold?: number;
  /** The manifest's `dataFromLMS`: `cmi.launch_data`. */
  dataFromLms?: string;
  /** 1.2 CMITimespan or 2004 timeinterval: `cmi.student_data.max_time_allowed` / `cmi.max_time_allowed`. */
  maxTimeAllowed?: string;
  /** `exit,message`, `exit,no message`, `continue,message` or `continue,no message`. */
  timeLimitAction?: string;
}
