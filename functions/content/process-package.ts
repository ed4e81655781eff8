import type { S3Event } from 'aws-lambda';
import { logger } from '../../shared/http/logger.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { processUploadedPackage } from '../../shared/use-cases/package-import.ts';

const ports = { ...catalogPorts(), logger };

/**
 * S3 object-created on the uploads bucket. Keys arrive URL-encoded (spaces as '+'), as AWS sends them.
 * An unexpected error is rethrown so that Lambda retries; the use case marks the job failed on the last try.
 */
export const handler = async (event: S3Event) => {
  for (const record of event.Records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const job = await processUploadedPackage(ports, { key, size: record.s3.object.size });
    logger.info('package processed', { key, jobId: job?.id, status: job?.status, failure: job?.failure });
  }
};
