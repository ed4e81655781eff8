/**
 * The accessibility scan's engine room: a worker thread that parses one HTML file at a time with jsdom and runs
 * axe-core on it, and the main-thread handle that starts, feeds, times out and stops it.
 *
 * Why a worker thread: axe-core runs a whole page as one uninterrupted chain of synchronous work and promise
 * jobs (measured: a 4,500-element page ran 7 s and a 15,000-element page 23 s without letting a single timer
 * fire), so a timeout in the same thread could only notice afterwards. In a worker, a timeout terminates the
 * thread, and `resourceLimits` caps the memory a hostile page can make jsdom allocate.
 *
 * Why the worker's code is a string of plain CommonJS rather than a module file: a worker cannot start
 * from a `.ts` file of the project once it is bundled, and in the esbuild bundles (minified, `keepNames`) a function's `toString()`
 * refers to bundler helpers that do not exist elsewhere, the same trap that breaks `axe.source` in a bundle.
 * For the same reason the worker reads axe-core's own `axe.min.js` from disk instead of using `axe.source`.
 * jsdom and axe-core are therefore resolved at run time from `node_modules` (jsdom cannot be bundled as ESM
 * anyway: it uses `__dirname`), so a Lambda that scans must ship both as node modules.
 *
 * Safety of the page: jsdom runs with `runScripts: 'outside-only'`, so neither `<script>` elements nor
 * event-handler attributes run, and with the default resource loader, so nothing (scripts, stylesheets, frames,
 * images) is fetched. Before axe is evaluated, a shim replaces the window's network constructors with functions
 * that throw, and supplies the few layout APIs jsdom lacks (see WORKER_SOURCE).
 */
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** What the worker needs to know; sent once as `workerData`. */
export interface EngineConfig {
  /** axe tags to run (`runOnly: { type: 'tag' }`). */
  tags: readonly string[];
  /** Rules switched off because jsdom cannot evaluate them. */
  disabledRules: readonly string[];
  /** Nodes kept per violation (the count keeps the full number). */
  maxNodes: number;
  /** Characters of each node's HTML sent back (the report truncates further). */
  maxNodeHtml: number;
  /** Old-generation heap limit of the worker thread, in MiB. */
  maxHeapMb: number;
}

/** One violated rule on one page, as the worker sends it back. */
export interface RawViolation {
  id: string;
  impact: string | null;
  description: string;
  help: string;
  helpUrl: string;
  tags: string[];
  /** Number of failing nodes. */
  count: number;
  /** The first {@link EngineConfig.maxNodes} nodes: CSS selector (frames and shadow roots joined by ` >>> `). */
  nodes: { target: string; html: string }[];
}

/** The outcome of one page. */
export interface RawPageResult {
  violations: RawViolation[];
  /** Rules that need a human to review (axe's `incomplete`). */
  incomplete: string[];
  /** Number of rules that passed. */
  passes: number;
  /** The page has `<script>` elements: what they would build was not there to check. */
  scripted: boolean;
}

/** A page could not be scanned: timeout, out of memory, crash, or an error inside axe. The scan goes on. */
export class PageScanError extends Error {
  override name = 'PageScanError';
}

/** The engine itself does not work (jsdom or axe-core missing or broken): no page can be scanned. */
export class EngineStartError extends Error {
  override name = 'EngineStartError';
}

const resolveFromHere = createRequire(import.meta.url);

/** Where the workers keep V8's compile cache of jsdom: `os.tmpdir()`, /tmp in Lambda (kept while warm). */
const COMPILE_CACHE_DIR = join(tmpdir(), 'lms-scan-compile-cache');

/** Absolute paths of the two engine packages, resolved the way Node resolves them from this module. */
function enginePaths(): { jsdomPath: string; axePath: string } {
  return {
    jsdomPath: resolveFromHere.resolve('jsdom'),
    axePath: resolveFromHere.resolve('axe-core/axe.min.js'),
  };
}

