import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routesCode } from '../../scripts/route-code.ts';
import { renderApiDocs } from '../../shared/http/api-docs.ts';
import { buildOpenApi } from '../../shared/http/openapi.ts';
import { routes } from '../../shared/routes/index.ts';

const root = join(import.meta.dirname, '..', '..');
const docs = join(root, 'docs');

describe('generated API docs', () => {
  it('docs/openapi.json is what the manifest generates (run `npm run docs` after changing a route)', () => {
    const committed = JSON.parse(readFileSync(join(docs, 'openapi.json'), 'utf8'));
    expect(committed).toEqual(buildOpenApi(routes));
  });

  it('docs/api.md is what the manifest generates', () => {
    expect(readFileSync(join(docs, 'api.md'), 'utf8')).toBe(renderApiDocs(routes, routesCode(routes, root)));
  });

  it('describes every route once, with an operation id, and security exactly on non-public routes (machine clients by scope)', () => {
    const document = buildOpenApi(routes) as {
      paths: Record<string, Record<string, { operationId: string; security: unknown[] }>>;
    };
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(operations).toHaveLength(routes.length);
    for (const route of routes) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation?.operationId).toBe(route.id);
      // People (bearer ID token) on every non-public route; machine clients only with the route's scopes.
      const scopes = 'public' in route.access ? [] : (route.access.scopes ?? []);
      const expected =
        'public' in route.access
          ? []
          : [{ cognito: [] }, ...(scopes.length > 0 ? [{ machineClient: [...scopes] }] : [])];
      expect(operation?.security, route.id).toEqual(expected);
    }
  });
});
