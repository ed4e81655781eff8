/**
 * The cmi5 AU driver of the e2e tests (test/support/cmi5-driver.ts) in Chromium, on an AU page of the content
 * origin. The LMS's LRS is not here yet: a recorder of this file answers as an LRS would (the fetch URL, the
 * LMS.LaunchData state, statements), so that what the driver sends can be checked: the auth token it fetched,
 * and the statements of its session, in order.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { s3Client } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { describeWithBrowser, launchBrowser } from '../support/browser.ts';
import { completeAndPass } from '../support/cmi5-driver.ts';
import { contentUrl } from '../support/http.ts';

const AUTH_TOKEN = 'YXU6c2VjcmV0';
const SESSION_ID = randomUUID();

interface LrsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the statements the AU sent
  body: any;
}

/** Answers an AU as an LMS's LRS would, recording each request. */
class LrsRecorder {
  readonly requests: LrsRequest[] = [];
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
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private answer(request: IncomingMessage, text: string, response: ServerResponse): void {
    response.setHeader('access-control-allow-origin', request.headers.origin ?? '*');
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'access-control-allow-methods': 'GET, PUT, POST',
        'access-control-allow-headers': 'authorization, content-type, x-experience-api-version',
      });
      response.end();
      return;
    }
    const url = new URL(request.url ?? '/', this.url);
    this.requests.push({
      method: request.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      authorization: request.headers.authorization,
      body: text ? JSON.parse(text) : undefined,
    });
    const { status, body } = this.reply(request, url);
    response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  }

  private reply(request: IncomingMessage, url: URL): { status: number; body?: unknown } {
    if (url.pathname === '/fetch' && request.method === 'POST')
      return { status: 200, body: { 'auth-token': AUTH_TOKEN } };
    if (request.headers.authorization !== `Basic ${AUTH_TOKEN}`) return { status: 401 };
    if (url.pathname === '/lrs/activities/state' && url.searchParams.get('stateId') === 'LMS.LaunchData') {
      const contextTemplate = {
        extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': SESSION_ID },
      };
      return {
        status: 200,
        body: { contextTemplate, launchMode: 'Normal', moveOn: 'CompletedAndPassed', masteryScore: 0.7 },
      };
    }
    if (url.pathname === '/lrs/statements' && (request.method === 'POST' || request.method === 'PUT'))
      return { status: 200, body: [randomUUID()] };
    // The learner preferences (agents/profile) and anything else: not there
    return { status: 404 };
  }
}

const AU_PAGE =
  '<!doctype html><html lang="en"><head><title>AU</title></head><body><h1>AU</h1></body></html>';

describeWithBrowser('the cmi5 AU driver of the e2e tests, in Chromium', () => {
  let browser: Browser;
  const lrs = new LrsRecorder();
  const courseId = randomUUID();

  beforeAll(async () => {
    await s3Client().send(
      new PutObjectCommand({
        Bucket: requireSetting('contentBucket'),
        Key: `courses/${courseId}/v1/au/index.html`,
        Body: AU_PAGE,
        ContentType: 'text/html',
      }),
    );
    await lrs.start();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await lrs.stop();
  });

  it('runs an AU session from the launch parameters of its URL: initialized, completed, passed (score), terminated', async () => {
    // Prepare
    const registration = randomUUID();
    const actor = {
      objectType: 'Agent',
      account: { homePage: 'https://lms.example.com', name: 'learner-1' },
    };
    const activityId = 'https://example.com/courses/fire-safety/au/1';
    const launch = new URLSearchParams({
      endpoint: `${lrs.url}/lrs/`,
      fetch: `${lrs.url}/fetch`,
      actor: JSON.stringify(actor),
      registration,
      activityId,
    });
    const page = await browser.newPage();
    await page.goto(`${contentUrl()}/${courseId}/v1/au/index.html?${launch}`);

    // Act
    const launchData = await completeAndPass(page, 0.8);

    // Assess: the token fetched once, then everything with it
    expect(launchData).toEqual({ launchMode: 'Normal', moveOn: 'CompletedAndPassed', masteryScore: 0.7 });
    expect(lrs.requests.filter((r) => r.path === '/fetch')).toHaveLength(1);
    const lrsRequests = lrs.requests.filter((r) => r.path !== '/fetch');
    expect(lrsRequests.every((r) => r.authorization === `Basic ${AUTH_TOKEN}`)).toBe(true);
    const state = lrsRequests.find((r) => r.path === '/lrs/activities/state');
    expect(state?.query.get('activityId')).toBe(activityId);
    expect(state?.query.get('registration')).toBe(registration);
    // The statements, in order, each of this registration and session, about this AU
    const statements = lrsRequests.filter((r) => r.path === '/lrs/statements').map((r) => r.body);
    expect(statements.map((s) => s.verb.id)).toEqual([
      'http://adlnet.gov/expapi/verbs/initialized',
      'http://adlnet.gov/expapi/verbs/completed',
      'http://adlnet.gov/expapi/verbs/passed',
      'http://adlnet.gov/expapi/verbs/terminated',
    ]);
    for (const statement of statements) {
      expect(statement.actor).toMatchObject(actor);
      expect(statement.object.id).toBe(activityId);
      expect(statement.context.registration).toBe(registration);
      expect(statement.context.extensions['https://w3id.org/xapi/cmi5/context/extensions/sessionid']).toBe(
        SESSION_ID,
      );
    }
    expect(statements[2].result).toMatchObject({ success: true, score: { scaled: 0.8 } });
    expect(statements[1].result).toMatchObject({ completion: true });
    await page.close();
  });

  it('says what is missing when the AU page was opened without the launch parameters', async () => {
    // Prepare
    const page = await browser.newPage();
    await page.goto(`${contentUrl()}/${courseId}/v1/au/index.html`);
    const before = lrs.requests.length;

    // Act
    const session = completeAndPass(page, 0.8);

    // Assess
    await expect(session).rejects.toThrow(
      "the AU page's URL has no cmi5 launch parameters (endpoint, fetch, actor, registration, activityId)",
    );
    expect(lrs.requests.length).toBe(before);
    await page.close();
  });
});
