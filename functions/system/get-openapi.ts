import { httpHandler } from '../../shared/http/handler.ts';
import { buildOpenApi } from '../../shared/http/openapi.ts';
import { routes } from '../../shared/routes/index.ts';
import { getOpenApi as route } from '../../shared/routes/system.ts';

const document = buildOpenApi(routes);

export const handler = httpHandler(route, async () => ({ body: document }));
