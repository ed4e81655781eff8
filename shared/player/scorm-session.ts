/// <reference lib="dom" />
/**
 * A SCORM session in the player: scorm-again's API for the attempt's standard (`window.API` for 1.2,
 * `window.API_1484_11` for 2004, where the SCO in the frame looks for it), started from the attempt's state,
 * committing through the runtime API (see commit-transport.ts), and reporting what the LMS should know that is
 * not data model: the first initialisation, and the SCO's calls that failed.
 */
import { Scorm12API, Scorm2004API } from 'scorm-again';
import type { RuntimeState } from '../domain/attempt.ts';
import { CommitTransport } from './commit-transport.ts';
import type { RuntimeApi } from './runtime-api.ts';

export type ScormStandard = 'scorm12' | 'scorm2004';

/** How long scorm-again waits, after the SCO's first unsaved change, before committing it itself. */
export const AUTOCOMMIT_SECONDS = 60;
/** At most this many SCO errors are reported per session: a SCO stuck in a loop must not flood the LMS. */
export const MAX_REPORTED_ERRORS = 20;

/**
 * Each standard's names of the calls the player watches, and its "general commit failure" error code (what a
 * commit that did not reach the LMS leaves).
 */
const CALLS = {
  scorm12: {
    generalFailure: 101,
    initialize: 'LMSInitialize',
    element: ['LMSGetValue', 'LMSSetValue'],
    commit: ['LMSCommit', 'LMSFinish'],
    set: 'LMSSetValue',
  },
  scorm2004: {
    generalFailure: 391,
    initialize: 'Initialize',
    element: ['GetValue', 'SetValue'],
    commit: ['Commit', 'Terminate'],
    set: 'SetValue',
  },
} as const;

export interface ScormSessionHooks {
  readonly onSaved: () => void;
  readonly onSaveFailed: (reason: string) => void;
  /** Whether the page is being closed or left. */
  readonly leaving: () => boolean;
}

export interface ScormSession {
  /** Saves the unsaved changes of a session still open as the page is left (pagehide). */
  saveOnExit(): void;
}

type ScormCall = (...args: string[]) => string;

/**
 * What the player uses of scorm-again's Scorm12API and Scorm2004API. Its published types do not resolve under
 * NodeNext (they import without file extensions), which makes the classes `any`: this puts the types back.
 */
interface ScormAgainApi {
  loadFromFlattenedJSON(json: Record<string, string>): void;
  on(event: string, listener: () => void): void;
  readonly lastErrorCode: string;
  getLmsErrorMessageDetails(code: number, detail: boolean): string;
  isInitialized(): boolean;
  renderCommitCMI(terminate: boolean): unknown;
}

export function startScormSession(
  standard: ScormStandard,
  state: RuntimeState,
  runtime: RuntimeApi,
  hooks: ScormSessionHooks,
): ScormSession {
  let unsaved = false;
  const transport = new CommitTransport(runtime, {
    seq: state.seq,
    generalFailure: CALLS[standard].generalFailure,
    leaving: hooks.leaving,
    onSaved: () => {
      unsaved = false;
      hooks.onSaved();
    },
    onSaveFailed: hooks.onSaveFailed,
  });
  const settings = {
    // scorm-again commits only when this is set; the transport knows the URL itself.
    lmsCommitUrl: runtime.cmiUrl,
    dataCommitFormat: 'flattened',
    httpService: transport,
    autocommit: true,
    autocommitSeconds: AUTOCOMMIT_SECONDS,
  };
  const api: ScormAgainApi = standard === 'scorm12' ? new Scorm12API(settings) : new Scorm2004API(settings);
  // Before Initialize: afterwards the read-only elements (entry, learner id, ...) can no longer be set.
  api.loadFromFlattenedJSON(state.cmi);
  // Fired on a successful Initialize only, which a second Initialize is not.
  api.on(CALLS[standard].initialize, () => runtime.report({ type: 'initialized' }));

  // scorm-again's listeners run before a call has settled its error code: the player wraps the calls instead,
  // and reads the error code each leaves.
  let reportedErrors = 0;
  const names = CALLS[standard];
  const calls = api as unknown as Record<string, ScormCall>;
  for (const name of [names.initialize, ...names.element, ...names.commit]) {
    const call = (calls[name] as ScormCall).bind(api);
    const takesElement = (names.element as readonly string[]).includes(name);
    calls[name] = (...args) => {
      const refusals = transport.refusals;
      const result = call(...args);
      if (name === names.set && result === 'true') unsaved = true;
      const code = Number(api.lastErrorCode);
      // A commit the LMS refused is on its record already.
      if (code !== 0 && transport.refusals === refusals && reportedErrors < MAX_REPORTED_ERRORS) {
        reportedErrors += 1;
        const call = takesElement ? `${name}("${args[0] ?? ''}")` : `${name}()`;
        const message = `${call}: ${api.getLmsErrorMessageDetails(code, false)}`.slice(0, 500);
        runtime.report({ type: 'sco-error', code, message });
      }
      return result;
    };
  }

  (window as unknown as Record<string, unknown>)[standard === 'scorm12' ? 'API' : 'API_1484_11'] = api;
  return {
    saveOnExit() {
      if (!unsaved || !api.isInitialized()) return;
      transport.sendOnExit(api.renderCommitCMI(false));
      unsaved = false;
    },
  };
}
