import { httpHandler } from '../../shared/http/handler.ts';
import { listCoursesDueForReview as route } from '../../shared/routes/catalog.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { coursesDueForReview } from '../../shared/use-cases/catalog.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ query }) => ({
  body: await coursesDueForReview(ports, query.before, { limit: query.limit, cursor: query.cursor }),
}));
