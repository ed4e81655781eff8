import type { S3Event } from 'aws-lambda';
import { logger } from '../../shared/http/logger.ts';
import { planImport as job } from '../../shared/jobs/manifest.ts';
import { countingFailures } from '../../shared/metrics.ts';
import { importPorts } from '../../shared/store/import-wiring.ts';
import { runPlan } from '../../shared/use-cases/imports/plan.ts';

const ports = { ...importPorts(), logger };

/**
 * S3 object-created of `imports/<id>/source`: plans the import. Keys arrive URL-encoded, as AWS sends them.
 * A re-delivered event finds the import planned already and changes nothing.
 */
export const handler = countingFailures(
  job.name,
  async (event: S3Event, context?: { awsRequestId?: string }) => {
    for (const record of event.Records) {
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      const importId = /^imports\/([0-9a-f-]{36})\/source$/.exec(key)?.[1];
      if (!importId) {
        logger.warn('not an import upload', { key });
        continue;
      }
      const planned = await runPlan(ports, importId, context?.awsRequestId ?? `${importId}:${Date.now()}`);
      logger.info('import planned', { importId, status: planned?.status, counts: planned?.counts });
    }
  },
);
