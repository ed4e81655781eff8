/**
 * The player page in a real browser (Chromium): served by the local content server, talking to a runtime API
 * on another origin, with SCOs written here and stored in the content bucket as a package's files are. The
 * runtime API is a small server of this file that answers as the contract (shared/domain/attempt.ts) says
 * and records every request, so each test can say exactly what the player sent.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { describeWithBrowser, launchBrowser } from '../support/browser.ts';
import { contentUrl } from '../support/http.ts';

/** A SCORM 1.2 SCO: finds the API as SCOs do (up the frames), initialises, shows where it resumes. */
const SCO_12 = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lesson (SCORM 1.2)</title></head>
<body><h1>Lesson</h1><p id="entry"></p>
<script>
  function findAPI(win) {
    for (var depth = 0; win && depth < 10; depth++) {
      if (win.API) return win.API;
      if (win.parent === win) return null;
      win = win.parent;
    }
    return null;
  }
  window.lms = findAPI(window);
  window.started = window.lms ? window.lms.LMSInitialize('') : 'no API';
  document.getElementById('entry').textContent = window.lms ? window.lms.LMSGetValue('cmi.core.entry') : '';
</script></body></html>`;

/** A SCORM 2004 SCO: the same with API_1484_11, and Terminate from its unload handler as many SCOs do. */
const SCO_2004 = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lesson (SCORM 2004)</title></head>
<body><h1>Lesson</h1>
<script>
  function findAPI(win) {
    for (var depth = 0; win && depth < 10; depth++) {
      if (win.API_1484_11) return win.API_1484_11;
      if (win.parent === win) return null;
      win = win.parent;
    }
    return null;
  }
  window.lms = findAPI(window);
  window.started = window.lms ? window.lms.Initialize('') : 'no API';
  window.addEventListener('unload', function () {
    if (window.finishOnUnload) window.lms.Terminate('');
  });
</script></body></html>`;

const AU_PAGE =
  '<!doctype html><html lang="en"><head><title>AU</title></head><body><h1>AU</h1></body></html>';

interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the bodies the player sent
  body: any;
}

/** One attempt as the runtime API knows it. */
interface FakeAttempt {
  token: string;
  standard: 'scorm12' | 'scorm2004' | 'cmi5' | 'xapi';
  seq: number;
  cmi: Record<string, string>;
  contentUrl: string;
  /** What the next PUT gets instead of being applied. */
  nextCommit?:
    | { refuse: { status: number; scormError: { code: number; element: string; message: string } } }
    | 'drop';
}

