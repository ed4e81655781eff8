import { analyticsExport as job } from '../../shared/jobs/manifest.ts';
import { runRequestHandler } from '../../shared/jobs/run-handlers.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { runQueue } from '../../shared/store/job-queue.ts';

/** EventBridge schedule, daily: requests an export run from the worker, as POST /exports does. */
export const handler = runRequestHandler(job, 'export', { ...catalogPorts(), queue: runQueue('exports') });
