/**
 * Accessibility scan of an uploaded package's HTML (SCORM SCOs, cmi5 AUs, any page the package ships), with
 * axe-core running in jsdom: one report per file, per-SCO reports cut from it, and the publishing gate
 * (`blocking`: any critical or serious violation, which an administrator can waive).
 *
 * What is checked: axe-core's WCAG 2.0 and 2.1 level A and AA rules (tags wcag2a, wcag2aa, wcag21a, wcag21aa),
 * less the rules jsdom cannot evaluate (no layout, no computed colours, no canvas, no media, frames not
 * loaded), which every report lists in `notChecked` with the reason. The page is checked as shipped: its scripts
 * never run, so content a script would build (many authoring tools render the whole slide from JavaScript)
 * is not checked; such files are marked `scripted`.
 *
 * Safety: files are hostile input. Each is parsed with `runScripts: 'outside-only'` (no `<script>`, no event
 * handler attribute runs) and jsdom's default resource loader (nothing is fetched), in a worker thread with a
 * heap limit and a per-file timeout, one page at a time per worker; see ./accessibility-worker.ts.
 *
 * Cost: axe is CPU-bound. A typical SCO page (~190 elements) takes 0.2-0.3 s once the worker is warm (median
 * of 300 pages on a 2-vCPU machine; the first page of a worker ~0.75 s); the time grows with the element count
 * (4,500 elements: ~7 s) and with nesting depth squared (1,000 nested divs: ~11 s). Each worker costs about a
 * second to start (jsdom load and a warm-up page). Keep concurrency at one or two workers per vCPU.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  EngineStartError,
  engineName,
  PageScanError,
  PageWorker,
  type RawPageResult,
  type RawViolation,
} from './accessibility-worker.ts';

export { EngineStartError };

export type ViolationImpact = 'critical' | 'serious' | 'moderate' | 'minor';

/** An HTML file of the package. */
export interface HtmlFile {
  /** Package-relative path, e.g. `sco1/index.html`. */
  path: string;
  /**
   * The page, or a function that reads it with a byte cap (`maxFileBytes`). A function is called only when a
   * worker is ready for the page and the scan's budget still has room for it, so however many pages a
   * package holds, only those being scanned are in memory.
   */
  html: string | ((maxBytes: number) => Promise<string>);
  /**
   * The file's size in bytes, when the caller knows it (a zip's declared size): a file over the limit or the
   * budget is then reported without being read, not as an empty page.
   */
  size?: number;
}

/** One rule failed on one file. */
export interface AccessibilityViolation {
  /** axe rule id, e.g. `image-alt`. */
  ruleId: string;
  impact: ViolationImpact;
  description: string;
  help: string;
  /** Deque University page for the rule. */
  helpUrl: string;
  /** The rule's WCAG tags from axe (`wcag2a`, `wcag111`, ...) followed by the success criteria (`1.1.1`). */
  wcag: string[];
  /** Number of failing elements. */
  count: number;
  /** The first {@link MAX_NODES_PER_VIOLATION} failing elements: selector and HTML (at most ~200 characters). */
  nodes: { target: string; html: string }[];
}

export interface FileReport {
  path: string;
  violations: AccessibilityViolation[];
  /** Number of rules whose result needs human review (axe's "incomplete"). */
  incomplete: number;
  /** Number of rules that passed. */
  passes: number;
  /** Ids of the rules that need human review (for example `video-caption`, `duplicate-id-aria`). */
  needsReview?: string[];
  /** The file has `<script>` elements; whatever they would build was not checked. */
  scripted?: boolean;
  /** Wall-clock milliseconds the scan of this file took. */
  durationMs?: number;
  /** Why the file could not be scanned (too large, timed out, out of memory, axe error). */
  error?: string;
}

export interface AccessibilitySummary {
  /** Violations (a rule failing on a file, however many elements) by impact. */
  critical: number;
  serious: number;
  moderate: number;
  minor: number;
  /** Files that were scanned (without an `error`). */
  filesScanned: number;
  filesWithViolations: number;
  /** Files that could not be scanned (they have an `error`): their violations are unknown. */
  filesWithErrors: number;
}

