import { runArchival as job } from '../../shared/jobs/manifest.ts';
import { queuedRunHandler } from '../../shared/jobs/run-handlers.ts';
import { contentArchivePorts } from '../../shared/store/content-archive-wiring.ts';
import { runContentRestore, unarchiveLockOf } from '../../shared/use-cases/archival.ts';

const ports = contentArchivePorts();

/** The archival queue: one message is one unarchived course's content restore (one run per course at a time). */
export const handler = queuedRunHandler(job, ports, ({ job, run }) => runContentRestore(ports, job, run), {
  lock: unarchiveLockOf,
});
