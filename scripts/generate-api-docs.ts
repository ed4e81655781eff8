/**
 * Writes docs/openapi.json and docs/api.md from the route manifest. `npm run docs` after changing a route;
 * test/unit/api-docs.test.ts fails while the committed files differ from what this generates.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderApiDocs } from '../shared/http/api-docs.ts';
import { buildOpenApi } from '../shared/http/openapi.ts';
import { routes } from '../shared/routes/index.ts';
import { routesCode } from './route-code.ts';

const root = join(import.meta.dirname, '..');
const docs = join(root, 'docs');
writeFileSync(join(docs, 'openapi.json'), `${JSON.stringify(buildOpenApi(routes), null, 2)}\n`);
writeFileSync(join(docs, 'api.md'), renderApiDocs(routes, routesCode(routes, root)));
console.log(`wrote docs/openapi.json and docs/api.md (${routes.length} routes)`);
