import { httpHandler } from '../../shared/http/handler.ts';
import { listImports as route } from '../../shared/routes/imports.ts';
import { importPorts } from '../../shared/store/import-wiring.ts';
import { listImports } from '../../shared/use-cases/imports/requests.ts';

const ports = importPorts();

export const handler = httpHandler(route, async ({ query }) => ({ body: await listImports(ports, query) }));
