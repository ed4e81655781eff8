import { getLrsAbout as route } from '../../shared/routes/xapi.ts';
import { XAPI_VERSIONS, xapiHandler } from '../../shared/xapi/http.ts';

export const handler = xapiHandler(
  route,
  async () => ({ body: { version: [...XAPI_VERSIONS], extensions: {} } }),
  {
    versionOptional: true,
  },
);
