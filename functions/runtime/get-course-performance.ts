import { httpHandler } from '../../shared/http/handler.ts';
import { getCoursePerformance as route } from '../../shared/routes/runtime.ts';
import { performancePorts } from '../../shared/store/runtime-wiring.ts';
import { coursePerformance } from '../../shared/use-cases/course-performance.ts';

const ports = performancePorts();

export const handler = httpHandler(route, async ({ params, query, principal, requestId }) => ({
  body: await coursePerformance(ports, { principal, requestId }, params.id, query),
}));
