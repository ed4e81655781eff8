import { httpHandler } from '../../shared/http/handler.ts';
import { scimBaseUrl } from '../../shared/http/scim-response.ts';
import { getScimUser as route } from '../../shared/routes/scim.ts';
import { projectScimResource } from '../../shared/scim/projection.ts';
import { USER_RESOURCE_TYPE } from '../../shared/scim/schema.ts';
import { scimUser } from '../../shared/scim/users.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { scimUserById } from '../../shared/use-cases/scim-users.ts';

const ports = organisationPorts();

export const handler = httpHandler(route, async ({ params, query, event }) => {
  const user = await scimUserById(ports, params.id);
  return {
    body: projectScimResource(scimUser(user, scimBaseUrl(event)), USER_RESOURCE_TYPE, query),
    version: user.version,
  };
});
