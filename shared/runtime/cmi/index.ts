/**
 * The SCORM data model (CMI) of SCORM 1.2 and 2004: pure functions the runtime API calls to start a session,
 * check and apply the player's commits, end the session, and read the outcome. No I/O.
 */
export { applyCommit, type CommitResult, MAX_COMMIT_ELEMENTS, MAX_STATE_BYTES } from './commit.ts';
export type { CmiError, CmiState, ScormVersion, SessionStart } from './model.ts';
export { outcomeOf } from './outcome.ts';
export { endSession, readableState, startSession } from './session.ts';
export {
  durationToSeconds,
  secondsToDuration,
  secondsToTimespan12,
  timespan12ToSeconds,
} from './time.ts';
