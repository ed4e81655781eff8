/**
 * Business metrics as CloudWatch reads them: the embedded metric format (EMF) lines the handlers print, with
 * the LMS namespace, the metric names and their dimensions. Each handler runs as Lambda would (metrics on).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent, S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetSettingsCache } from '../../shared/config.ts';
import { auditRecord } from '../../shared/domain/audit.ts';
import { keys } from '../../shared/store/keys.ts';

const eventBridge = mockClient(EventBridgeClient);
const table = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

/** What the handlers printed as EMF: one object per line holding `_aws`. */
let printed: string[];

/** The metric values of the EMF lines printed, with the line's dimensions (service and the metric's own). */
function emitted() {
  return printed
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: EmfMetadata })
    .flatMap((emf) =>
      emf._aws.CloudWatchMetrics.flatMap((directive) =>
        directive.Metrics.map((metric) => ({
          namespace: directive.Namespace,
          name: metric.Name,
          unit: metric.Unit,
          value: emf[metric.Name],
          dimensions: Object.fromEntries(directive.Dimensions.flat().map((name) => [name, emf[name]])),
        })),
      ),
    );
}

interface EmfMetadata {
  CloudWatchMetrics: {
    Namespace: string;
    Dimensions: string[][];
    Metrics: { Name: string; Unit: string }[];
  }[];
}

/** A module as a fresh Lambda loads it, with metrics on (the test runs turn them off). */
async function fresh<T>(module: string): Promise<T> {
  vi.resetModules();
  resetSettingsCache();
  return (await import(module)) as T;
}

beforeEach(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'lms-admin');
  printed = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.push(String(chunk));
    return true;
  });
  eventBridge.reset();
  table.reset();
  s3.reset();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  resetSettingsCache();
});
afterAll(() => {
  eventBridge.restore();
  table.restore();
  s3.restore();
});

