import { httpHandler } from '../../shared/http/handler.ts';
import { getUserAccess as route } from '../../shared/routes/identity.ts';
import { identityPorts } from '../../shared/store/identity-wiring.ts';
import { accessReport } from '../../shared/use-cases/identity.ts';

const ports = identityPorts();

export const handler = httpHandler(route, async ({ params, query, principal, requestId }) => ({
  body: await accessReport(ports, { principal, requestId }, params.id, query.courseId),
}));