export interface AccessibilityReport {
  /** e.g. `axe-core 4.14.1 in jsdom 27.3.0`. */
  engine: string;
  /** The rule set run: {@link STANDARD}. */
  standard: string;
  /** ISO 8601 time the scan started. */
  scannedAt: string;
  files: FileReport[];
  summary: AccessibilitySummary;
  /** Any critical or serious violation: publishing needs a waiver. */
  blocking: boolean;
  /** Rules of the standard that this scan does not check, and why. */
  notChecked: { ruleId: string; reason: string }[];
}

export interface ScanOptions {
  /** Larger files (UTF-8 bytes) are not scanned and get an `error`. @default 2 MiB */
  maxFileBytes?: number;
  /**
   * HTML bytes scanned per call, in the order the files are given: once spent, the remaining files get an
   * `error` saying so, unread. Bounds the scan's time and reading whatever the package holds.
   * @default 64 MiB
   */
  maxTotalBytes?: number;
  /** Worker threads scanning in parallel. @default min(2, available CPUs) */
  concurrency?: number;
  /** Clock for `scannedAt`. @default () => new Date() */
  now?: () => Date;
  /** Per-file time limit; the file gets an `error` and its worker is replaced. @default 30 s */
  timeoutMs?: number;
  /** Heap limit of each worker thread. @default 1024 MiB */
  maxWorkerHeapMb?: number;
  /**
   * A worker started ahead of the pages ({@link startScanWorker}, with the same `maxWorkerHeapMb`): the first
   * lane scans with it instead of starting one. The caller closes it.
   */
  worker?: ScanWorker;
  /** Once aborted, no further page is read or scanned (they are reported as not scanned). */
  signal?: AbortSignal;
}

