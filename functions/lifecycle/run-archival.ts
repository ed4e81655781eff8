import { archival as job } from '../../shared/jobs/manifest.ts';
import { scheduledRunHandler } from '../../shared/jobs/run-handlers.ts';
import { archivalPorts } from '../../shared/store/content-archive-wiring.ts';
import { runArchival } from '../../shared/use-cases/archival.ts';

const ports = archivalPorts();

/** EventBridge schedule, daily: content of courses archived long enough goes to archive storage. */
export const handler = scheduledRunHandler(job, ports, ({ at, run }) => runArchival(ports, at, run));
