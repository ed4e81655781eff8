import { httpHandler } from '../../shared/http/handler.ts';
import { listAudit as route } from '../../shared/routes/system.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';

const { audit } = organisationPorts();

export const handler = httpHandler(route, async ({ query }) => ({
  body: await audit.list(query.target, { limit: query.limit, cursor: query.cursor }),
}));
