/**
 * The port through which the xAPI side (cmi5 and xAPI AUs talking to the LRS) reports an attempt's progress
 * to the runtime, which turns it into the attempt's and the enrollment's state. SCORM commits reach the
 * runtime directly.
 */
import type { AttemptOutcome } from '../domain/attempt.ts';

export interface AttemptProgress {
  /** The AU's first `initialized` statement: the end of the course load time. Once per attempt. */
  initialized(attemptId: string, at: string): Promise<void>;
  /**
   * What the AU's statements have established so far (completed, passed or failed, the score, the
   * session's duration added to `totalSeconds`). `ended`: the session ended (`terminated`, or the LMS's
   * `abandoned`). `courseSatisfied`: the cmi5 course's moveOn over all its AUs is met (the LMS wrote the
   * course's `satisfied` statement), which is what completes the enrollment; null for xAPI packages.
   */
  record(
    attemptId: string,
    update: { outcome: AttemptOutcome; ended: boolean; courseSatisfied: boolean | null },
  ): Promise<void>;
}
