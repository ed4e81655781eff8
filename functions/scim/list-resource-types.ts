import { httpHandler } from '../../shared/http/handler.ts';
import { scimBaseUrl } from '../../shared/http/scim-response.ts';
import { listScimResourceTypes as route } from '../../shared/routes/scim.ts';
import { RESOURCE_TYPES, scimResourceType } from '../../shared/scim/discovery.ts';
import { scimListResponse } from '../../shared/scim/list.ts';

export const handler = httpHandler(route, async ({ event }) => {
  const base = scimBaseUrl(event);
  const types = RESOURCE_TYPES.map((type) => scimResourceType(type, base));
  return { body: scimListResponse(types, types.length, 1) };
});
