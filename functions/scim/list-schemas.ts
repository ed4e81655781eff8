import { httpHandler } from '../../shared/http/handler.ts';
import { scimBaseUrl } from '../../shared/http/scim-response.ts';
import { listScimSchemas as route } from '../../shared/routes/scim.ts';
import { SCHEMAS, scimSchema } from '../../shared/scim/discovery.ts';
import { scimListResponse } from '../../shared/scim/list.ts';

export const handler = httpHandler(route, async ({ event }) => {
  const base = scimBaseUrl(event);
  const schemas = SCHEMAS.map((schema) => scimSchema(schema, base));
  return { body: scimListResponse(schemas, schemas.length, 1) };
});
