import type { ScheduledEvent } from 'aws-lambda';
import { logger } from '../../shared/http/logger.ts';
import { courseSchedule as job } from '../../shared/jobs/manifest.ts';
import { countingFailures } from '../../shared/metrics.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { runCourseSchedule } from '../../shared/use-cases/course-lifecycle.ts';

const ports = catalogPorts();

/** EventBridge schedule: publish and archive the courses that are due. */
export const handler = countingFailures(job.name, async (event: Partial<ScheduledEvent> = {}) => {
  const result = await runCourseSchedule(ports, event.time ? new Date(event.time) : new Date());
  logger.info('course schedule ran', {
    published: result.published.length,
    archived: result.archived.length,
    held: result.held,
  });
  return result;
});
