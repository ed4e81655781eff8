/**
 * Writes docs/openapi.json and docs/api.md from the route manifest. `npm run docs` after changing a route;
 * test/unit/api-docs.test.ts fails while the committed files differ from what this generates.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderApiDocs } from '../shared/http/api-docs.ts';
import { buildOpenApi } from '../shared/http/openapi.ts';
import { routes } from '../shared/routes/index.ts';

const docs = join(import.meta.dirname, '..', 'docs');
writeFileSync(join(docs, 'openapi.json'), `${JSON.stringify(buildOpenApi(routes), null, 2)}\n`);
writeFileSync(join(docs, 'api.md'), renderApiDocs(routes));
console.log(`wrote docs/openapi.json and docs/api.md (${routes.length} routes)`);
