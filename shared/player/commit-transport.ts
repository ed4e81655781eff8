/**
 * How scorm-again's commits reach the LMS: scorm-again's own HTTP services POST (the runtime API takes PUT with
 * a sequence number), so the player gives it this one through the `httpService` setting. scorm-again renders
 * the data model (flattened) and calls `processHttpRequest` for every Commit/LMSCommit, Terminate/LMSFinish and
 * autocommit; what this returns is what the SCO's call returns, and its `errorCode` is what GetLastError says.
 *
 * Sequence numbers: each commit is the last applied `seq` + 1, and the number only moves on when the LMS has
 * applied one. A commit that got no answer is sent again with the same number (at once, once), so that if the
 * first had been applied after all, the LMS recognises the repeat and applies nothing twice.
 */
import type { CommitBody } from '../domain/attempt.ts';
import type { CommitAnswer } from './runtime-api.ts';

/** The part of the runtime API commits need. */
export interface CommitPort {
  commit(body: CommitBody): CommitAnswer;
  commitOnExit(body: CommitBody): void;
}

export interface CommitTransportOptions {
  /** The attempt's last applied commit, as the runtime state says. */
  readonly seq: number;
  /** SCORM's "general commit failure": 101 in SCORM 1.2, 391 in 2004. */
  readonly generalFailure: number;
  /** Whether the page is being closed or left: browsers then refuse synchronous requests. */
  readonly leaving: () => boolean;
  readonly onSaved: () => void;
  readonly onSaveFailed: (reason: string) => void;
}

/** What scorm-again expects of `processHttpRequest` (its `CommitResultForSco`). */
export interface CommitResultForSco {
  readonly result: 'true' | 'false';
  readonly errorCode: number;
  readonly errorMessage?: string;
}

/** scorm-again's `IHttpService` (its published types do not resolve under NodeNext, so it is not named here). */
export class CommitTransport {
  private lastSeq: number;
  private refused = 0;

  constructor(
    private readonly runtime: CommitPort,
    private readonly options: CommitTransportOptions,
  ) {
    this.lastSeq = options.seq;
  }

  /** How many commits the LMS refused so far (it keeps its own record of each). */
  get refusals(): number {
    return this.refused;
  }

  processHttpRequest(_url: string, params: unknown, immediate: boolean): CommitResultForSco {
    return this.send({ seq: this.lastSeq + 1, values: commitValues(params), terminate: immediate });
  }

  /** The commit of a page being left (not a Commit the SCO waits on): sent with `keepalive`, never waited for. */
  sendOnExit(flattened: unknown): void {
    const body = { seq: this.lastSeq + 1, values: commitValues(flattened), terminate: false };
    this.runtime.commitOnExit(body);
    // Taken as applied: if the page comes back (back-forward cache), its next commit must not repeat this number.
    this.lastSeq = body.seq;
  }

  /** The settings are the player's own (see player.ts); scorm-again's changes to them do not concern this. */
  updateSettings(): void {}

  private send(body: CommitBody): CommitResultForSco {
    let answer = this.runtime.commit(body);
    if (answer.kind === 'unreachable') answer = this.runtime.commit(body);
    if (answer.kind === 'unreachable' && this.options.leaving()) {
      // A Terminate/LMSFinish from the SCO's unload handler while the page closes: no synchronous request can
      // leave the page any more, but a keepalive one can.
      this.runtime.commitOnExit(body);
      this.lastSeq = body.seq;
      return { result: 'true', errorCode: 0 };
    }
    switch (answer.kind) {
      case 'applied':
        this.lastSeq = answer.seq;
        this.options.onSaved();
        return { result: 'true', errorCode: 0 };
      case 'refused':
        this.refused += 1;
        this.options.onSaveFailed(answer.reason);
        return { result: 'false', errorCode: answer.code, errorMessage: answer.reason };
      case 'failed':
        this.options.onSaveFailed(answer.reason);
        return { result: 'false', errorCode: this.options.generalFailure, errorMessage: answer.reason };
      case 'unreachable':
        this.options.onSaveFailed('the LMS could not be reached');
        return { result: 'false', errorCode: this.options.generalFailure };
    }
  }
}

/** Elements the LMS keeps itself: it adds each session's time into the total (scorm-again sends its own sum). */
const LMS_COMPUTED = new Set(['cmi.core.total_time', 'cmi.total_time']);

/**
 * The commit's values from scorm-again's flattened data model: every element with a value, as text. An empty
 * collection flattens to `{}` (no element), and the total time is the LMS's to compute: both are left out.
 *
 * @example commitValues({ 'cmi.core.score.raw': '80', 'cmi.objectives': {}, 'cmi.core.total_time': '00:01:30' })
 * // { 'cmi.core.score.raw': '80' }
 */
export function commitValues(flattened: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (typeof flattened !== 'object' || flattened === null) return values;
  for (const [element, value] of Object.entries(flattened)) {
    if (LMS_COMPUTED.has(element)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      values[element] = String(value);
  }
  return values;
}
