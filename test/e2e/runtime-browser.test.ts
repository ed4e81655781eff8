/**
 * Real packages from ../shared/corpus played in a real browser (the system's Chromium, through
 * playwright-core): the learner launches through the API, the browser opens the launch URL, the player gives
 * the SCO the SCORM API (or sends the cmi5 AU on with its launch parameters), and the test drives the content
 * through that API (or, for cmi5, with npm @xapi/cmi5 as an AU does) to completion. The enrollment becomes
 * completed with the score, and the course's load time is recorded. Skips, saying why, without Chromium or
 * the corpus.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from '../support/browser.ts';
import { completeAndPass } from '../support/cmi5-driver.ts';
import { api, tokenFor, userIdByEmail } from '../support/http.ts';
import { enroll, publishedCourseOf } from '../support/runtime.ts';
import { zipDirectory } from '../support/zip.ts';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');
const hasCorpus = existsSync(join(CORPUS, 'INDEX.md'));
if (!hasCorpus)
  console.warn(
    `Skipping the corpus runtime tests: ${CORPUS} is absent (it sits beside the project in the team kit).`,
  );
const describeCorpus = (name: string, tests: () => void) =>
  hasCorpus ? describeWithBrowser(name, tests) : describe.skip(name, tests);

let browser: Browser;
let admin = '';
let learner = '';
let learnerId = '';

async function setUp() {
  browser = await launchBrowser();
  [admin, learner] = await Promise.all([tokenFor('admin@example.com'), tokenFor('learner@example.com')]);
  learnerId = await userIdByEmail('learner@example.com');
}

/** Launches the course as the learner and opens the player where the launch URL says. */
async function play(courseId: string): Promise<{ page: Page; attemptId: string }> {
  const launched = await api('POST', `/courses/${courseId}/launch`, { token: learner, body: {} });
  expect(launched.status, launched.text).toBe(201);
  const page = await browser.newPage();
  await page.goto(launched.json.launchUrl);
  return { page, attemptId: launched.json.attempt.id };
}

/** The frame the player put the SCO in, once its page has loaded. */
async function scoFrame(page: Page, path: string): Promise<Frame> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const frame = page
      .frames()
      .find((candidate) => new URL(candidate.url(), 'http://x').pathname.endsWith(path));
    if (frame) {
      await frame.waitForLoadState('load');
      return frame;
    }
    if (Date.now() > deadline)
      throw new Error(
        `no frame at ${path}: ${page
          .frames()
          .map((f) => f.url())
          .join(', ')}`,
      );
    await page.waitForTimeout(100);
  }
}

/** The enrollment once its status is `status` (the player's last commit may still be on its way). */
async function enrollmentWhen(courseId: string, status: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const enrollment = await api('GET', `/courses/${courseId}/enrollments/${learnerId}`, { token: admin });
    if (enrollment.json.status === status) return enrollment.json;
    if (Date.now() > deadline) throw new Error(`enrollment still ${enrollment.text}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function loadTimes(courseId: string) {
  const performance = await api('GET', `/courses/${courseId}/performance`, { token: admin });
  expect(performance.status, performance.text).toBe(200);
  return performance.json;
}

describeCorpus('corpus packages played in Chromium', () => {
  beforeAll(setUp);
  afterAll(async () => {
    await browser?.close();
  });

  it('SCORM 1.2 (RuntimeBasicCalls): the SCO initialises in the player, is driven through window.API to passed, and the enrollment is completed with the score', async () => {
    // Prepare
    const zip = await zipDirectory(join(CORPUS, 'scorm', 'scorm12', 'RuntimeBasicCalls_SCORM12'));
    const courseId = await publishedCourseOf(admin, zip);
    await enroll(admin, courseId, [learnerId]);

    // Act
    const { page } = await play(courseId);
    const sco = await scoFrame(page, '/shared/launchpage.html');
    const answers = await sco.evaluate(() => {
      const api = (window.parent as unknown as { API: Record<string, (...args: string[]) => string> }).API;
      return [
        api.LMSSetValue?.('cmi.core.score.raw', '88'),
        api.LMSSetValue?.('cmi.core.lesson_status', 'passed'),
        api.LMSSetValue?.('cmi.core.session_time', '00:02:10'),
        api.LMSCommit?.(''),
        api.LMSFinish?.(''),
      ];
    });

    // Assess
    expect(answers).toEqual(['true', 'true', 'true', 'true', 'true']);
    const enrollment = await enrollmentWhen(courseId, 'completed');
    expect(enrollment).toMatchObject({ status: 'completed', score: 88, contentVersion: 1 });
    expect(enrollment.timeSpentSeconds).toBeGreaterThanOrEqual(130);
    const performance = await loadTimes(courseId);
    expect(performance.overall).toMatchObject({ launches: 1, neverInitialized: 0 });
    expect(performance.overall.p50Ms).toBeGreaterThan(0);
    expect(performance.overall.pageLoadP50Ms).not.toBeNull();
    await page.close();
  });

  it('SCORM 2004 3rd edition (RuntimeBasicCalls zip): driven through window.API_1484_11 to completed and passed with score.scaled', async () => {
    // Prepare
    const zip = readFileSync(join(CORPUS, 'scorm', 'zips', 'RuntimeBasicCalls_SCORM20043rdEdition.zip'));
    const courseId = await publishedCourseOf(admin, zip);
    await enroll(admin, courseId, [learnerId]);

    // Act
    const { page } = await play(courseId);
    const sco = await scoFrame(page, '/shared/launchpage.html');
    const answers = await sco.evaluate(() => {
      const api = (window.parent as unknown as { API_1484_11: Record<string, (...args: string[]) => string> })
        .API_1484_11;
      return [
        api.SetValue?.('cmi.score.scaled', '0.75'),
        api.SetValue?.('cmi.completion_status', 'completed'),
        api.SetValue?.('cmi.success_status', 'passed'),
        api.SetValue?.('cmi.session_time', 'PT3M'),
        api.Commit?.(''),
        api.Terminate?.(''),
      ];
    });

    // Assess
    expect(answers).toEqual(['true', 'true', 'true', 'true', 'true', 'true']);
    const enrollment = await enrollmentWhen(courseId, 'completed');
    expect(enrollment).toMatchObject({ status: 'completed', score: 75 });
    expect(enrollment.timeSpentSeconds).toBeGreaterThanOrEqual(180);
    expect((await loadTimes(courseId)).overall).toMatchObject({ launches: 1, neverInitialized: 0 });
    await page.close();
  });

  it('cmi5 (single_au_basic_responsive): the player sends the AU on with its launch parameters, @xapi/cmi5 runs its session, and the enrollment is completed with the score', async () => {
    // Prepare
    const zip = await zipDirectory(join(CORPUS, 'cmi5', 'single_au_basic_responsive'));
    const courseId = await publishedCourseOf(admin, zip);
    await enroll(admin, courseId, [learnerId]);

    // Act
    const { page } = await play(courseId);
    await page.waitForURL((url) => url.pathname.endsWith('/index.html') && url.searchParams.has('fetch'));
    const launchData = await completeAndPass(page, 0.8);

    // Assess
    expect(launchData).toMatchObject({ launchMode: 'Normal', moveOn: 'CompletedOrPassed' });
    const enrollment = await enrollmentWhen(courseId, 'completed');
    expect(enrollment).toMatchObject({ status: 'completed', score: 80 });
    expect((await loadTimes(courseId)).overall).toMatchObject({ launches: 1, neverInitialized: 0 });
    await page.close();
  });
});
