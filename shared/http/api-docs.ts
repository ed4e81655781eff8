/** The human-readable API reference (docs/api.md), rendered from the same manifest as the OpenAPI document. */
import type { RouteDefinition } from './route.ts';

export function renderApiDocs(routes: readonly RouteDefinition[]): string {
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
  ];
  for (const tag of [...new Set(routes.map((route) => route.tag))]) {
    lines.push(
      `## ${tag}`,
      '',
      '| Method | Path | Who may call (roles; machine-client scopes) | What it does |',
      '| --- | --- | --- | --- |',
    );
    for (const route of routes.filter((candidate) => candidate.tag === tag)) {
      const scopes = 'public' in route.access ? [] : (route.access.scopes ?? []);
      const who =
        'public' in route.access
          ? 'anyone'
          : [route.access.roles.join(', '), ...scopes.map((scope) => `\`${scope}\``)].join('; ');
      const ifMatch = route.request.ifMatch === 'required' ? ' (If-Match required)' : '';
      const idempotent = route.request.idempotent ? ' (accepts Idempotency-Key)' : '';
      lines.push(
        `| ${route.method} | \`${route.path}\` | ${who} | ${route.summary}${ifMatch}${idempotent} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
