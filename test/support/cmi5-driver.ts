/**
 * A cmi5 AU's side, for e2e tests in a real browser: npm `@xapi/cmi5` (the xAPI.js cmi5 profile library, as
 * AUs embed it) bundled for browsers with esbuild, injected into an AU page the browser has open, and a session
 * run through it as an AU runs one: initialized, completed, passed with a score, terminated.
 *
 * What the AU page needs: nothing of its own (any HTML page will do: the driver brings the library), but its
 * URL must carry the cmi5 launch parameters (cmi5 §8.1), as the LMS launches an AU: `endpoint` (the LRS),
 * `fetch` (the one-time URL that answers `{"auth-token": ...}`), `actor` (xAPI Agent, JSON), `registration`
 * and `activityId`. The player's `contentUrl` for a cmi5 attempt is such a URL, and the player sends the browser
 * there; the LRS and the fetch URL must answer the AU page's origin (CORS).
 */

import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';

/** What the AU read from the LMS at initialisation (the LMS.LaunchData state document). */
export interface AuLaunchData {
  launchMode: string;
  moveOn: string;
  masteryScore?: number;
}

let bundle: Promise<string> | undefined;

/** `@xapi/cmi5` as one browser script defining `window.Cmi5` (built once per process). */
export function cmi5DriverScript(): Promise<string> {
  bundle ??= build({
    stdin: {
      contents: "import Cmi5 from '@xapi/cmi5'; globalThis.Cmi5 = Cmi5;",
      resolveDir: PROJECT_ROOT,
      loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bundle;
}

/** Puts the cmi5 library into the AU page open in `page`. */
export async function injectCmi5Driver(page: Page): Promise<void> {
  await page.addScriptTag({ content: await cmi5DriverScript() });
}

/**
 * The AU's whole session, in the page: reads the launch parameters from its URL, initialises (auth token,
 * launch data, learner preferences, the `initialized` statement), then sends `completed`, `passed` with
 * `scoreScaled` and `terminated`. Rejects with the library's error (an LRS that refused, a URL without the
 * launch parameters).
 */
export async function completeAndPass(page: Page, scoreScaled: number): Promise<AuLaunchData> {
  await injectCmi5Driver(page);
  return page.evaluate(async (scaled) => {
    type Cmi5Session = {
      initialize(): Promise<unknown>;
      complete(): Promise<unknown>;
      pass(score: { scaled: number }): Promise<unknown>;
      terminate(): Promise<unknown>;
      getLaunchData(): { launchMode: string; moveOn: string; masteryScore?: number };
    };
    const Cmi5 = (window as unknown as { Cmi5: { new (): Cmi5Session; isCmiAvailable: boolean } }).Cmi5;
    if (!Cmi5.isCmiAvailable)
      throw new Error(
        `the AU page's URL has no cmi5 launch parameters (endpoint, fetch, actor, registration, activityId): ${location.href}`,
      );
    const au = new Cmi5();
    await au.initialize();
    await au.complete();
    await au.pass({ scaled });
    await au.terminate();
    const { launchMode, moveOn, masteryScore } = au.getLaunchData();
    return { launchMode, moveOn, ...(masteryScore === undefined ? {} : { masteryScore }) };
  }, scoreScaled);
}
