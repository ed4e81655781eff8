import { httpHandler } from '../../shared/http/handler.ts';
import { scimBaseUrl } from '../../shared/http/scim-response.ts';
import { getScimSchema as route } from '../../shared/routes/scim.ts';
import { SCHEMAS, scimSchema } from '../../shared/scim/discovery.ts';
import { ScimError } from '../../shared/scim/errors.ts';

export const handler = httpHandler(route, async ({ params, event }) => {
  const schema = SCHEMAS.find((candidate) => candidate.id === params.id);
  if (!schema) throw new ScimError(404, undefined, `No schema ${params.id}: GET /Schemas lists them.`);
  return { body: scimSchema(schema, scimBaseUrl(event)) };
});
