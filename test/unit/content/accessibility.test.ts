import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type AccessibilityReport,
  EngineStartError,
  type FileReport,
  type HtmlFile,
  NOT_CHECKED,
  reportForFiles,
  scanHtmlFiles,
  startScanWorker,
  wcagOf,
} from '../../../shared/content/accessibility.ts';
import { PageWorker } from '../../../shared/content/accessibility-worker.ts';
import { inspectArchive, openArchiveTexts } from '../../../shared/content/archive.ts';
import { DEFAULT_PACKAGE_LIMITS } from '../../../shared/content/limits.ts';
import { zipBytes } from './zip-fixtures.ts';

/** A complete, accessible page around `body` (lang, title, main landmark, heading). */
const page = (body: string, head = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lesson</title>${head}</head>` +
  `<body><main><h1>Lesson</h1>${body}</main></body></html>`;

/** Thirty short attributes: axe shortens long attribute values itself, not a long list of short ones. */
const LONG_ATTRIBUTES = Array.from({ length: 30 }, (_, i) => `data-field-${i}="value-${i}"`).join(' ');

const SCANNED_AT = new Date('2030-01-02T03:04:05.000Z');

/**
 * A loopback server standing in for "the network": every page below that could fetch something points at it,
 * so any request a scan made would be counted here.
 */
let server: Server;
let origin: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.end('img{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await once(server, 'close');
});

/** Pages with known problems, scanned once for the whole file (each scan starts worker threads). */
function batchPages(): HtmlFile[] {
  return [
    { path: 'img-no-alt.html', html: page('<img src="chart.png">') },
    { path: 'input-no-label.html', html: page('<form><input type="text" name="answer"></form>') },
    {
      path: 'no-lang.html',
      html: '<!doctype html><html><head><title>Lesson</title></head><body><main><h1>Lesson</h1></main></body></html>',
    },
    { path: 'empty-link.html', html: page('<p><a href="next.html"></a></p>') },
    { path: 'empty-button.html', html: page('<button type="button"></button>') },
    {
      path: 'duplicate-ids.html',
      html: page('<p id="hint">One</p><p id="hint">Two</p><input type="text" aria-labelledby="hint">'),
    },
    { path: 'object-no-alt.html', html: page('<object data="movie.swf"></object>') },
    {
      path: 'hidden-focus.html',
      html: page('<div aria-hidden="true"><button type="button">Next</button></div>'),
    },
    {
      path: 'many-images.html',
      html: page(Array.from({ length: 12 }, (_, i) => `<img src="${i}.png" ${LONG_ATTRIBUTES}>`).join('')),
    },
    {
      path: 'clean.html',
      html: page(
        '<p>Welcome to <a href="module-2.html">module 2</a>.</p><img src="chart.png" alt="Sales by quarter">' +
          '<form><label for="q1">Your answer</label><input id="q1" type="text"><button type="submit">Submit</button></form>' +
          '<table><caption>Scores</caption><tr><th scope="col">Name</th><th scope="col">Score</th></tr>' +
          '<tr><td>Ada</td><td>10</td></tr></table>',
      ),
    },
    {
      path: 'low-contrast.html',
      html: page('<p style="color:#777;background-color:#888">Grey on grey</p>'),
    },
    {
      path: 'hostile.html',
      html: page(
        `<div id="content"><p>Static text.</p></div>
        <script>
          document.getElementById('content').appendChild(document.createElement('img'));
          fetch('${origin}/fetch');
          var xhr = new XMLHttpRequest(); xhr.open('GET', '${origin}/xhr'); xhr.send();
          new Image().src = '${origin}/image-object';
          document.title = '';
        </script>
        <script src="${origin}/external.js"></script>
        <img src="${origin}/img.png" alt="Remote" onerror="document.body.appendChild(document.createElement('img'))">
        <iframe src="${origin}/frame.html" title="Frame"></iframe>
        <object data="${origin}/object.swf" title="Object"></object>
        <embed src="${origin}/embed.swf" title="Embed">
        <video src="${origin}/video.mp4" poster="${origin}/poster.png" controls><track kind="captions" src="${origin}/captions.vtt"></video>
        <svg onload="document.body.appendChild(document.createElement('img'))" aria-hidden="true"></svg>
        <iframe title="JavaScript URL" src="javascript:parent.document.body.appendChild(parent.document.createElement('img'))"></iframe>
        <iframe title="Inline document" srcdoc="<script>parent.document.body.appendChild(parent.document.createElement('img'))</script>"></iframe>
        <iframe title="Data URL" src="data:text/html,<script>parent.document.body.appendChild(parent.document.createElement('img'))</script>"></iframe>`,
        `<link rel="stylesheet" href="${origin}/style.css"><link rel="preload" href="${origin}/preload.js" as="script">
        <style>@import url("${origin}/import.css"); body { background: url("${origin}/bg.png"); }</style>
        <meta http-equiv="refresh" content="0; url=${origin}/refresh.html">`,
      ).replace('<body>', '<body onload="document.body.appendChild(document.createElement(\'img\'))">'),
    },
    {
      path: 'clobbering.html',
      html: page(
        '<img id="axe" alt="A"><form name="module"><input name="exports" aria-label="x"></form><a id="define" href="#top">Top</a>' +
          '<img name="document" alt="B"><img src="no-alt.png">',
      ),
    },
    {
      path: 'garbage.html',
      html: "<<<html lang=>>><body<<div class=\"'' ><p>unclosed <b><i></table></tr><td>&#xD800;&bogus;",
    },
    {
      path: 'binary.html',
      html: Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join(''),
    },
    // Cost grows with depth squared (measured: 200 levels 0.6 s, 1,000 levels 11 s, 3,000 levels over 30 s).
    { path: 'deeply-nested.html', html: page(`${'<div>'.repeat(200)}deep${'</div>'.repeat(200)}`) },
    { path: 'empty.html', html: '' },
    { path: 'too-big.html', html: page(`<p>${'x'.repeat(70 * 1024)}</p>`) },
  ];
}

let batch: Promise<AccessibilityReport> | undefined;
/** The shared scan of {@link batchPages} (64 KiB size cap, fixed clock). */
function scanBatch(): Promise<AccessibilityReport> {
  batch ??= scanHtmlFiles(batchPages(), { maxFileBytes: 64 * 1024, now: () => SCANNED_AT, concurrency: 2 });
  return batch;
}

function fileOf(report: AccessibilityReport, path: string): FileReport {
  const file = report.files.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`no report for ${path}`);
  return file;
}

const ruleIds = (file: FileReport) => file.violations.map((violation) => violation.ruleId);

describe('scanHtmlFiles', { timeout: 120_000 }, () => {
  it('reports an image without alt text as a critical image-alt violation with its WCAG criterion', async () => {
    // Prepare: img-no-alt.html in the batch

    // Act
    const report = await scanBatch();

    // Assess
    const file = fileOf(report, 'img-no-alt.html');
    expect(file.error).toBeUndefined();
    expect(ruleIds(file)).toEqual(['image-alt']);
    expect(file.violations[0]).toMatchObject({
      ruleId: 'image-alt',
      impact: 'critical',
      count: 1,
      nodes: [{ target: 'img', html: '<img src="chart.png">' }],
      wcag: expect.arrayContaining(['wcag2a', 'wcag111', '1.1.1']),
    });
    expect(file.violations[0]?.helpUrl).toMatch(
      /^https:\/\/dequeuniversity\.com\/rules\/axe\/4\.\d+\/image-alt/,
    );
    expect(file.passes).toBeGreaterThan(0);
  });

  it('reports a form field without a label, a page without lang, and empty link and button names', async () => {
    // Prepare: input-no-label.html, no-lang.html, empty-link.html, empty-button.html in the batch

    // Act
    const report = await scanBatch();

    // Assess
    const label = fileOf(report, 'input-no-label.html').violations.find((v) => v.ruleId === 'label');
    expect(['critical', 'serious']).toContain(label?.impact);
    expect(label?.wcag).toEqual(expect.arrayContaining(['4.1.2']));
    expect(fileOf(report, 'no-lang.html').violations).toEqual([
      expect.objectContaining({
        ruleId: 'html-has-lang',
        impact: 'serious',
        wcag: ['wcag2a', 'wcag311', '3.1.1'],
      }),
    ]);
    expect(ruleIds(fileOf(report, 'empty-link.html'))).toEqual(['link-name']);
    expect(fileOf(report, 'empty-link.html').violations[0]?.impact).toBe('serious');
    expect(ruleIds(fileOf(report, 'empty-button.html'))).toEqual(['button-name']);
    expect(fileOf(report, 'empty-button.html').violations[0]?.impact).toBe('critical');
  });

  it('leaves duplicate ids to review: axe 4.14 no longer fails them (WCAG 2.2 made 4.1.1 obsolete)', async () => {
    // Prepare: duplicate-ids.html in the batch (two id="hint", one referenced by aria-labelledby)

    // Act
    const report = await scanBatch();

    // Assess
    const file = fileOf(report, 'duplicate-ids.html');
    expect(file.violations).toEqual([]);
    expect(file.needsReview).toContain('duplicate-id-aria');
    expect(file.incomplete).toBe(file.needsReview?.length);
  });

  it('checks object-alt and aria-hidden-focus, which need the layout shims jsdom lacks', async () => {
    // Prepare: object-no-alt.html and hidden-focus.html in the batch

    // Act
    const report = await scanBatch();

    // Assess
    expect(ruleIds(fileOf(report, 'object-no-alt.html'))).toEqual(['object-alt']);
    expect(ruleIds(fileOf(report, 'hidden-focus.html'))).toEqual(['aria-hidden-focus']);
  });

  it('counts every failing element but keeps at most 10, with their HTML cut to about 200 characters', async () => {
    // Prepare: many-images.html in the batch (12 images without alt, each with 30 attributes)

    // Act
    const report = await scanBatch();

    // Assess
    const violation = fileOf(report, 'many-images.html').violations[0];
    expect(violation?.count).toBe(12);
    expect(violation?.nodes).toHaveLength(10);
    for (const node of violation?.nodes ?? []) {
      expect(node.html).toHaveLength(200);
      expect(node.html.endsWith('…')).toBe(true);
    }
  });

  it('finds nothing on an accessible page', async () => {
    // Prepare: clean.html in the batch

    // Act
    const report = await scanBatch();

    // Assess
    const file = fileOf(report, 'clean.html');
    expect(file).toMatchObject({ violations: [], scripted: false });
    expect(file.error).toBeUndefined();
    expect(file.passes).toBeGreaterThan(5);
  });

  it('runs no script of the page and fetches nothing, whatever the page tries', async () => {
    // Prepare: hostile.html in the batch; prove the counting server works
    await fetch(`${origin}/control`);
    expect(requests).toEqual(['GET /control']);
    requests.length = 0;

    // Act
    const report = await scanBatch();
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Assess: the scripts and handlers would each have added an <img> without alt (and emptied the title)
    const file = fileOf(report, 'hostile.html');
    expect(file.error).toBeUndefined();
    expect(file.violations).toEqual([]);
    expect(file.scripted).toBe(true);
    expect(requests).toEqual([]);
  });

  it('is not fooled by elements named like the globals axe-core and its loader look up', async () => {
    // Prepare: clobbering.html in the batch (id="axe", name="module" with an "exports" field, id="define")

    // Act
    const report = await scanBatch();

    // Assess
    const file = fileOf(report, 'clobbering.html');
    expect(file.error).toBeUndefined();
    expect(ruleIds(file)).toEqual(['image-alt']);
    expect(file.violations[0]?.nodes[0]?.target).toContain('no-alt.png');
  });

  it('scans garbage, binary, deeply nested and empty files without throwing', async () => {
    // Prepare: garbage.html, binary.html, deeply-nested.html, empty.html in the batch

    // Act
    const report = await scanBatch();

    // Assess: each gets a report, either findings or an error, never an exception
    for (const path of ['garbage.html', 'binary.html', 'deeply-nested.html', 'empty.html']) {
      const file = fileOf(report, path);
      expect(file.error === undefined ? file.passes + file.violations.length : 1).toBeGreaterThan(0);
    }
    expect(ruleIds(fileOf(report, 'empty.html'))).toEqual(
      expect.arrayContaining(['document-title', 'html-has-lang']),
    );
  });

  it('records an oversize file as an error and goes on', async () => {
    // Prepare: too-big.html (70 KiB) in the batch, scanned with a 64 KiB cap

    // Act
    const report = await scanBatch();

    // Assess
    const file = fileOf(report, 'too-big.html');
    expect(file).toMatchObject({ violations: [], incomplete: 0, passes: 0 });
    expect(file.error).toMatch(/over the 64\.0 KiB limit/);
    expect(report.summary.filesWithErrors).toBe(1);
    expect(report.summary.filesScanned).toBe(report.files.length - 1);
  });

  it('applies the 2 MiB default cap without starting the engine', async () => {
    // Prepare
    const huge = { path: 'huge.html', html: page(`<p>${'x'.repeat(2 * 1024 * 1024)}</p>`) };

    // Act
    const report = await scanHtmlFiles([huge]);

    // Assess
    expect(report.files[0]?.error).toMatch(/^Not scanned: the file is 2\.0 MiB, over the 2\.0 MiB limit/);
    expect(report).toMatchObject({ blocking: false, summary: { filesScanned: 0, filesWithErrors: 1 } });
  });

  it('trusts a declared size, so an oversize file need not be read (and is not scanned as an empty page)', async () => {
    // Prepare
    const unread = { path: 'video-page.html', html: '', size: 3 * 1024 * 1024 };

    // Act
    const report = await scanHtmlFiles([unread]);

    // Assess
    expect(report.files[0]).toMatchObject({
      violations: [],
      error: expect.stringMatching(/3\.0 MiB, over the 2\.0 MiB limit/),
    });
    expect(report.blocking).toBe(false);
  });

  it('summarises the whole package, blocks on critical or serious, and says what it did not check', async () => {
    // Prepare: the batch

    // Act
    const report = await scanBatch();

    // Assess
    expect(report.engine).toMatch(/^axe-core 4\.14\.\d+ in jsdom 31\.\d+\.\d+$/);
    expect(report.standard).toBe('WCAG 2.1 A/AA');
    expect(report.scannedAt).toBe('2030-01-02T03:04:05.000Z');
    expect(report.files.map((file) => file.path)).toEqual(batchPages().map((file) => file.path));
    expect(report.blocking).toBe(true);
    const violations = report.files.flatMap((file) => file.violations);
    expect(report.summary.critical).toBe(violations.filter((v) => v.impact === 'critical').length);
    expect(report.summary.serious).toBe(violations.filter((v) => v.impact === 'serious').length);
    expect(report.summary.filesWithViolations).toBe(
      report.files.filter((file) => file.violations.length).length,
    );
    expect(report.notChecked.map((rule) => rule.ruleId)).toEqual(
      expect.arrayContaining([
        'color-contrast',
        'scrollable-region-focusable',
        'target-size',
        'css-orientation-lock',
      ]),
    );
    expect(report.notChecked.every((rule) => rule.reason.length > 20)).toBe(true);
    const disabled = new Set(NOT_CHECKED.map((rule) => rule.ruleId));
    expect(violations.filter((violation) => disabled.has(violation.ruleId))).toEqual([]);
    expect(fileOf(report, 'low-contrast.html')).toMatchObject({ violations: [], needsReview: [] });
  });

  it('gives up on a file that runs past the timeout, and scans the next one with a fresh worker', async () => {
    // Prepare: ~12,000 elements take axe many seconds; the timeout is 1.5 s
    const slow = page('<div><p>Text <a href="#top">link</a></p><img src="a.png"></div>'.repeat(3000));
    const quick = page('<img src="b.png">');
    const started = Date.now();

    // Act
    const report = await scanHtmlFiles(
      [
        { path: 'slow.html', html: slow },
        { path: 'quick.html', html: quick },
      ],
      { timeoutMs: 1500, concurrency: 1 },
    );

    // Assess
    expect(report.files[0]?.error).toBe('Not scanned: the scan timed out after 1.5 s.');
    expect(report.files[1]?.error).toBeUndefined();
    expect(report.files[1]?.violations.map((v) => v.ruleId)).toEqual(['image-alt']);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('rejects when the engine itself cannot start', async () => {
    // Prepare: a worker heap far too small to load jsdom (Node 24 aborts the whole process below ~4 MiB,
    // while deserialising its own snapshot, so the test stays above that)

    // Act
    const scan = scanHtmlFiles([{ path: 'a.html', html: page('') }], { maxWorkerHeapMb: 8 });

    // Assess
    await expect(scan).rejects.toBeInstanceOf(EngineStartError);
  });

  it('holds to its budget on a package with more HTML than it: reads in order up to it, and says what it left', async () => {
    // Prepare: a zip with six 30,000-byte pages, scanned with a 100 KiB budget, read as the import reads them
    const folder = await mkdtemp(join(tmpdir(), 'scan-budget-'));
    try {
      const names = ['p1.html', 'p2.html', 'p3.html', 'p4.html', 'p5.html', 'p6.html'];
      const filler = (n: number) => 'x'.repeat(30_000 - page(`<p></p>`).length - String(n).length);
      const zipPath = join(folder, 'package.zip');
      await writeFile(
        zipPath,
        await zipBytes(names.map((name, i) => ({ name, data: page(`<p>${i}${filler(i)}</p>`) }))),
      );
      const { files } = await inspectArchive(zipPath, DEFAULT_PACKAGE_LIMITS);
      const reader = await openArchiveTexts(zipPath, names);
      const read = vi.spyOn(reader, 'read');

      // Act
      const report = await scanHtmlFiles(
        files.map((file) => ({
          path: file.path,
          size: file.size,
          html: (maxBytes: number) => reader.read(file.path, maxBytes),
        })),
        { maxTotalBytes: 100 * 1024, concurrency: 1 },
      ).finally(() => reader.close());

      // Assess: 3 x 30,000 bytes fit in 102,400; the fourth would not, and nothing after it is read
      expect(files.map((file) => file.size)).toEqual([30_000, 30_000, 30_000, 30_000, 30_000, 30_000]);
      expect(read.mock.calls).toEqual([
        ['p1.html', 2 * 1024 * 1024],
        ['p2.html', 2 * 1024 * 1024],
        ['p3.html', 2 * 1024 * 1024],
      ]);
      expect(report.files.map((file) => [file.path, file.error ?? 'scanned'])).toEqual([
        ['p1.html', 'scanned'],
        ['p2.html', 'scanned'],
        ['p3.html', 'scanned'],
        ...['p4.html', 'p5.html', 'p6.html'].map((path) => [
          path,
          "Not scanned: over budget: the pages before it used the accessibility scan's 100.0 KiB of HTML per package.",
        ]),
      ]);
      expect(report.summary).toMatchObject({ filesScanned: 3, filesWithErrors: 3 });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('reads a page only when a worker is free for it, so at most `concurrency` pages are held', async () => {
    // Prepare: each read waits until the test lets it finish
    const started: string[] = [];
    const pending: (() => void)[] = [];
    const files: HtmlFile[] = ['a', 'b', 'c', 'd', 'e'].map((name) => ({
      path: `${name}.html`,
      size: 200,
      html: () => {
        started.push(`${name}.html`);
        return new Promise<string>((resolve) => pending.push(() => resolve(page(`<p>${name}</p>`))));
      },
    }));

    // Act
    const scan = scanHtmlFiles(files, { concurrency: 2 });
    await vi.waitFor(() => expect(started).toEqual(['a.html', 'b.html']));
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assess: the two lanes wait on their pages; nothing else was read meanwhile
    expect(started).toEqual(['a.html', 'b.html']);
    const release = setInterval(() => {
      for (const resolve of pending.splice(0)) resolve();
    }, 20);
    const report = await scan.finally(() => clearInterval(release));
    expect(started).toEqual(['a.html', 'b.html', 'c.html', 'd.html', 'e.html']);
    expect(report.summary).toMatchObject({ filesScanned: 5, filesWithErrors: 0 });
  });

  it('counts what is read, not what was declared: an understated page over the cap is not scanned', async () => {
    const report = await scanHtmlFiles(
      [
        {
          path: 'liar.html',
          size: 10,
          html: async (maxBytes) => (maxBytes === 1024 ? page(`<p>${'x'.repeat(2000)}</p>`) : ''),
        },
        { path: 'broken.html', size: 10, html: () => Promise.reject(new Error('CRC mismatch')) },
      ],
      { maxFileBytes: 1024 },
    );
    expect(report.files.map((file) => file.error)).toEqual([
      'Not scanned: the file is 2.1 KiB, over the 1.0 KiB limit of the accessibility scan.',
      'Not scanned: the file could not be read (CRC mismatch).',
    ]);
  });

  it('scans with a worker started ahead of the pages, and leaves it open for its owner', async () => {
    // Prepare
    const worker = startScanWorker();
    const start = vi.spyOn(PageWorker, 'start');
    try {
      // Act: two scans, one after the other, on the same worker
      const first = await scanHtmlFiles([{ path: 'a.html', html: page('<img src="a.png">') }], { worker });
      const second = await scanHtmlFiles([{ path: 'b.html', html: page('<p>fine</p>') }], { worker });

      // Assess: no other worker was started, and the first scan did not close it
      expect(first.files[0]?.violations.map((violation) => violation.ruleId)).toEqual(['image-alt']);
      expect(second.files[0]).toMatchObject({ path: 'b.html', violations: [] });
      expect(second.files[0]?.error).toBeUndefined();
      expect(start).not.toHaveBeenCalled();
      expect((await worker.ready).alive).toBe(true);
    } finally {
      start.mockRestore();
      await worker.close();
    }
  });

  it('stops at once when its owner aborts and closes the worker: no page is read or scanned after', async () => {
    // Prepare: a page that takes axe many seconds, then two that would be read after it
    const worker = startScanWorker();
    const stop = new AbortController();
    const read: string[] = [];
    const files: HtmlFile[] = ['slow', 'b', 'c'].map((name) => ({
      path: `${name}.html`,
      size: 200,
      html: async () => {
        read.push(name);
        return name === 'slow'
          ? page('<div><p>Text <a href="#top">link</a></p><img src="a.png"></div>'.repeat(3000))
          : page('<p>fine</p>');
      },
    }));
    const scan = scanHtmlFiles(files, { worker, signal: stop.signal, concurrency: 1 });
    await vi.waitFor(() => expect(read).toEqual(['slow']));
    await worker.ready;
    await new Promise((resolve) => setTimeout(resolve, 100)); // the slow page is being scanned
    const started = Date.now();

    // Act
    stop.abort();
    await worker.close();
    const report = await scan;

    // Assess
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(read).toEqual(['slow']);
    expect(report.files.map((file) => file.error)).toEqual([
      'Not scanned: the scan worker was closed.',
      'Not scanned.',
      'Not scanned.',
    ]);
  });

  it('fails the scan that uses a worker started ahead which cannot start', async () => {
    const worker = startScanWorker({ maxWorkerHeapMb: 8 });
    await expect(scanHtmlFiles([{ path: 'a.html', html: page('') }], { worker })).rejects.toBeInstanceOf(
      EngineStartError,
    );
    await worker.close();
  });

  it('returns an empty, non-blocking report for no files', async () => {
    // Prepare
    const files: HtmlFile[] = [];

    // Act
    const report = await scanHtmlFiles(files, { now: () => SCANNED_AT });

    // Assess
    expect(report).toMatchObject({
      files: [],
      blocking: false,
      scannedAt: '2030-01-02T03:04:05.000Z',
      summary: { critical: 0, serious: 0, moderate: 0, minor: 0, filesScanned: 0, filesWithViolations: 0 },
    });
  });
});

describe('reportForFiles', () => {
  const violation = (ruleId: string, impact: 'critical' | 'serious' | 'moderate' | 'minor') => ({
    ruleId,
    impact,
    description: ruleId,
    help: ruleId,
    helpUrl: `https://example.invalid/${ruleId}`,
    wcag: [],
    count: 1,
    nodes: [],
  });
  const report: AccessibilityReport = {
    engine: 'axe-core 4.14.1 in jsdom 27.3.0',
    standard: 'WCAG 2.1 A/AA',
    scannedAt: '2030-01-02T03:04:05.000Z',
    files: [
      { path: 'sco1/index.html', violations: [violation('image-alt', 'critical')], incomplete: 0, passes: 9 },
      {
        path: 'sco1/page 2.html',
        violations: [violation('html-xml-lang-mismatch', 'moderate')],
        incomplete: 1,
        passes: 9,
      },
      { path: 'sco2/index.html', violations: [], incomplete: 0, passes: 9 },
      { path: 'sco2/huge.html', violations: [], incomplete: 0, passes: 0, error: 'Not scanned: too big.' },
      { path: 'shared/menu.html', violations: [violation('link-name', 'serious')], incomplete: 0, passes: 9 },
    ],
    summary: {
      critical: 1,
      serious: 1,
      moderate: 1,
      minor: 0,
      filesScanned: 4,
      filesWithViolations: 3,
      filesWithErrors: 1,
    },
    blocking: true,
    notChecked: [{ ruleId: 'color-contrast', reason: 'needs a browser' }],
  };

  it('restricts the report to the SCO files and recomputes the summary and the gate', () => {
    // Prepare
    const sco2 = ['sco2/index.html', 'sco2/huge.html', 'sco2/video.mp4'];

    // Act
    const restricted = reportForFiles(report, sco2);

    // Assess
    expect(restricted.files.map((file) => file.path)).toEqual(['sco2/index.html', 'sco2/huge.html']);
    expect(restricted.summary).toEqual({
      critical: 0,
      serious: 0,
      moderate: 0,
      minor: 0,
      filesScanned: 1,
      filesWithViolations: 0,
      filesWithErrors: 1,
    });
    expect(restricted.blocking).toBe(false);
    expect(restricted).toMatchObject({
      engine: report.engine,
      standard: report.standard,
      scannedAt: report.scannedAt,
    });
    expect(restricted.notChecked).toEqual(report.notChecked);
  });

  it('matches manifest hrefs written with ./, a leading slash, backslashes or percent-encoding', () => {
    // Prepare
    const sco1 = ['./sco1/index.html', '/sco1/page%202.html', 'sco1\\missing.html'];

    // Act
    const restricted = reportForFiles(report, sco1);

    // Assess
    expect(restricted.files.map((file) => file.path)).toEqual(['sco1/index.html', 'sco1/page 2.html']);
    expect(restricted.summary).toMatchObject({
      critical: 1,
      serious: 0,
      moderate: 1,
      filesWithViolations: 2,
    });
    expect(restricted.blocking).toBe(true);
    expect(report.files).toHaveLength(5);
  });

  it('blocks on a serious violation alone and not on moderate ones', () => {
    // Prepare
    const menuOnly = ['shared/menu.html'];
    const page2Only = ['sco1/page 2.html'];

    // Act
    const menu = reportForFiles(report, menuOnly);
    const page2 = reportForFiles(report, page2Only);

    // Assess
    expect(menu.blocking).toBe(true);
    expect(page2.blocking).toBe(false);
  });
});

describe('wcagOf', () => {
  it('keeps the WCAG tags and adds each success criterion in human form', () => {
    // Prepare
    const tags = [
      'cat.sensory-and-visual-cues',
      'wcag21aa',
      'wcag1412',
      'wcag2a-obsolete',
      'wcag411',
      'EN-9.1.4.12',
    ];

    // Act
    const wcag = wcagOf(tags);

    // Assess
    expect(wcag).toEqual(['wcag21aa', 'wcag1412', 'wcag2a-obsolete', 'wcag411', '1.4.12', '4.1.1']);
  });
});
