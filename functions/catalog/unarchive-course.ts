import { httpHandler } from '../../shared/http/handler.ts';
import { unarchiveCourse as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { runQueue } from '../../shared/store/job-queue.ts';
import { unarchiveCourse } from '../../shared/use-cases/course-lifecycle.ts';

const ports = { ...catalogPorts(), queue: runQueue('archival') };

/** Back to draft; content in archive storage is brought back by a run it requests (`contentRestore`). */
export const handler = httpHandler(route, async ({ params, ifMatch, principal, requestId }) => {
  const course = await unarchiveCourse(ports, { principal, requestId }, params.id, ifMatch);
  return { body: course, version: course.version };
});
