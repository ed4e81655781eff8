/// <reference lib="dom" />
/**
 * The player page (`/_player/index.html` on the content origin): reads the launch link's fragment and removes
 * it from the address bar, reads the attempt's state from the runtime API, then either sends a cmi5/xAPI AU's
 * browser to the AU (its URL carries its launch parameters) or starts a SCORM session and opens the SCO in
 * the page's frame. The SCO must be on this page's origin: it finds the SCORM API through `window.parent`.
 */
import { readLaunch } from './launch.ts';
import { RuntimeApi, RuntimeApiError } from './runtime-api.ts';
import { startScormSession } from './scorm-session.ts';

const status = document.getElementById('status') as HTMLElement;
const frame = document.getElementById('content') as HTMLIFrameElement;

function show(text: string): void {
  status.textContent = text;
}

async function play(): Promise<void> {
  const read = readLaunch(location.hash);
  // The token must not linger in the address bar, the history or a bookmark.
  history.replaceState(null, '', location.pathname + location.search);
  if ('error' in read) return show(`Could not start: ${read.error}.`);
  const runtime = new RuntimeApi(read.launch);
  const state = await runtime.readState();
  const content = new URL(state.contentUrl);
  if (!/^https?:$/.test(content.protocol))
    return show('Could not start: the content address is not http(s).');
  if (state.standard === 'cmi5' || state.standard === 'xapi') return location.replace(content.href);
  if (content.origin !== location.origin)
    return show('Could not start: the SCO is not on the player’s origin, so it could not reach the LMS.');

  let leaving = false;
  const session = startScormSession(state.standard, state, runtime, {
    onSaved: () => show('Saved'),
    onSaveFailed: (reason) => show(`Could not save: ${reason}`),
    leaving: () => leaving,
  });
  addEventListener('pagehide', () => {
    leaving = true;
    session.saveOnExit();
  });
  addEventListener('pageshow', () => {
    leaving = false;
  });
  frame.addEventListener(
    'load',
    () => {
      show('');
      // After the load event's handlers, so that its end is recorded.
      setTimeout(() => {
        // Not `instanceof`: the entry comes from the frame's window, whose classes are not this page's.
        const timing = frame.contentWindow?.performance.getEntriesByType('navigation')[0] as
          | PerformanceNavigationTiming
          | undefined;
        if (timing && timing.loadEventEnd > 0)
          runtime.report({
            type: 'page-loaded',
            durationMs: Math.min(Math.round(timing.loadEventEnd), 3_600_000),
          });
      });
    },
    { once: true },
  );
  frame.src = content.href;
  frame.hidden = false;
}

play().catch((error: unknown) => {
  show(`Could not start: ${error instanceof RuntimeApiError ? error.message : 'the player failed'}.`);
  if (!(error instanceof RuntimeApiError)) throw error;
});
