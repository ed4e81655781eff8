/** What docs/api.md says each route calls is read from the handler's code (scripts/route-code.ts). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeCode, routesCode } from '../../scripts/route-code.ts';
import { routes } from '../../shared/routes/index.ts';

const root = join(import.meta.dirname, '..', '..');

describe('route code', () => {
  it('names the use cases a handler calls, not those it only imports', () => {
    const source = `
      import { NotFoundError } from '../../shared/domain/errors.ts';
      import { httpHandler } from '../../shared/http/handler.ts';
      import { getThing as route } from '../../shared/routes/things.ts';
      import { thingPorts } from '../../shared/store/thing-wiring.ts';
      import { checkThing, readThing as read, unusedThing } from '../../shared/use-cases/things.ts';
      import { render } from '../../shared/http/render.ts';

      const ports = thingPorts();

      export const handler = httpHandler(route, async ({ params }) => {
        await checkThing(ports, params.id);
        const thing = await read(ports, params.id);
        await checkThing(ports, params.id);
        if (!thing) throw new NotFoundError('thing', params.id);
        return { body: render(await ports.things.history(params.id)) };
      });`;
    expect(routeCode('functions/things/get-thing.ts', source)).toEqual({
      handler: 'functions/things/get-thing.ts',
      useCases: [
        { name: 'checkThing', module: 'shared/use-cases/things.ts' },
        { name: 'readThing', module: 'shared/use-cases/things.ts' },
      ],
      store: [{ name: 'things.history', module: 'shared/store/thing-wiring.ts' }],
      other: [{ name: 'render', module: 'shared/http/render.ts' }],
    });
  });

  it('names a store port taken out of the wiring by name', () => {
    const source = `
      import { httpHandler } from '../../shared/http/handler.ts';
      import { organisationPorts } from '../../shared/store/wiring.ts';
      const { audit } = organisationPorts();
      export const handler = httpHandler(route, async ({ query }) => ({ body: await audit.list(query.target) }));`;
    expect(routeCode('functions/audit/list-audit.ts', source)).toMatchObject({
      useCases: [],
      store: [{ name: 'audit.list', module: 'shared/store/wiring.ts' }],
      other: [],
    });
  });

  it('reads the real handlers: each route calls something docs/api.md can name', () => {
    const code = routesCode(routes, root);
    expect(code.get('enrollUsers')).toEqual({
      handler: 'functions/enrollment/enroll-users.ts',
      useCases: [{ name: 'enrollUsers', module: 'shared/use-cases/enrollment.ts' }],
      store: [],
      other: [],
    });
    expect(code.get('getLearningPath')?.store).toEqual([
      { name: 'catalog.getLearningPath', module: 'shared/store/catalog-wiring.ts' },
    ]);
    for (const route of routes) {
      const found = code.get(route.id);
      expect(found?.handler).toBe(route.handler);
      expect(
        (found?.useCases.length ?? 0) + (found?.store.length ?? 0) + (found?.other.length ?? 0),
        route.id,
      ).toBeGreaterThan(0);
    }
  });
});
