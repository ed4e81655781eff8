/**
 * What IAM authorises for a CopyObject (shared/aws-calls.ts), which has no action of its own: the grant
 * test relies on it for the unarchive's copies onto themselves.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { iamCallsOf } from '../../shared/aws-calls.ts';

describe('iamCallsOf a CopyObject', () => {
  const saved = process.env.CONTENT_BUCKET_NAME;
  beforeEach(() => {
    process.env.CONTENT_BUCKET_NAME = 'lms-content-123';
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.CONTENT_BUCKET_NAME;
    else process.env.CONTENT_BUCKET_NAME = saved;
  });

  it('reads the source and writes the destination, and writes the tags it replaces', () => {
    // Act
    const calls = iamCallsOf('S3Client', 'CopyObjectCommand', {
      Bucket: 'lms-content-123',
      Key: 'courses/c1/v1/my page.html',
      CopySource: 'lms-content-123/courses/c1/v1/my%20page.html',
      StorageClass: 'STANDARD',
      MetadataDirective: 'COPY',
      TaggingDirective: 'REPLACE',
      Tagging: 'team=design',
    });

    // Assess
    expect(calls).toEqual([
      { action: 's3:GetObject', resource: 'content/courses/' },
      { action: 's3:PutObject', resource: 'content/courses/' },
      { action: 's3:PutObjectTagging', resource: 'content/courses/' },
    ]);
  });

  it('sets no tags when it replaces them with none', () => {
    const calls = iamCallsOf('S3Client', 'CopyObjectCommand', {
      Bucket: 'lms-content-123',
      Key: 'courses/c1/v1/index.html',
      CopySource: 'lms-content-123/courses/c1/v1/index.html',
      TaggingDirective: 'REPLACE',
      Tagging: '',
    });
    expect(calls.map((call) => call.action)).toEqual(['s3:GetObject', 's3:PutObject']);
  });

  it("reads the source's tags and writes them to the copy when it copies them (the default)", () => {
    const calls = iamCallsOf('S3Client', 'CopyObjectCommand', {
      Bucket: 'lms-content-123',
      Key: 'reports/x.json',
      CopySource: '/lms-content-123/courses/c1/v1/x.json',
    });
    expect(calls).toEqual([
      { action: 's3:GetObject', resource: 'content/courses/' },
      { action: 's3:PutObject', resource: 'content/reports/' },
      { action: 's3:GetObjectTagging', resource: 'content/courses/' },
      { action: 's3:PutObjectTagging', resource: 'content/reports/' },
    ]);
  });
});
