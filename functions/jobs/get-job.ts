import { NotFoundError } from '../../shared/domain/errors.ts';
import { actorId } from '../../shared/domain/principal.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { getJob as route } from '../../shared/routes/content.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';

const ports = catalogPorts();

export const handler = httpHandler(route, async ({ params, principal }) => {
  const job = await ports.jobs.get(params.id);
  // Instructors see the jobs they started (by who they are, not their email); another's does not exist for them.
  const mine = principal.roles.includes('admin') || job?.createdBy === actorId(principal);
  if (!job || !mine) throw new NotFoundError('job', params.id);
  return { body: job, version: job.version };
});
