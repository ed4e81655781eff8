import { httpHandler } from '../../shared/http/handler.ts';
import { scimBaseUrl } from '../../shared/http/scim-response.ts';
import { listScimUsers as route } from '../../shared/routes/scim.ts';
import { scimListResponse } from '../../shared/scim/list.ts';
import { projectScimResource } from '../../shared/scim/projection.ts';
import { USER_RESOURCE_TYPE } from '../../shared/scim/schema.ts';
import { scimUser } from '../../shared/scim/users.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { findScimUsers } from '../../shared/use-cases/scim-users.ts';

const ports = organisationPorts();

export const handler = httpHandler(route, async ({ query, event }) => {
  const { total, users } = await findScimUsers(ports, query.filter, query);
  const base = scimBaseUrl(event);
  const resources = users.map((user) => projectScimResource(scimUser(user, base), USER_RESOURCE_TYPE, query));
  return { body: scimListResponse(resources, total, query.startIndex) };
});
