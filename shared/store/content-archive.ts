/**
 * S3 adapter of content archival: the objects of a content version (the keys under its content prefix in the
 * content bucket) tagged for archive storage, or brought back to S3 Standard.
 */
import {
  CopyObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectTaggingCommand,
  type S3Client,
  type Tag,
} from '@aws-sdk/client-s3';
import { ARCHIVE_TAG } from '../domain/content.ts';
import type { ContentArchive, ObjectsChanged, ObjectsDone } from '../use-cases/archival.ts';

/** Objects handled at once: tagging is two small requests per object. */
const CONCURRENCY = 8;

export class S3ContentArchive implements ContentArchive {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** Sets `lms-storage=archive` among each object's tags (the others are kept). */
  tagForArchive(prefix: string, onObjects: ObjectsDone): Promise<ObjectsChanged> {
    return this.eachObject(prefix, onObjects, async (key) => {
      const tags = await this.tagsOf(key);
      if (tags.some(isArchiveTag)) return false;
      const others = tags.filter((tag) => tag.Key !== ARCHIVE_TAG.key);
      await this.s3.send(
        new PutObjectTaggingCommand({
          Bucket: this.bucket,
          Key: key,
          Tagging: { TagSet: [...others, { Key: ARCHIVE_TAG.key, Value: ARCHIVE_TAG.value }] },
        }),
      );
      return true;
    });
  }

  /**
   * An object the lifecycle rule moved is copied onto itself in S3 Standard with its metadata, and its tags
   * but the archive tag (a new current version: launches read it; the old one is a noncurrent version, which
   * the bucket's lifecycle expires). One still in Standard (the rule has not run yet) only loses the tag: S3
   * refuses a copy onto itself that changes nothing but tags.
   */
  restoreToStandard(prefix: string, onObjects: ObjectsDone): Promise<ObjectsChanged> {
    return this.eachObject(prefix, onObjects, async (key) => {
      const [head, tags] = await Promise.all([
        this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
        this.tagsOf(key),
      ]);
      const kept = tags.filter((tag) => !isArchiveTag(tag));
      // S3 names no storage class for Standard objects.
      if ((head.StorageClass ?? 'STANDARD') !== 'STANDARD') {
        await this.s3.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: key,
            CopySource: `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
            StorageClass: 'STANDARD',
            MetadataDirective: 'COPY',
            TaggingDirective: 'REPLACE',
            Tagging: new URLSearchParams(kept.map((tag) => [tag.Key ?? '', tag.Value ?? ''])).toString(),
          }),
        );
        return true;
      }
      if (kept.length === tags.length) return false;
      await this.s3.send(
        new PutObjectTaggingCommand({ Bucket: this.bucket, Key: key, Tagging: { TagSet: kept } }),
      );
      return true;
    });
  }

  private async tagsOf(key: string): Promise<Tag[]> {
    const { TagSet } = await this.s3.send(new GetObjectTaggingCommand({ Bucket: this.bucket, Key: key }));
    return TagSet ?? [];
  }

  /** Runs `change` on every object under `prefix`, a page at a time, reporting after each page. */
  private async eachObject(
    prefix: string,
    onObjects: ObjectsDone,
    change: (key: string) => Promise<boolean>,
  ): Promise<ObjectsChanged> {
    const done = { objects: 0, changed: 0 };
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
      let next = 0;
      const lane = async () => {
        for (let key = keys[next++]; key !== undefined; key = keys[next++]) {
          if (await change(key)) done.changed++;
          done.objects++;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, lane));
      await onObjects(done.objects);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return done;
  }
}

function isArchiveTag(tag: Tag): boolean {
  return tag.Key === ARCHIVE_TAG.key && tag.Value === ARCHIVE_TAG.value;
}
