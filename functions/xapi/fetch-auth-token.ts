import { httpHandler } from '../../shared/http/handler.ts';
import { fetchAuthToken as route } from '../../shared/routes/xapi.ts';
import { lrsPorts } from '../../shared/store/xapi-wiring.ts';
import { fetchAuthToken } from '../../shared/xapi/credentials.ts';

const ports = lrsPorts();

/** Not an xAPI request: the AU calls it before it speaks xAPI, without the version header. */
export const handler = httpHandler(route, async ({ params, query }) => ({
  body: await fetchAuthToken(ports, params.id, query.k),
}));
