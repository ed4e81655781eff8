import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetSettingsCache } from '../../shared/config.ts';

const event = {
  httpMethod: 'GET',
  path: '/health',
  headers: {},
  requestContext: { requestId: 'health-test' },
} as unknown as APIGatewayProxyEvent;
const context = {
  awsRequestId: 'health-test',
  functionName: 'get-health',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

async function freshHealthHandler() {
  resetSettingsCache();
  vi.resetModules();
  return (await import('../../functions/system/get-health.ts')).handler;
}

describe('GET /health against the emulators', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetSettingsCache();
  });

  it('answers 200 with every dependency up', async () => {
    const response = await (await freshHealthHandler())(event, context);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).dependencies.every((d: { status: string }) => d.status === 'up')).toBe(
      true,
    );
  });

  it('answers 503 naming the dependency that is down, and still reports the others', async () => {
    // Prepare: the function is bound to a bucket that does not exist, and a user pool that does not either
    vi.stubEnv('BACKUPS_BUCKET_NAME', 'lms-no-such-bucket');
    vi.stubEnv('USER_POOL_ID', 'us-east-1_missing');
    // Act
    const response = await (await freshHealthHandler())(event, context);
    // Assess
    expect(response.statusCode).toBe(503);
    const report = JSON.parse(response.body);
    expect(report.status).toBe('degraded');
    const status = Object.fromEntries(
      report.dependencies.map((d: { name: string; status: string }) => [d.name, d.status]),
    );
    expect(status).toEqual({
      table: 'up',
      'uploads-bucket': 'up',
      'content-bucket': 'up',
      'backups-bucket': 'down',
      'analytics-bucket': 'up',
      'user-pool': 'down',
    });
    expect(response.headers?.['cache-control']).toBe('no-store');
  });
});
