import { httpHandler } from '../../shared/http/handler.ts';
import { scimBaseUrl } from '../../shared/http/scim-response.ts';
import { getScimResourceType as route } from '../../shared/routes/scim.ts';
import { RESOURCE_TYPES, scimResourceType } from '../../shared/scim/discovery.ts';
import { ScimError } from '../../shared/scim/errors.ts';

export const handler = httpHandler(route, async ({ params, event }) => {
  const type = RESOURCE_TYPES.find((candidate) => candidate.name === params.id);
  if (!type) throw new ScimError(404, undefined, `No resource type ${params.id}: there are User and Group.`);
  return { body: scimResourceType(type, scimBaseUrl(event)) };
});
