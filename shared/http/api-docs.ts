/**
 * The human-readable API reference (docs/api.md), rendered from the same manifest as the OpenAPI document,
 * with each route's handler file and the use case it calls (read from the handler by scripts/route-code.ts).
 */
import type { RouteDefinition } from './route.ts';

/** A function and the module (relative to the project root) it comes from. */
export interface CodeRef {
  name: string;
  module: string;
}

/** What a route's handler calls. */
export interface RouteCode {
  handler: string;
  /** Use cases the handler calls, in the order it first calls them. */
  useCases: CodeRef[];
  /** Store methods the handler calls without a use case (`catalog.getLearningPath`), and the wiring module. */
  store: CodeRef[];
  /** Other shared functions it calls (`buildOpenApi`). */
  other: CodeRef[];
}

export function renderApiDocs(
  routes: readonly RouteDefinition[],
  code: ReadonlyMap<string, RouteCode>,
): string {
  const lines = [
    '# API reference',
    '',
    'Generated from the route manifest (`shared/routes/`) by `npm run docs`; do not edit by hand.',
    'The machine-readable form is `GET /openapi.json` (also in `docs/openapi.json`).',
    '',
    'Every error is `application/problem+json` (RFC 9457) with `type`, `title`, `status`, `detail`, `requestId`,',
    'and `errors: [{ path, message }]` for invalid input. Lists take `limit` (1-100) and `cursor`, and return',
    '`nextCursor`. Reads return an `ETag`; updates take `If-Match`. Creating routes accept `Idempotency-Key`:',
    'a retry with the same key, route, resource and body replays the first response (`Idempotent-Replayed: true`)',
    'for 24 hours; the same key with another route, resource or body is a 422 (`Idempotency-Key reused for a',
    'different request`). A key is the caller’s own, and a replay still needs the route’s role or scope.',
    '',
    'The SCIM routes (`/scim/v2`, RFC 7644) speak SCIM instead: bodies in `application/scim+json` (or',
    '`application/json`), errors as SCIM error bodies (`schemas`, `status` as a string, `scimType`, `detail`),',
    'lists as `ListResponse` with `startIndex` and `count`, and weak ETags (`W/"3"`) taken as `If-Match`.',
    '',
    'Each route names its handler (`functions/`) and the use case that handler calls (`shared/use-cases/`), or',
    'the store method or function it calls where there is no use case.',
    '',
  ];
  for (const tag of [...new Set(routes.map((route) => route.tag))]) {
    lines.push(
      `## ${tag}`,
      '',
      '| Method | Path | Who may call (roles; machine-client scopes) | What it does | Handler | Use case |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const route of routes.filter((candidate) => candidate.tag === tag)) {
      const scopes = 'public' in route.access ? [] : (route.access.scopes ?? []);
      const who =
        'public' in route.access
          ? 'anyone'
          : [route.access.roles.join(', '), ...scopes.map((scope) => `\`${scope}\``)]
              .filter(Boolean)
              .join('; ');
      const ifMatch = route.request.ifMatch === 'required' ? ' (If-Match required)' : '';
      const idempotent = route.request.idempotent ? ' (accepts Idempotency-Key)' : '';
      const routeCode = code.get(route.id);
      if (!routeCode) throw new Error(`No code found for route ${route.id} (${route.handler}).`);
      lines.push(
        `| ${route.method} | \`${route.path}\` | ${who} | ${route.summary}${ifMatch}${idempotent} | ${link(`\`${route.handler}\``, route.handler)} | ${calls(routeCode)} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

/** A link from docs/api.md to a file of the project. */
function link(text: string, path: string): string {
  return `[${text}](../${path})`;
}

/** `enrollUsers` in [shared/use-cases/enrollment.ts](...), then what the handler calls besides. */
function calls(code: RouteCode): string {
  const refs = (list: CodeRef[], prefix = '') =>
    list.map((ref) => `${prefix}\`${ref.name}\` in ${link(ref.module, ref.module)}`);
  const useCases = refs(code.useCases);
  const besides = [...refs(code.store, 'the store’s '), ...refs(code.other)];
  if (useCases.length === 0 && besides.length === 0)
    throw new Error(`${code.handler} calls no use case, store method or shared function that can be named.`);
  if (useCases.length === 0) return `none: ${besides.join('; ')}`;
  return [useCases.join('; '), ...(besides.length > 0 ? [`then ${besides.join('; ')}`] : [])].join('; ');
}
