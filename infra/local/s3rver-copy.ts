/**
 * What s3rver (3.7) lacks of S3's CopyObject, which content archival relies on, added in its object
 * controller (so requests are still authenticated by s3rver first):
 * - the GLACIER_IR storage class (newer than s3rver), so a test can stand in for the lifecycle rule;
 * - a copy onto itself that changes only the storage class, keeping the metadata (`MetadataDirective: COPY`):
 *   s3rver refuses any copy onto itself but a metadata REPLACE;
 * - the copy's tags: `x-amz-tagging-directive: REPLACE` sets those of `x-amz-tagging`; COPY (the default)
 *   copies the source's (s3rver keeps tags where they were).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface StoreContext {
  headers: Record<string, string | undefined>;
  params: { bucket: string; key: string };
  store: {
    existsObject(bucket: string, key: string): Promise<boolean>;
    getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
    getSubresource(bucket: string, key: string, type: 'tagging'): Promise<unknown>;
    putSubresource(bucket: string, key: string, resource: unknown): Promise<void>;
    deleteSubresource(bucket: string, key: string, type: 'tagging'): Promise<void>;
  };
}

type Controller = (ctx: StoreContext) => Promise<void>;

let patched = false;

/** Patches s3rver's modules once per process (they are shared by every s3rver instance). */
export function addCopyObjectSupport(): void {
  if (patched) return;
  patched = true;
  const S3Object = require('s3rver/lib/models/object') as {
    STORAGE_CLASSES: string[];
    ALLOWED_METADATA: string[];
  };
  if (!S3Object.STORAGE_CLASSES.includes('GLACIER_IR')) S3Object.STORAGE_CLASSES.push('GLACIER_IR');
  const { TaggingConfiguration } = require('s3rver/lib/models/config') as {
    TaggingConfiguration: { validate(xml: string): unknown };
  };
  const objects = require('s3rver/lib/controllers/object') as { putObjectCopy: Controller };
  const copy = objects.putObjectCopy;

  objects.putObjectCopy = async (ctx) => {
    // Parsed as s3rver parses it.
    const copySource = decodeURI(ctx.headers['x-amz-copy-source'] ?? '').replace(/^\//, '');
    const [sourceBucket = '', ...rest] = copySource.split('/');
    const sourceKey = rest.join('/');
    const { bucket, key } = ctx.params;
    const storageClass = ctx.headers['x-amz-storage-class'];
    if (
      storageClass &&
      ctx.headers['x-amz-metadata-directive'] !== 'REPLACE' &&
      (await ctx.store.existsObject(sourceBucket, sourceKey))
    ) {
      // S3 keeps the source's metadata and sets the storage class; s3rver stores metadata only on REPLACE.
      const metadata = await ctx.store.getMetadata(sourceBucket, sourceKey);
      for (const [name, value] of Object.entries(metadata)) {
        const kept = S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-');
        if (kept && name !== 'x-amz-storage-class') ctx.headers[name] = value;
      }
      ctx.headers['x-amz-metadata-directive'] = 'REPLACE';
    }
    await copy(ctx);
    if (ctx.headers['x-amz-tagging-directive'] === 'REPLACE') {
      const tags = [...new URLSearchParams(ctx.headers['x-amz-tagging'] ?? '')];
      if (tags.length === 0) await ctx.store.deleteSubresource(bucket, key, 'tagging');
      else await ctx.store.putSubresource(bucket, key, TaggingConfiguration.validate(taggingXml(tags)));
    } else if (sourceBucket !== bucket || sourceKey !== key) {
      const tags = await ctx.store.getSubresource(sourceBucket, sourceKey, 'tagging');
      if (tags) await ctx.store.putSubresource(bucket, key, tags);
      else await ctx.store.deleteSubresource(bucket, key, 'tagging');
    }
  };
}

function taggingXml(tags: readonly [string, string][]): string {
  const xmlText = (text: string) =>
    text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
  const tagSet = tags
    .map(([key, value]) => `<Tag><Key>${xmlText(key)}</Key><Value>${xmlText(value)}</Value></Tag>`)
    .join('');
  return `<Tagging><TagSet>${tagSet}</TagSet></Tagging>`;
}
