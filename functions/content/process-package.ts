import type { S3Event } from 'aws-lambda';
import { logger } from '../../shared/http/logger.ts';
import { processPackage as job } from '../../shared/jobs/manifest.ts';
import { countingFailures, countMetric } from '../../shared/metrics.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { processUploadedPackage } from '../../shared/use-cases/package-import.ts';

const ports = { ...catalogPorts(), logger };

/**
 * S3 object-created on the uploads bucket. Keys arrive URL-encoded (spaces as '+'), as AWS sends them.
 * An unexpected error is rethrown so that Lambda retries; the use case marks the job failed on the last try.
 * An import this invocation finished counts as succeeded or failed (a re-delivered event finds it finished
 * earlier, and counts nothing).
 */
export const handler = countingFailures(job.name, async (event: S3Event) => {
  for (const record of event.Records) {
    const started = new Date().toISOString();
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const done = await processUploadedPackage(ports, { key, size: record.s3.object.size });
    logger.info('package processed', { key, jobId: done?.id, status: done?.status, failure: done?.failure });
    if (done?.finishedAt && done.finishedAt >= started) {
      if (done.status === 'succeeded') countMetric('PackageImportsSucceeded', 1);
      if (done.status === 'failed') countMetric('PackageImportsFailed', 1);
    }
  }
});
