import { httpHandler } from '../../shared/http/handler.ts';
import { createExport as route } from '../../shared/routes/exports.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { runQueue } from '../../shared/store/job-queue.ts';
import { requestJobRun } from '../../shared/use-cases/job-runs.ts';

const ports = { ...catalogPorts(), queue: runQueue('exports') };

/** Queues an export run for the worker (run-exports); a run already queued or under way is a 409. */
export const handler = httpHandler(route, async ({ principal, requestId }) => {
  const job = await requestJobRun(ports, { principal, requestId }, { type: 'export', audited: true });
  return { body: job, version: job.version, headers: { location: `/jobs/${job.id}` } };
});