describe('business metrics (EMF, namespace LMS)', () => {
  it('counts the enrollments among the domain events the outbox publishes', async () => {
    // Prepare: two audit records on the stream, one of them a new enrollment
    vi.stubEnv('EVENT_BUS_NAME', 'lms-domain-events');
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const { handler } = await fresh<typeof import('../../functions/events/publish-domain-events.ts')>(
      '../../functions/events/publish-domain-events.ts',
    );
    const audit = (id: string, action: string, target: string) => {
      const record = auditRecord({
        id,
        at: new Date('2026-11-28T10:00:00Z'),
        action,
        target,
        actor: { sub: 'admin-sub', userId: null, email: 'admin@example.com', roles: ['admin'] },
        requestId: 'req-1',
        before: null,
        after: { id: target },
      });
      const item = { ...keys.audit(record.target, record.at, record.id), entity: 'audit', ...record };
      return { eventName: 'INSERT', dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) } };
    };

    // Act
    const result = await handler({
      Records: [
        audit('a1', 'enrollment.created', 'enrollment:c1:u1'),
        audit('a2', 'user.updated', 'user:u2'),
      ],
    } as unknown as DynamoDBStreamEvent);

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(emitted()).toEqual([
      {
        namespace: 'LMS',
        name: 'EnrollmentsCreated',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lms-admin' },
      },
    ]);
  });

  it('counts a batch the outbox could not publish as a failure of its job, and no enrollment', async () => {
    // Prepare
    vi.stubEnv('EVENT_BUS_NAME', 'lms-domain-events');
    eventBridge.on(PutEventsCommand).rejects(new Error('throttled'));
    const { handler } = await fresh<typeof import('../../functions/events/publish-domain-events.ts')>(
      '../../functions/events/publish-domain-events.ts',
    );
    const record = auditRecord({
      id: 'a3',
      at: new Date('2026-11-28T10:00:00Z'),
      action: 'enrollment.created',
      target: 'enrollment:c1:u3',
      actor: { sub: 'admin-sub', userId: null, email: 'admin@example.com', roles: ['admin'] },
      requestId: 'req-2',
      before: null,
      after: { id: 'u3' },
    });
    const item = { ...keys.audit(record.target, record.at, record.id), entity: 'audit', ...record };

    // Act
    const result = await handler({
      Records: [{ eventName: 'INSERT', dynamodb: { NewImage: marshall(item), SequenceNumber: '7' } }],
    } as unknown as DynamoDBStreamEvent);

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
    expect(emitted()).toEqual([
      {
        namespace: 'LMS',
        name: 'JobFailures',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lms-admin', job: 'publish-domain-events' },
      },
    ]);
  });

  it('counts a job invocation that throws as a failure of that job, and rethrows for the retry', async () => {
    // Prepare
    const { countingFailures } =
      await fresh<typeof import('../../shared/metrics.ts')>('../../shared/metrics.ts');
    const failing = countingFailures('course-schedule', async () => {
      throw new Error('table unavailable');
    });

    // Act + Assess
    await expect(failing()).rejects.toThrow('table unavailable');
    expect(emitted()).toEqual([
      {
        namespace: 'LMS',
        name: 'JobFailures',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lms-admin', job: 'course-schedule' },
      },
    ]);
  });

  it('counts a refused sign-in by its trigger, and nothing for another error', async () => {
    // Prepare
    const { countingRefusals } =
      await fresh<typeof import('../../shared/metrics.ts')>('../../shared/metrics.ts');
    // The error class the freshly loaded module knows (the use case throws it for a suspended profile)
    const { OutOfScopeError } = await import('../../shared/domain/errors.ts');
    const refusing = countingRefusals('PreTokenGeneration', async (suspended: boolean) => {
      if (suspended) throw new OutOfScopeError('Your LMS account is suspended.');
      throw new Error('table unavailable');
    });

    // Act
    await expect(refusing(true)).rejects.toBeInstanceOf(OutOfScopeError);
    await expect(refusing(false)).rejects.toThrow('table unavailable');

    // Assess
    expect(emitted()).toEqual([
      {
        namespace: 'LMS',
        name: 'SignInsRefused',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lms-admin', trigger: 'PreTokenGeneration' },
      },
    ]);
  });

  it("counts an API function's cold start once, with its service and function name", async () => {
    // Prepare: a route's handler as Lambda loads it on demand, and two requests to one execution environment
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const { handler } = await fresh<typeof import('../../functions/system/get-openapi.ts')>(
      '../../functions/system/get-openapi.ts',
    );
    const event = {
      httpMethod: 'GET',
      path: '/openapi.json',
      headers: {},
      requestContext: { requestId: 'request-1' },
    } as unknown as Parameters<typeof handler>[0];
    const context = { functionName: 'LmsApi-getOpenApi', awsRequestId: 'r-1' } as Parameters<
      typeof handler
    >[1];

    // Act
    await handler(event, context);
    await handler(event, context);

    // Assess
    expect(emitted()).toEqual([
      {
        namespace: 'LMS',
        name: 'ColdStart',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lms-admin', function_name: 'LmsApi-getOpenApi' },
      },
    ]);
  });

  it('emits nothing for a count of 0, and nothing at all when metrics are off (the local stack)', async () => {
    // Prepare
    const on = await fresh<typeof import('../../shared/metrics.ts')>('../../shared/metrics.ts');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const off = await fresh<typeof import('../../shared/metrics.ts')>('../../shared/metrics.ts');

    // Act
    on.countMetric('PackageImportsSucceeded', 0);
    off.countMetric('PackageImportsFailed', 1);

    // Assess
    expect(emitted()).toEqual([]);
  });

  it('counts a package import that ends failed, once: a re-delivered upload event counts nothing', async () => {
    // Prepare: a queued import job, and its upload arriving empty (a package the import refuses)
    vi.stubEnv('TABLE_NAME', 'lms-test');
    vi.stubEnv('UPLOADS_BUCKET_NAME', 'lms-uploads');
    vi.stubEnv('CONTENT_BUCKET_NAME', 'lms-content');
    const courseId = '6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f40';
    const jobId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const queued = {
      ...keys.job(jobId),
      id: jobId,
      type: 'package-import',
      status: 'queued',
      target: `course:${courseId}`,
      createdBy: 'admin@example.com',
      createdAt: '2026-11-28T10:00:00.000Z',
      startedAt: null,
      finishedAt: null,
      progress: { step: 'waiting-for-upload', done: 0, total: 0 },
      failure: null,
      findings: [],
      input: { courseId, fileName: 'empty.zip', sizeBytes: 0, attempts: 0 },
      result: null,
      version: 1,
    };
    let stored: Record<string, unknown> = queued;
    table.on(GetCommand).callsFake(async () => ({ Item: stored }));
    table.on(UpdateCommand).resolves({ Attributes: { lastVersion: 1 } });
    table.on(TransactWriteCommand).callsFake(async (input) => {
      stored = input.TransactItems?.[0]?.Put?.Item ?? stored;
      return {};
    });
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(DeleteObjectCommand).resolves({});
    const { handler } = await fresh<typeof import('../../functions/content/process-package.ts')>(
      '../../functions/content/process-package.ts',
    );
    const upload = {
      Records: [{ s3: { object: { key: `packages/${courseId}/${jobId}.zip`, size: 0 } } }],
    } as unknown as S3Event;

    // Act: the event, then the same event again
    await handler(upload);
    await handler(upload);

    // Assess
    expect(stored).toMatchObject({ status: 'failed', failure: { code: 'empty-upload' } });
    expect(emitted()).toEqual([
      {
        namespace: 'LMS',
        name: 'PackageImportsFailed',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'lms-admin' },
      },
    ]);
  });
});
