/**
 * The parts of backups no emulator answers: the content inventory through ListObjectVersions (s3rver has no
 * versioning, so it is checked here against the SDK's exact shapes), the outbox skipping the audit records a
 * restore put back, and the items' lossless round trip through a backup line.
 */
import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditRecord } from '../../shared/domain/audit.ts';
import { eventsOfStreamRecord } from '../../shared/events/publish.ts';
import { runBackups } from '../../shared/jobs/manifest.ts';
import { S3BackupFiles } from '../../shared/store/backup-files.ts';
import { keys } from '../../shared/store/keys.ts';
import { itemFromJson, itemToJson } from '../../shared/use-cases/backups.ts';
import { recordMockedCalls } from '../support/aws-calls.ts';

const s3 = mockClient(S3Client);

afterEach(() => {
  recordMockedCalls(runBackups.handler, s3);
  s3.reset();
  vi.unstubAllEnvs();
});

describe('the content inventory', () => {
  it('lists every object version of the content bucket, page after page, with its key, version, ETag, size and class', async () => {
    // Prepare: two pages, as S3 answers a versioned bucket
    vi.stubEnv('CONTENT_BUCKET_NAME', 'lms-content');
    s3.on(ListObjectVersionsCommand, { Bucket: 'lms-content', KeyMarker: undefined })
      .resolves({
        IsTruncated: true,
        NextKeyMarker: 'courses/c1/v1/index.html',
        NextVersionIdMarker: 'v-111',
        Versions: [
          {
            Key: 'courses/c1/v1/index.html',
            VersionId: 'v-222',
            ETag: '"aaa"',
            Size: 1200,
            StorageClass: 'STANDARD',
            IsLatest: true,
          },
          {
            Key: 'courses/c1/v1/index.html',
            VersionId: 'v-111',
            ETag: '"bbb"',
            Size: 1100,
            // S3 answers the version's class; the SDK's type lists only STANDARD.
            StorageClass: 'GLACIER_IR' as 'STANDARD',
            IsLatest: false,
          },
        ],
      })
      .on(ListObjectVersionsCommand, {
        Bucket: 'lms-content',
        KeyMarker: 'courses/c1/v1/index.html',
        VersionIdMarker: 'v-111',
      })
      .resolves({
        IsTruncated: false,
        Versions: [
          {
            Key: 'reports/c1/v1.json',
            VersionId: 'null',
            ETag: '"ccc"',
            Size: 10,
            StorageClass: 'STANDARD',
            IsLatest: true,
          },
        ],
      });
    const files = new S3BackupFiles(new S3Client({}), { backups: 'lms-backups', content: 'lms-content' });

    // Act
    const pages = [];
    for await (const page of files.contentVersions()) pages.push(page);

    // Assess
    expect(pages).toEqual([
      [
        {
          key: 'courses/c1/v1/index.html',
          versionId: 'v-222',
          etag: '"aaa"',
          size: 1200,
          storageClass: 'STANDARD',
          isLatest: true,
        },
        {
          key: 'courses/c1/v1/index.html',
          versionId: 'v-111',
          etag: '"bbb"',
          size: 1100,
          storageClass: 'GLACIER_IR',
          isLatest: false,
        },
      ],
      [
        {
          key: 'reports/c1/v1.json',
          versionId: 'null',
          etag: '"ccc"',
          size: 10,
          storageClass: 'STANDARD',
          isLatest: true,
        },
      ],
    ]);
  });
});

describe('the outbox and restores', () => {
  const image = (restoredBy?: string) => {
    const record = auditRecord({
      id: 'a1',
      at: new Date('2026-12-01T10:00:00Z'),
      action: 'user.updated',
      target: 'user:u1',
      actor: { sub: 'admin-sub', userId: null, email: 'admin@example.com', roles: ['admin'] },
      requestId: 'req-1',
      before: { id: 'u1' },
      after: { id: 'u1' },
    });
    const item = {
      ...keys.audit(record.target, record.at, record.id),
      entity: 'audit',
      ...record,
      restoredBy,
    };
    return { eventName: 'INSERT', dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) } };
  };

  it('publishes the events of an audit record as it is written', () => {
    expect(eventsOfStreamRecord(image()).map((event) => event.type)).toEqual(['user.updated']);
  });

  it('publishes nothing for an audit record an in-place restore put back', () => {
    expect(eventsOfStreamRecord(image('restore-run-1'))).toEqual([]);
  });
});

describe('a backup line', () => {
  it('carries every attribute type back as it was, binary values included', () => {
    // Prepare
    const item = {
      pk: { S: 'SIGNIN#1' },
      sk: { S: 'SIGNIN' },
      hash: { B: new Uint8Array([0, 1, 254, 255]) },
      hashes: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
      roles: { SS: ['learner', 'manager'] },
      scores: { NS: ['1', '2.5'] },
      big: { N: '12345678901234567890123456789012345678' },
      nested: { M: { list: { L: [{ NULL: true }, { BOOL: false }, { S: 'é' }] } } },
    };

    // Act
    const line = itemToJson(item);
    const back = itemFromJson(line, 'segment-0', 1);

    // Assess
    expect(line).toContain('"hash":{"B":"AAH+/w=="}');
    expect({ ...back, hash: { B: [...(back.hash?.B ?? [])] } }).toEqual({
      ...item,
      hash: { B: [0, 1, 254, 255] },
      hashes: { BS: [Buffer.from([1]), Buffer.from([2, 3])] },
    });
  });

  it('refuses a line that is not an item of the table', () => {
    expect(() => itemFromJson('{"name":{"S":"x"}}', 'segment-2', 7)).toThrow(
      'segment-2 line 7 is not a table item',
    );
    expect(() => itemFromJson('{not json', 'segment-2', 8)).toThrow('segment-2 line 8 is not JSON');
  });
});
