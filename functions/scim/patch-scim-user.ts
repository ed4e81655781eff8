import { httpHandler } from '../../shared/http/handler.ts';
import { scimBaseUrl } from '../../shared/http/scim-response.ts';
import { patchScimUser as route } from '../../shared/routes/scim.ts';
import { readScimPatchRequest } from '../../shared/scim/patch.ts';
import { projectScimResource } from '../../shared/scim/projection.ts';
import { USER_RESOURCE_TYPE } from '../../shared/scim/schema.ts';
import { scimUser } from '../../shared/scim/users.ts';
import { peopleWithLoginsPorts } from '../../shared/store/wiring.ts';
import { patchScimUser } from '../../shared/use-cases/scim-users.ts';

const ports = peopleWithLoginsPorts();

export const handler = httpHandler(
  route,
  async ({ params, query, body, ifMatch, principal, requestId, event }) => {
    const operations = readScimPatchRequest(body);
    const user = await patchScimUser(ports, { principal, requestId }, params.id, ifMatch, operations);
    return {
      body: projectScimResource(scimUser(user, scimBaseUrl(event)), USER_RESOURCE_TYPE, query),
      version: user.version,
    };
  },
);
