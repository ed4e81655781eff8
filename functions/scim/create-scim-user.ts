import { httpHandler } from '../../shared/http/handler.ts';
import { scimBaseUrl } from '../../shared/http/scim-response.ts';
import { createScimUser as route } from '../../shared/routes/scim.ts';
import { projectScimResource } from '../../shared/scim/projection.ts';
import { USER_RESOURCE_TYPE } from '../../shared/scim/schema.ts';
import { scimUser } from '../../shared/scim/users.ts';
import { peopleWithLoginsPorts } from '../../shared/store/wiring.ts';
import { provisionUser } from '../../shared/use-cases/scim-users.ts';

const ports = peopleWithLoginsPorts();

export const handler = httpHandler(route, async ({ body, query, principal, requestId, event }) => {
  const user = await provisionUser(ports, { principal, requestId }, body);
  const base = scimBaseUrl(event);
  return {
    body: projectScimResource(scimUser(user, base), USER_RESOURCE_TYPE, query),
    version: user.version,
    headers: { location: `${base}/Users/${user.id}` },
  };
});