/** A scan worker started before its pages are known; see {@link startScanWorker}. */
export interface ScanWorker {
  /** The worker once started; rejects with {@link EngineStartError} when it cannot start. */
  readonly ready: Promise<PageWorker>;
  /** Stops the worker, started or not, whether a scan used it or not; a page it was scanning fails. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_TOTAL_BYTES = 64 * 1024 * 1024;
export const DEFAULT_FILE_TIMEOUT_MS = 30_000;
export const DEFAULT_WORKER_HEAP_MB = 1024;
export const MAX_NODES_PER_VIOLATION = 10;
const MAX_NODE_HTML = 200;
/** Pages from which a second scan worker is started. */
const PAGES_PER_EXTRA_WORKER = 20;

/** Workers never exceed this, whatever `concurrency` asks: each one holds a jsdom and a DOM in memory. */
const MAX_CONCURRENCY = 8;

/** axe tags run: WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS: readonly string[] = Object.freeze(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
export const STANDARD = 'WCAG 2.1 A/AA';

/**
 * Rules switched off, each found by running axe 4.14 in jsdom 27 on a page that violates it: the rule either
 * threw, never applied, or passed the violating page. axe's other rules in the tag set reported the violation.
 * (Some rules always ask for review by design, in browsers too: video-caption, bypass without landmarks,
 * duplicate-id-aria, frame-title-unique, form-field-multiple-labels, server-side-image-map. They are run and
 * counted in `incomplete`.)
 */
export const NOT_CHECKED: readonly Readonly<{ ruleId: string; reason: string }>[] = Object.freeze([
  {
    ruleId: 'color-contrast',
    reason:
      'Needs computed colours, layout and a canvas; jsdom has none (axe fails with "HTMLCanvasElement.getContext() not implemented"). Check contrast in a browser.',
  },
  {
    ruleId: 'link-in-text-block',
    reason:
      'Compares the computed colours of links and surrounding text and needs layout; in jsdom the rule never applies.',
  },
  {
    ruleId: 'label-content-name-mismatch',
    reason: 'Needs a canvas to tell icon-font ligatures from text; axe fails in jsdom.',
  },
  {
    ruleId: 'scrollable-region-focusable',
    reason:
      'Needs scroll sizes from layout; jsdom lays out nothing (every box is 0x0), so no region ever scrolls.',
  },
  {
    ruleId: 'marquee',
    reason:
      "axe decides whether a <marquee> is on screen from layout; with jsdom's 0x0 boxes it looks clipped, so a page with a marquee passes.",
  },
  {
    ruleId: 'avoid-inline-spacing',
    reason:
      "jsdom's CSSOM drops !important on letter-spacing and word-spacing and computes no font-size, so a page that fails the rule passes.",
  },
  {
    ruleId: 'no-autoplay-audio',
    reason: 'Needs the duration of the media; jsdom loads no media, so the rule never applies.',
  },
  {
    ruleId: 'frame-focusable-content',
    reason:
      'Needs the framed page loaded inside its parent; frames are not loaded (nothing is fetched), so the rule never applies. Each HTML file of the package is scanned on its own.',
  },
  {
    ruleId: 'css-orientation-lock',
    reason:
      "Needs the page's stylesheets loaded through axe's CSSOM preloader (which fetches) and layout; experimental in axe, not run for these tags anyway.",
  },
  {
    ruleId: 'target-size',
    reason: 'WCAG 2.2 AA (2.5.8), outside the WCAG 2.1 A/AA run; needs layout (target sizes and spacing).',
  },
]);

/**
 * Starts a scan worker before the pages are known: loading jsdom and axe takes about a second of CPU, which
 * can then run while the package downloads. Give it to {@link scanHtmlFiles} as `options.worker`, and close
 * it once the scan is over (or will not happen).
 *
 * @example
 * const worker = startScanWorker();
 * try {
 *   const report = await scanHtmlFiles(await pagesOf(download()), { worker });
 * } finally {
 *   await worker.close();
 * }
 */
export function startScanWorker(options: Pick<ScanOptions, 'maxWorkerHeapMb'> = {}): ScanWorker {
  const worker = PageWorker.launch(engineConfig(options));
  worker.ready.catch(() => undefined); // reported by the scan that uses it; a worker never used fails nothing
  return { ready: worker.ready, close: () => worker.close() };
}

function engineConfig(options: Pick<ScanOptions, 'maxWorkerHeapMb'>) {
  return {
    tags: WCAG_TAGS,
    disabledRules: NOT_CHECKED.map((rule) => rule.ruleId),
    maxNodes: MAX_NODES_PER_VIOLATION,
    maxNodeHtml: 4 * MAX_NODE_HTML,
    maxHeapMb: positive(options.maxWorkerHeapMb, DEFAULT_WORKER_HEAP_MB),
  };
}

/**
 * Scans each file with axe-core in jsdom. Never throws for a bad file: oversize, over the budget, unreadable,
 * timeout, out-of-memory and axe failures are recorded as the file's `error`. Rejects with
 * {@link EngineStartError} only when the engine itself cannot start (then no file could be scanned and a
 * report would be meaningless).
 *
 * Memory: each worker lane reads one page (files given as functions are read then, capped at
 * `maxFileBytes`), scans it and lets it go before reading the next, so at most `concurrency` pages are held
 * at once, each within `maxFileBytes`; `maxTotalBytes` caps what is read in all.
 *
 * @example
 * const report = await scanHtmlFiles([{ path: 'index.html', html }]);
 * if (report.blocking) console.log(report.summary.critical, 'critical violations');
 */
export async function scanHtmlFiles(
  files: HtmlFile[],
  options: ScanOptions = {},
): Promise<AccessibilityReport> {
  const scannedAt = (options.now ?? (() => new Date()))().toISOString();
  const maxFileBytes = positive(options.maxFileBytes, DEFAULT_MAX_FILE_BYTES);
  const maxTotalBytes = positive(options.maxTotalBytes, DEFAULT_MAX_TOTAL_BYTES);
  const timeoutMs = positive(options.timeoutMs, DEFAULT_FILE_TIMEOUT_MS);
  // A second worker pays off only on many pages: each holds a jsdom (~70 MB), and on two cores two workers
  // ran a five-page package slower than one (measured: 2.9 s vs 1.9 s).
  const defaultConcurrency = files.length >= PAGES_PER_EXTRA_WORKER ? Math.min(2, availableParallelism()) : 1;
  const concurrency = Math.max(
    1,
    Math.min(MAX_CONCURRENCY, Math.floor(positive(options.concurrency, defaultConcurrency))),
  );
  const config = engineConfig(options);

  const reports: (FileReport | undefined)[] = files.map((file) => precheck(file, maxFileBytes));
  const queue = reports.flatMap((report, index) => (report ? [] : [index]));
  let next = 0;
  let stopped = false;
  let spent = 0;

  // The worker started ahead goes to the first lane; the caller closes it.
  let ahead = options.worker;
  const lane = async (): Promise<void> => {
    let worker: PageWorker | undefined;
    let given: PageWorker | undefined;
    try {
      while (!stopped && !options.signal?.aborted && next < queue.length) {
        const index = queue[next++];
        const file = index === undefined ? undefined : files[index];
        if (index === undefined || !file) continue;
        // Reserve the declared bytes before reading (lanes take turns synchronously up to here).
        const declared = declaredBytes(file);
        if (spent + declared > maxTotalBytes) {
          reports[index] = overBudget(file.path, maxTotalBytes);
          continue;
        }
        spent += declared;
        let html: string;
        try {
          html = typeof file.html === 'string' ? file.html : await file.html(maxFileBytes);
        } catch (error) {
          spent -= declared;
          reports[index] = failed(
            file.path,
            `Not scanned: the file could not be read (${(error as Error).message}).`,
          );
          continue;
        }
        // A declared size can understate: count what was read. A file not scanned uses none of the budget.
        const bytes = Buffer.byteLength(html, 'utf8');
        spent += bytes - declared;
        if (bytes > maxFileBytes || spent > maxTotalBytes) {
          spent -= bytes;
          reports[index] =
            bytes > maxFileBytes
              ? tooLarge(file.path, bytes, maxFileBytes)
              : overBudget(file.path, maxTotalBytes);
          continue;
        }
        if (!worker && ahead) {
          const ready = ahead.ready;
          ahead = undefined;
          given = await ready;
          worker = given;
        }
        worker ??= await PageWorker.start(config);
        const started = performance.now();
        try {
          const result = await worker.scan(html, pageUrl(file.path), timeoutMs);
          reports[index] = toFileReport(file.path, result, Math.round(performance.now() - started));
        } catch (error) {
          if (!(error instanceof PageScanError)) throw error;
          reports[index] = failed(file.path, `Not scanned: ${error.message}.`);
          if (!worker.alive) worker = undefined;
        }
      }
    } catch (error) {
      // Once the owner has stopped the scan, its closing the worker is no failure.
      if (options.signal?.aborted) return;
      stopped = true;
      throw error;
    } finally {
      if (worker !== given) await worker?.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, lane));

  return buildReport(
    { engine: engineName(), standard: STANDARD, scannedAt },
    reports.map((report, index) => report ?? failed(files[index]?.path ?? '', 'Not scanned.')),
  );
}

/**
 * The report of one SCO (or AU): the same report restricted to the given package paths, in the report's
 * order, with the summary and `blocking` recomputed. Paths compare after normalising `\` to `/`, leading `./`
 * and `/`, and percent-encoding, so manifest hrefs match package paths. Paths the report has no file for
 * (non-HTML resources) are ignored.
 */
export function reportForFiles(report: AccessibilityReport, paths: readonly string[]): AccessibilityReport {
  const wanted = new Set(paths.map(normalizePath));
  return buildReport(
    {
      engine: report.engine,
      standard: report.standard,
      scannedAt: report.scannedAt,
      notChecked: report.notChecked,
    },
    report.files.filter((file) => wanted.has(normalizePath(file.path))),
  );
}

/** Violation counts by impact and file counts. */
export function summarize(files: readonly FileReport[]): AccessibilitySummary {
  const summary: AccessibilitySummary = {
    critical: 0,
    serious: 0,
    moderate: 0,
    minor: 0,
    filesScanned: 0,
    filesWithViolations: 0,
    filesWithErrors: 0,
  };
  for (const file of files) {
    if (file.error !== undefined) summary.filesWithErrors++;
    else summary.filesScanned++;
    if (file.violations.length > 0) summary.filesWithViolations++;
    for (const violation of file.violations) summary[violation.impact]++;
  }
  return summary;
}

function buildReport(
  head: {
    engine: string;
    standard: string;
    scannedAt: string;
    notChecked?: AccessibilityReport['notChecked'];
  },
  files: FileReport[],
): AccessibilityReport {
  const summary = summarize(files);
  return {
    engine: head.engine,
    standard: head.standard,
    scannedAt: head.scannedAt,
    files,
    summary,
    blocking: summary.critical + summary.serious > 0,
    notChecked: (head.notChecked ?? NOT_CHECKED).map((rule) => ({
      ruleId: rule.ruleId,
      reason: rule.reason,
    })),
  };
}

/** A report for files that are not sent to the engine, or undefined for those that are. */
function precheck(file: HtmlFile, maxFileBytes: number): FileReport | undefined {
  if (typeof file.html !== 'string' && typeof file.html !== 'function')
    return failed(file.path, 'Not scanned: the file has no HTML text.');
  const bytes = declaredBytes(file);
  return bytes > maxFileBytes ? tooLarge(file.path, bytes, maxFileBytes) : undefined;
}

/** What a file is known to weigh before it is read: its declared size, or its text's. */
function declaredBytes(file: HtmlFile): number {
  const text = typeof file.html === 'string' ? Buffer.byteLength(file.html, 'utf8') : 0;
  return Math.max(file.size ?? 0, text);
}

function tooLarge(path: string, bytes: number, maxFileBytes: number): FileReport {
  return failed(
    path,
    `Not scanned: the file is ${formatBytes(bytes)}, over the ${formatBytes(maxFileBytes)} limit of the accessibility scan.`,
  );
}

function overBudget(path: string, maxTotalBytes: number): FileReport {
  return failed(
    path,
    `Not scanned: over budget: the pages before it used the accessibility scan's ${formatBytes(maxTotalBytes)} of HTML per package.`,
  );
}

function failed(path: string, error: string): FileReport {
  return { path, violations: [], incomplete: 0, passes: 0, error };
}

function toFileReport(path: string, result: RawPageResult, durationMs: number): FileReport {
  return {
    path,
    violations: result.violations.map(toViolation),
    incomplete: result.incomplete.length,
    passes: result.passes,
    needsReview: result.incomplete,
    scripted: result.scripted,
    durationMs,
  };
}

function toViolation(raw: RawViolation): AccessibilityViolation {
  return {
    ruleId: raw.id,
    impact: toImpact(raw.impact),
    description: raw.description,
    help: raw.help,
    helpUrl: raw.helpUrl,
    wcag: wcagOf(raw.tags),
    count: raw.count,
    nodes: raw.nodes.slice(0, MAX_NODES_PER_VIOLATION).map((node) => ({
      target: node.target,
      html: truncate(node.html, MAX_NODE_HTML),
    })),
  };
}

/** axe gives every violation an impact; should one come without, count it as blocking rather than let it pass. */
function toImpact(impact: string | null): ViolationImpact {
  return impact === 'critical' || impact === 'serious' || impact === 'moderate' || impact === 'minor'
    ? impact
    : 'serious';
}

/**
 * axe's WCAG tags, then the success criteria in human form: `wcag111` -> `1.1.1`, `wcag1412` -> `1.4.12`.
 * Level tags (`wcag2a`, `wcag21aa`) have no criterion.
 */
export function wcagOf(tags: readonly string[]): string[] {
  const wcagTags = tags.filter((tag) => /^wcag\d/.test(tag));
  const criteria = wcagTags.flatMap((tag) => {
    const match = /^wcag(\d)(\d)(\d{1,2})$/.exec(tag);
    return match ? [`${match[1]}.${match[2]}.${match[3]}`] : [];
  });
  return [...wcagTags, ...criteria];
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The page's address inside jsdom: relative links resolve as they would under the package root, on a
 * reserved `.invalid` host (RFC 2606) that can never resolve even if something tried to fetch it.
 */
function pageUrl(path: string): string {
  const base = 'https://package.invalid/';
  try {
    return new URL(normalizePath(path).split('/').map(encodeURIComponent).join('/'), base).href;
  } catch {
    return base;
  }
}

function normalizePath(path: string): string {
  let normalized = path.replace(/\\/g, '/').replace(/^(?:\.\/|\/)+/, '');
  try {
    normalized = decodeURIComponent(normalized);
  } catch {
    // Not percent-encoded after all (a literal `%`): compare as is.
  }
  return normalized;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
