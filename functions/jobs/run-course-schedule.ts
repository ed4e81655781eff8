import { courseSchedule as job } from '../../shared/jobs/manifest.ts';
import { scheduledRunHandler } from '../../shared/jobs/run-handlers.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { runCourseSchedule } from '../../shared/use-cases/course-lifecycle.ts';

const ports = catalogPorts();

/** EventBridge schedule: publish and archive the courses that are due. */
export const handler = scheduledRunHandler(job, ports, async ({ at }) => {
  const result = await runCourseSchedule(ports, at);
  return {
    result: { ...result },
    counts: {
      published: result.published.length,
      archived: result.archived.length,
      held: result.held.length,
    },
  };
});