/** The runtime API of the contract, on an origin of its own, recording what it receives. */
class FakeRuntimeApi {
  readonly attempts = new Map<string, FakeAttempt>();
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let text = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        text += chunk;
      });
      request.on('end', () => this.answer(request, text, response));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/prod`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  requestsOf(attemptId: string, method?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.path.startsWith(`/prod/attempts/${attemptId}/`) && (!method || r.method === method),
    );
  }

  private answer(request: IncomingMessage, text: string, response: ServerResponse): void {
    // CORS, as API Gateway answers the player's origin
    response.setHeader('access-control-allow-origin', request.headers.origin ?? '*');
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'access-control-allow-methods': 'GET, PUT, POST',
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-max-age': '600',
      });
      response.end();
      return;
    }
    this.requests.push({
      method: request.method ?? '',
      path: request.url ?? '',
      authorization: request.headers.authorization,
      body: text ? JSON.parse(text) : undefined,
    });
    const reply = this.reply(request, text);
    if (reply === 'drop') {
      response.socket?.destroy();
      return;
    }
    const { status, body } = reply;
    const type = status >= 400 ? 'application/problem+json' : 'application/json';
    response.writeHead(status, body === undefined ? {} : { 'content-type': type });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  }

  private reply(request: IncomingMessage, text: string): { status: number; body?: unknown } | 'drop' {
    const [, attemptId = '', resource] =
      /^\/prod\/attempts\/([^/]+)\/(cmi|events)$/.exec(request.url ?? '') ?? [];
    const attempt = this.attempts.get(attemptId);
    if (!attempt || request.headers.authorization !== `Bearer ${attempt.token}`)
      return { status: 401, body: { title: 'Unauthorized', status: 401, detail: 'Bad launch token' } };
    if (resource === 'events' && request.method === 'POST') return { status: 204 };
    if (resource !== 'cmi') return { status: 404, body: { title: 'Not Found', status: 404 } };
    if (request.method === 'GET') {
      const { standard, seq, cmi, contentUrl } = attempt;
      return { status: 200, body: { attemptId, standard, status: 'launched', seq, cmi, contentUrl } };
    }
    const commit = JSON.parse(text);
    const next = attempt.nextCommit;
    attempt.nextCommit = undefined;
    if (next && next !== 'drop') {
      const { status, scormError } = next.refuse;
      return { status, body: { title: 'Refused', status, scormError } };
    }
    const replayed = commit.seq === attempt.seq;
    if (!replayed && commit.seq !== attempt.seq + 1) {
      const scormError = { code: 391, element: '', message: 'stale sequence number' };
      return { status: 409, body: { title: 'Conflict', status: 409, scormError } };
    }
    attempt.seq = commit.seq;
    // Applied, and the answer lost on the way: the player cannot tell, and sends it again.
    if (next === 'drop') return 'drop';
    return {
      status: 200,
      body: { result: 'true', errorCode: 0, seq: attempt.seq, status: 'running', replayed },
    };
  }
}

let browser: Browser;
const runtime = new FakeRuntimeApi();
/** The course whose package holds this file's SCOs and AU. */
const courseId = randomUUID();

/** A new attempt at the fake runtime API, and the launch URL the LMS would give for it. */
function launch(attempt: Partial<FakeAttempt> = {}): { attemptId: string; url: string; token: string } {
  const attemptId = randomUUID();
  const token = `launch-${randomUUID()}`;
  runtime.attempts.set(attemptId, {
    token,
    standard: 'scorm12',
    seq: 0,
    cmi: {
      'cmi.core.student_id': 'learner-1',
      'cmi.core.entry': 'ab-initio',
      'cmi.core.lesson_mode': 'normal',
    },
    contentUrl: `${contentUrl()}/${courseId}/v1/sco12.html`,
    ...attempt,
  });
  const fragment = `attempt=${attemptId}&token=${token}&api=${encodeURIComponent(runtime.url)}`;
  return { attemptId, token, url: `${contentUrl()}/_player/index.html#${fragment}` };
}

/** Opens the player at `url` and waits for the SCO in its frame to have run its start. */
async function play(url: string): Promise<{ page: Page; sco: Frame }> {
  const page = await browser.newPage();
  await page.goto(url);
  const frame = await (await page.waitForSelector('#content:not([hidden])')).contentFrame();
  if (!frame) throw new Error('the player has no content frame');
  await frame.waitForFunction(() => 'started' in window);
  return { page, sco: frame };
}

/** A SCORM call made by the SCO in the frame, as it would make it. */
function call(sco: Frame, name: string, ...args: string[]): Promise<string> {
  return sco.evaluate(
    ([name, args]) => {
      const lms = (window as unknown as { lms: Record<string, (...a: string[]) => string> }).lms;
      return (lms[name] as (...a: string[]) => string)(...args);
    },
    [name, args] as const,
  );
}

/** Waits until the player has sent `count` requests of `method` for the attempt. */
async function sent(attemptId: string, method: string, count: number): Promise<RecordedRequest[]> {
  await expect.poll(() => runtime.requestsOf(attemptId, method).length, { timeout: 10_000 }).toBe(count);
  return runtime.requestsOf(attemptId, method);
}