function packageVersion(name: string): string {
  const pkg: unknown = resolveFromHere(`${name}/package.json`);
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

/** e.g. `axe-core 4.14.1 in jsdom 27.3.0`. */
export function engineName(): string {
  return `axe-core ${packageVersion('axe-core')} in jsdom ${packageVersion('jsdom')}`;
}

/**
 * The worker, as plain CommonJS (see the module comment for why it is a string). Protocol:
 * - after start it scans a warm-up page that must show exactly one violation (`image-alt`), proving that jsdom,
 *   the shim and axe work together; then it posts `{ type: 'ready' }`, or `{ type: 'broken', error }`;
 * - then, for each `{ id, html, url }` it receives, it posts `{ type: 'result', id, result }` or
 *   `{ type: 'result', id, error }`. The main thread sends one page at a time.
 */
const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const vm = require('node:vm');
// jsdom is megabytes of JavaScript: V8's compile cache on disk (keyed by each file's content) spares the
// next workers, in this process or in a warm Lambda's next invocations, most of its parsing.
require('node:module').enableCompileCache(workerData.compileCacheDir);
// The scan only informs publishing, and runs beside the upload of the package's files: this thread yields
// the CPU to them (os.setPriority(0) is this thread's niceness on Linux; where it is refused, it stays 0).
try {
  require('node:os').setPriority(0, 10);
} catch {}
const { JSDOM, VirtualConsole } = require(workerData.jsdomPath);
const config = workerData.config;

// Runs in the page's window before axe. Network constructors throw (axe's own preloading is off too; this is
// the belt to those braces). jsdom has no layout: Range#getClientRects and document.elementFromPoint are
// missing, and axe calls them in object-alt (is the <object>'s fallback content rendered?) and in its
// modal-dialog test used by aria-hidden-focus and focusability checks. Without layout the honest answers are
// "no boxes" and "no element at that point": the object counts as loaded, and no modal dialog counts as open
// (a modal needs showModal(), i.e. a script, which never runs here).
const shim = new vm.Script(\`(function (window) {
  'use strict';
  var document = window.document;
  var offline = function () { throw new window.Error('network access is disabled in the accessibility scan'); };
  ['XMLHttpRequest', 'WebSocket', 'EventSource', 'fetch', 'Worker', 'SharedWorker'].forEach(function (name) {
    Object.defineProperty(window, name, { value: offline, configurable: true, writable: true });
  });
  var range = window.Range && window.Range.prototype;
  if (range && typeof range.getClientRects !== 'function') range.getClientRects = function () { return []; };
  if (range && typeof range.getBoundingClientRect !== 'function') {
    range.getBoundingClientRect = function () { return new window.DOMRect(0, 0, 0, 0); };
  }
  if (typeof document.elementFromPoint !== 'function') document.elementFromPoint = function () { return null; };
  if (typeof document.elementsFromPoint !== 'function') document.elementsFromPoint = function () { return []; };
})(this);\`, { filename: 'accessibility-shim.js' });
const axeScript = new vm.Script(readFileSync(workerData.axePath, 'utf8'), { filename: 'axe.min.js' });

const runOptions = JSON.stringify({
  runOnly: { type: 'tag', values: config.tags },
  rules: Object.fromEntries(config.disabledRules.map((id) => [id, { enabled: false }])),
  resultTypes: ['violations'],
  reporter: 'v1',
  preload: false,
  iframes: false,
  performanceTimer: false,
  ancestry: false,
  xpath: false,
});

function target(parts) {
  return Array.from(parts, (part) => (Array.isArray(part) ? part.join(' >>> ') : String(part))).join(' >>> ');
}

async function scan(html, url) {
  const dom = new JSDOM(html, {
    url,
    contentType: 'text/html',
    runScripts: 'outside-only',
    virtualConsole: new VirtualConsole(),
  });
  const window = dom.window;
  try {
    const context = dom.getInternalVMContext();
    shim.runInContext(context);
    axeScript.runInContext(context);
    const axe = window.axe;
    if (!axe || typeof axe.run !== 'function') throw new Error('axe-core did not load into the page');
    const scripted = window.document.getElementsByTagName('script').length > 0;
    const results = await axe.run(window.document, window.JSON.parse(runOptions));
    return {
      violations: Array.from(results.violations, (rule) => ({
        id: String(rule.id),
        impact: rule.impact == null ? null : String(rule.impact),
        description: String(rule.description),
        help: String(rule.help),
        helpUrl: String(rule.helpUrl),
        tags: Array.from(rule.tags, String),
        count: rule.nodes.length,
        nodes: Array.from(rule.nodes.slice(0, config.maxNodes), (node) => ({
          target: target(node.target),
          html: String(node.html).slice(0, config.maxNodeHtml),
        })),
      })),
      incomplete: Array.from(results.incomplete, (rule) => String(rule.id)),
      passes: results.passes.length,
      scripted,
    };
  } finally {
    window.close();
  }
}

const WARM_UP = '<!doctype html><html lang="en"><head><title>Warm-up</title></head>' +
  '<body><main><h1>Warm-up</h1><img src="warm-up.png"></main></body></html>';

scan(WARM_UP, 'https://package.invalid/warm-up.html').then(
  (result) => {
    const ids = result.violations.map((rule) => rule.id).join(',');
    if (ids !== 'image-alt') throw new Error('the warm-up page should fail image-alt only, got [' + ids + ']');
    parentPort.on('message', (message) => {
      scan(message.html, message.url).then(
        (result) => parentPort.postMessage({ type: 'result', id: message.id, result }),
        (error) => parentPort.postMessage({ type: 'result', id: message.id, error: String((error && error.message) || error) }),
      );
    });
    parentPort.postMessage({ type: 'ready' });
  },
).catch((error) => parentPort.postMessage({ type: 'broken', error: String((error && error.stack) || error) }));
`;

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'broken'; error: string }
  | { type: 'result'; id: number; result: RawPageResult }
  | { type: 'result'; id: number; error: string };

interface Pending {
  id: number;
  resolve: (result: RawPageResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One worker thread that scans one page at a time. Once a page times out or the thread dies (out of memory,
 * crash), the handle is dead ({@link PageWorker.alive} false): start a new one for the next page.
 */
export class PageWorker {
  private readonly worker: Worker;
  private starting: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  private dead = false;

  private constructor(config: EngineConfig) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ...enginePaths(), config, compileCacheDir: COMPILE_CACHE_DIR },
      // Not the parent's flags (test runners' loaders, inspectors): the worker needs nothing but Node.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: config.maxHeapMb },
    });
    // The listeners stay for the worker's whole life (a dead worker's events are ignored): removing a Worker's
    // listeners wholesale also removes Node's own and stalls its message port.
    this.worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    this.worker.on('error', (error: Error & { code?: string }) => {
      this.fail(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `the scan ran out of memory (limit ${config.maxHeapMb} MiB)`
          : `the scan crashed: ${error.message}`,
      );
    });
    this.worker.on('exit', (code) => this.fail(`the scan worker stopped (exit code ${code})`));
    this.ready = new Promise<PageWorker>((resolve, reject) => {
      this.starting = { resolve: () => resolve(this), reject };
    });
  }

  /**
   * Starts a worker and waits until its warm-up page has proved that jsdom, the shim and axe work together.
   * Rejects with {@link EngineStartError} otherwise.
   */
  static start(config: EngineConfig): Promise<PageWorker> {
    return PageWorker.launch(config).ready;
  }

  /** Starts a worker without waiting: `ready` settles as {@link PageWorker.start}'s promise does. */
  static launch(config: EngineConfig): PageWorker {
    return new PageWorker(config);
  }

  /** Resolves once the worker has scanned its warm-up page; rejects with {@link EngineStartError}. */
  readonly ready: Promise<PageWorker>;

  get alive(): boolean {
    return !this.dead;
  }

  /**
   * Scans one page. Rejects with {@link PageScanError} when the page cannot be scanned; after a timeout or a
   * crash the worker is dead.
   */
  scan(html: string, url: string, timeoutMs: number): Promise<RawPageResult> {
    if (this.dead) return Promise.reject(new PageScanError('the scan worker has stopped'));
    if (this.starting || this.pending)
      return Promise.reject(new Error('PageWorker scans one page at a time, once started'));
    const id = this.nextId++;
    return new Promise<RawPageResult>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(`the scan timed out after ${formatSeconds(timeoutMs)}`),
        timeoutMs,
      );
      this.pending = { id, resolve, reject, timer };
      this.worker.postMessage({ id, html, url });
    });
  }

  /** Stops the thread (idempotent). */
  /** Stops the worker; a start or a page still waiting on it is rejected. */
  async close(): Promise<void> {
    this.fail('the scan worker was closed');
    await this.worker.terminate();
  }

  private onMessage(message: WorkerMessage): void {
    if (this.dead) return;
    if (message.type === 'ready') {
      const starting = this.starting;
      this.starting = undefined;
      starting?.resolve();
      return;
    }
    if (message.type === 'broken') {
      this.fail(message.error);
      return;
    }
    const pending = this.pending;
    if (!pending || message.id !== pending.id) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    if ('error' in message)
      pending.reject(new PageScanError(`axe-core could not check the page: ${message.error}`));
    else pending.resolve(message.result);
  }

  /** The worker is unusable: reject whoever waits on it (start or page) and stop the thread. */
  private fail(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    const { starting, pending } = this;
    this.starting = undefined;
    this.pending = undefined;
    starting?.reject(
      new EngineStartError(`The accessibility engine (${engineName()}) did not start: ${reason}`),
    );
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(new PageScanError(reason));
    }
    void this.worker.terminate();
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
