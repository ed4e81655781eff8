import { retention as job } from '../../shared/jobs/manifest.ts';
import { scheduledRunHandler } from '../../shared/jobs/run-handlers.ts';
import { retentionPorts } from '../../shared/store/erasure-wiring.ts';
import { runRetention } from '../../shared/use-cases/retention.ts';

const ports = retentionPorts();

/** EventBridge schedule, daily: the retention policy's run. */
export const handler = scheduledRunHandler(job, ports, ({ actor, at, run }) =>
  runRetention(ports, actor, at, run),
);
