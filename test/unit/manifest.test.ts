import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTHORIZER_HANDLER } from '../../shared/http/authorizer.ts';
import { jobs } from '../../shared/jobs/manifest.ts';
import { routes } from '../../shared/routes/index.ts';

const root = join(import.meta.dirname, '..', '..');

function functionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? functionFiles(join(dir, entry.name)) : [relative(root, join(dir, entry.name))],
  );
}

describe('the route manifest', () => {
  it('names each route once, by id and by method + path', () => {
    expect(new Set(routes.map((route) => route.id)).size).toBe(routes.length);
    expect(new Set(routes.map((route) => `${route.method} ${route.path}`)).size).toBe(routes.length);
  });

  it('routes or schedules every function file, and every route and job has one (no orphans either way)', () => {
    const declared = [
      ...routes.map((route) => route.handler),
      ...jobs.map((job) => job.handler),
      AUTHORIZER_HANDLER,
    ];
    expect(functionFiles(join(root, 'functions')).sort()).toEqual(declared.sort());
  });

  it('names handler files verb-noun under their area, as functions/<area>/<verb-noun>.ts', () => {
    for (const route of routes) expect(route.handler).toMatch(/^functions\/[a-z]+\/[a-z]+(-[a-z]+)+\.ts$/);
  });

  it('declares who may call every route: public, or at least one role or scope', () => {
    for (const route of routes) {
      const access = route.access;
      const named = 'public' in access || access.roles.length > 0 || (access.scopes ?? []).length > 0;
      expect(named, route.id).toBe(true);
    }
  });

  it('declares path parameters exactly as the path names them', () => {
    for (const route of routes) {
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = Object.keys(route.request.params?.shape ?? {});
      expect(declared.sort(), route.id).toEqual(inPath.sort());
    }
  });
});