describe('the player on the local content origin', () => {
  it('serves the player beside the content, never cached without revalidation; nothing else under /_player', async () => {
    // Act
    const page = await fetch(`${contentUrl()}/_player/index.html`);
    const script = await fetch(`${contentUrl()}/_player/player.js`);
    const other = await fetch(`${contentUrl()}/_player/other.js`);

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('role="status"');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await script.text()).length).toBeGreaterThan(100_000);
    expect(other.status).toBe(404);
  });
});

describeWithBrowser('the player (scorm-again) on the content origin, in Chromium', () => {
  beforeAll(async () => {
    const bucket = requireSetting('contentBucket');
    for (const [name, body] of [
      ['sco12.html', SCO_12],
      ['sco2004.html', SCO_2004],
      ['au.html', AU_PAGE],
    ]) {
      await s3Client().send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `courses/${courseId}/v1/${name}`,
          Body: body,
          ContentType: 'text/html',
        }),
      );
    }
    await runtime.start();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await runtime.stop();
  });

  it('SCORM 1.2: the SCO finds window.API, initialises (reported), commits (seq 1) and finishes (seq 2, terminate)', async () => {
    // Prepare
    const { attemptId, url, token } = launch();

    // Act
    const { page, sco } = await play(url);

    // Assess: initialised, and the token is gone from the address bar
    expect(await sco.evaluate(() => (window as unknown as { started: string }).started)).toBe('true');
    expect(await page.evaluate(() => location.href)).toBe(`${contentUrl()}/_player/index.html`);
    const [initialized] = await sent(attemptId, 'POST', 2).then((events) =>
      events.filter((e) => e.body.type === 'initialized'),
    );
    expect(initialized?.authorization).toBe(`Bearer ${token}`);
    const pageLoaded = runtime.requestsOf(attemptId, 'POST').find((e) => e.body.type === 'page-loaded');
    expect(pageLoaded?.body).toEqual({ type: 'page-loaded', durationMs: expect.any(Number) });
    expect(Number.isInteger(pageLoaded?.body.durationMs)).toBe(true);

    // Act: a commit
    expect(await call(sco, 'LMSSetValue', 'cmi.core.lesson_status', 'completed')).toBe('true');
    expect(await call(sco, 'LMSSetValue', 'cmi.core.score.raw', '80')).toBe('true');
    expect(await call(sco, 'LMSCommit', '')).toBe('true');

    // Assess
    const [commit] = await sent(attemptId, 'PUT', 1);
    expect(commit?.authorization).toBe(`Bearer ${token}`);
    expect(commit?.body).toMatchObject({
      seq: 1,
      terminate: false,
      values: {
        'cmi.core.lesson_status': 'completed',
        'cmi.core.score.raw': '80',
        'cmi.core.student_id': 'learner-1',
      },
    });
    // Text only: no empty collections, and the total time is the LMS's to add up
    expect(Object.values(commit?.body.values).every((value) => typeof value === 'string')).toBe(true);
    expect(commit?.body.values).not.toHaveProperty('cmi.core.total_time');
    await expect.poll(() => page.textContent('[role=status]')).toBe('Saved');

    // Act: the end
    expect(await call(sco, 'LMSSetValue', 'cmi.core.exit', '')).toBe('true');
    expect(await call(sco, 'LMSFinish', '')).toBe('true');

    // Assess
    const finish = (await sent(attemptId, 'PUT', 2))[1];
    expect(finish?.body).toMatchObject({ seq: 2, terminate: true, values: { 'cmi.core.score.raw': '80' } });
    await page.close();
  });

  it('SCORM 1.2: a commit the LMS refuses makes LMSCommit "false" with its error code; the next one reuses the number', async () => {
    // Prepare
    const { attemptId, url } = launch();
    const { page, sco } = await play(url);
    await call(sco, 'LMSSetValue', 'cmi.core.lesson_location', 'page-2');
    const attempt = runtime.attempts.get(attemptId) as FakeAttempt;
    attempt.nextCommit = {
      refuse: {
        status: 400,
        scormError: { code: 405, element: 'cmi.core.lesson_location', message: 'Incorrect data type' },
      },
    };

    // Act
    const refused = await call(sco, 'LMSCommit', '');
    const error = await call(sco, 'LMSGetLastError');

    // Assess
    expect(refused).toBe('false');
    expect(error).toBe('405');
    await expect.poll(() => page.textContent('[role=status]')).toBe('Could not save: Incorrect data type');
    // The LMS has the refusal on record: no sco-error event for it
    expect(runtime.requestsOf(attemptId, 'POST').map((e) => e.body.type)).not.toContain('sco-error');

    // Act: the SCO commits again, and this time the LMS applies it
    expect(await call(sco, 'LMSCommit', '')).toBe('true');

    // Assess
    expect((await sent(attemptId, 'PUT', 2)).map((r) => r.body.seq)).toEqual([1, 1]);
    expect(await call(sco, 'LMSGetLastError')).toBe('0');
    await page.close();
  });

  it('SCORM 1.2: a commit whose answer was lost is sent again with the same sequence number and values', async () => {
    // Prepare
    const { attemptId, url } = launch();
    const { page, sco } = await play(url);
    await call(sco, 'LMSSetValue', 'cmi.suspend_data', 'q1=a;q2=c');
    (runtime.attempts.get(attemptId) as FakeAttempt).nextCommit = 'drop';

    // Act
    const committed = await call(sco, 'LMSCommit', '');

    // Assess: applied once, acknowledged the second time, as a replay
    expect(committed).toBe('true');
    const [first, retry] = await sent(attemptId, 'PUT', 2);
    expect(first?.body.seq).toBe(1);
    expect(retry?.body).toEqual(first?.body);
    expect(first?.body.values['cmi.suspend_data']).toBe('q1=a;q2=c');

    // Act: the next commit moves on
    await call(sco, 'LMSCommit', '');

    // Assess
    expect((await sent(attemptId, 'PUT', 3))[2]?.body.seq).toBe(2);
    await page.close();
  });

  it('SCORM 1.2: a resumed attempt starts from the state the LMS sent (entry, suspend data, location)', async () => {
    // Prepare
    const { url } = launch({
      seq: 7,
      cmi: {
        'cmi.core.student_id': 'learner-1',
        'cmi.core.student_name': 'Lovelace, Ada',
        'cmi.core.entry': 'resume',
        'cmi.core.lesson_location': 'page-4',
        'cmi.core.lesson_status': 'incomplete',
        'cmi.suspend_data': 'q1=a;q2=c',
      },
    });

    // Act
    const { page, sco } = await play(url);

    // Assess
    expect(await sco.textContent('#entry')).toBe('resume');
    expect(await call(sco, 'LMSGetValue', 'cmi.suspend_data')).toBe('q1=a;q2=c');
    expect(await call(sco, 'LMSGetValue', 'cmi.core.lesson_location')).toBe('page-4');
    expect(await call(sco, 'LMSGetValue', 'cmi.core.student_name')).toBe('Lovelace, Ada');
    expect(await call(sco, 'LMSGetValue', 'cmi.core.lesson_status')).toBe('incomplete');
    await page.close();
  });

  it("SCORM 1.2: the SCO's failed calls are reported as sco-error events, at most 20 per session", async () => {
    // Prepare
    const { attemptId, url } = launch();
    const { page, sco } = await play(url);

    // Act: a read-only element, then an unknown one 25 times
    expect(await call(sco, 'LMSSetValue', 'cmi.core.student_id', 'someone-else')).toBe('false');
    expect(await call(sco, 'LMSGetLastError')).toBe('403');
    for (let i = 0; i < 25; i++) await call(sco, 'LMSGetValue', 'cmi.core.nothing');

    // Assess
    await sent(attemptId, 'POST', 22);
    // and no more come
    await new Promise((resolve) => setTimeout(resolve, 500));
    const errors = runtime.requestsOf(attemptId, 'POST').filter((e) => e.body.type === 'sco-error');
    expect(errors).toHaveLength(20);
    expect(errors[0]?.body).toEqual({
      type: 'sco-error',
      code: 403,
      message: expect.stringContaining('LMSSetValue("cmi.core.student_id")'),
    });
    expect(errors[1]?.body).toMatchObject({
      code: 401,
      message: expect.stringContaining('cmi.core.nothing'),
    });
    await page.close();
  });

  it('SCORM 1.2: unsaved changes are committed by scorm-again after 60 seconds, not before', async () => {
    // Prepare: the page's clock is the test's
    const { attemptId, url } = launch();
    const page = await browser.newPage();
    await page.clock.install();
    await page.goto(url);
    const sco = await (await page.waitForSelector('#content:not([hidden])')).contentFrame();
    if (!sco) throw new Error('no content frame');
    await sco.waitForFunction(() => 'started' in window);
    await call(sco, 'LMSSetValue', 'cmi.core.lesson_location', 'page-9');

    // Act
    await page.clock.runFor(59_000);
    const before = runtime.requestsOf(attemptId, 'PUT').length;
    await page.clock.runFor(2_000);

    // Assess
    expect(before).toBe(0);
    const [autocommit] = await sent(attemptId, 'PUT', 1);
    expect(autocommit?.body).toMatchObject({
      seq: 1,
      terminate: false,
      values: { 'cmi.core.lesson_location': 'page-9' },
    });
    await page.close();
  });

  it('SCORM 1.2: leaving the page with unsaved changes sends them in a keepalive commit', async () => {
    // Prepare
    const { attemptId, url } = launch();
    const { page, sco } = await play(url);
    await call(sco, 'LMSSetValue', 'cmi.core.lesson_location', 'page-5');

    // Act
    await page.goto('about:blank');

    // Assess
    const [exit] = await sent(attemptId, 'PUT', 1);
    expect(exit?.body).toMatchObject({
      seq: 1,
      terminate: false,
      values: { 'cmi.core.lesson_location': 'page-5' },
    });
    await page.close();
  });

  it('SCORM 2004: the SCO finds window.API_1484_11, reads the resumed state, commits and terminates', async () => {
    // Prepare
    const { attemptId, url } = launch({
      standard: 'scorm2004',
      seq: 3,
      cmi: {
        'cmi.learner_id': 'learner-1',
        'cmi.entry': 'resume',
        'cmi.location': 'slide-7',
        'cmi.suspend_data': '{"answers":[1,3]}',
      },
      contentUrl: `${contentUrl()}/${courseId}/v1/sco2004.html`,
    });
    const { page, sco } = await play(url);

    // Act
    const entry = await call(sco, 'GetValue', 'cmi.entry');
    const suspendData = await call(sco, 'GetValue', 'cmi.suspend_data');
    await call(sco, 'SetValue', 'cmi.completion_status', 'completed');
    await call(sco, 'SetValue', 'cmi.success_status', 'passed');
    await call(sco, 'SetValue', 'cmi.score.scaled', '0.9');
    const committed = await call(sco, 'Commit', '');
    const terminated = await call(sco, 'Terminate', '');

    // Assess
    expect(await sco.evaluate(() => (window as unknown as { started: string }).started)).toBe('true');
    expect([entry, suspendData, committed, terminated]).toEqual([
      'resume',
      '{"answers":[1,3]}',
      'true',
      'true',
    ]);
    const [commit, terminate] = await sent(attemptId, 'PUT', 2);
    expect(commit?.body).toMatchObject({
      seq: 4,
      terminate: false,
      values: {
        'cmi.completion_status': 'completed',
        'cmi.success_status': 'passed',
        'cmi.score.scaled': '0.9',
      },
    });
    expect(terminate?.body).toMatchObject({ seq: 5, terminate: true });
    expect(terminate?.body.values).not.toHaveProperty('cmi.total_time');
    expect(runtime.requestsOf(attemptId, 'POST').map((e) => e.body.type)).toContain('initialized');
    await page.close();
  });

  it('SCORM 2004: a refused commit leaves the 2004 code (406); leaving the page, the unsaved changes and the Terminate of the unload handler still reach the LMS', async () => {
    // Prepare
    const { attemptId, url } = launch({
      standard: 'scorm2004',
      cmi: { 'cmi.learner_id': 'learner-1', 'cmi.entry': 'ab-initio' },
      contentUrl: `${contentUrl()}/${courseId}/v1/sco2004.html`,
    });
    const { page, sco } = await play(url);
    await call(sco, 'SetValue', 'cmi.location', 'slide-2');
    (runtime.attempts.get(attemptId) as FakeAttempt).nextCommit = {
      refuse: { status: 400, scormError: { code: 406, element: 'cmi.location', message: 'Type mismatch' } },
    };

    // Act
    const refused = await call(sco, 'Commit', '');
    const error = await call(sco, 'GetLastError');
    await sco.evaluate(() => {
      (window as unknown as { finishOnUnload: boolean }).finishOnUnload = true;
    });
    await page.goto('about:blank');

    // Assess: the refused commit, the player's exit commit (pagehide), the SCO's Terminate (unload)
    expect([refused, error]).toEqual(['false', '406']);
    const puts = await sent(attemptId, 'PUT', 3);
    expect(puts.map((r) => [r.body.seq, r.body.terminate])).toEqual([
      [1, false],
      [1, false],
      [2, true],
    ]);
    expect(puts[2]?.body.values['cmi.location']).toBe('slide-2');
    await page.close();
  });

  it('cmi5: the browser goes on to the AU, whose URL carries its launch parameters', async () => {
    // Prepare
    const auUrl = `${contentUrl()}/${courseId}/v1/au.html?endpoint=${encodeURIComponent(`${runtime.url}/lrs`)}&fetch=${encodeURIComponent(`${runtime.url}/fetch/abc`)}&actor=%7B%7D&registration=${randomUUID()}&activityId=https%3A%2F%2Fexample.com%2Fau`;
    const { attemptId, url } = launch({ standard: 'cmi5', cmi: {}, contentUrl: auUrl });
    const page = await browser.newPage();

    // Act
    await page.goto(url);
    await page.waitForURL(auUrl);

    // Assess
    expect(await page.textContent('h1')).toBe('AU');
    expect(runtime.requestsOf(attemptId).map((r) => r.method)).toEqual(['GET']);
    // The player's page was replaced, not kept in the history with its token
    await page.goBack();
    expect(page.url()).toBe('about:blank');
    await page.close();
  });

  it('refuses to start, saying why: a launch link without its token, an expired token, a SCO on another origin', async () => {
    // Prepare
    const { attemptId, url } = launch();
    const { attemptId: expiredId, url: expiredUrl } = launch();
    (runtime.attempts.get(expiredId) as FakeAttempt).token = 'another-token';
    const { url: elsewhereUrl } = launch({ contentUrl: `${runtime.url}/sco12.html` });
    // A page each: the URLs differ in their fragment only, which a page would not load again for
    const [noToken, expired, elsewhere] = await Promise.all([1, 2, 3].map(() => browser.newPage()));

    // Act
    await noToken?.goto(url.replace(/&token=[^&]*/, ''));
    await expired?.goto(expiredUrl);
    await elsewhere?.goto(elsewhereUrl);

    // Assess
    await expect
      .poll(() => noToken?.textContent('[role=status]'))
      .toBe('Could not start: the launch link has no valid "token" (its launch token).');
    expect(await noToken?.evaluate(() => location.hash)).toBe('');
    expect(runtime.requestsOf(attemptId)).toEqual([]);
    await expect
      .poll(() => expired?.textContent('[role=status]'))
      .toBe('Could not start: the launch link has expired: launch the course again.');
    await expect
      .poll(() => elsewhere?.textContent('[role=status]'))
      .toBe('Could not start: the SCO is not on the player’s origin, so it could not reach the LMS.');
    expect(await elsewhere?.isHidden('#content')).toBe(true);
    await Promise.all([noToken, expired, elsewhere].map((page) => page?.close()));
  });
});
