import { httpHandler } from '../../shared/http/handler.ts';
import { scimBaseUrl } from '../../shared/http/scim-response.ts';
import { getScimServiceProviderConfig as route } from '../../shared/routes/scim.ts';
import { serviceProviderConfig } from '../../shared/scim/discovery.ts';

export const handler = httpHandler(route, async ({ event }) => ({
  body: serviceProviderConfig(scimBaseUrl(event)),
}));
