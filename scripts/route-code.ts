/**
 * Where each route's code is, read from its handler module rather than declared beside it, so it cannot
 * drift: the use cases the handler calls (functions imported from shared/use-cases/), the store methods it
 * calls itself (on what a shared/store wiring function returned), and any other shared function it calls.
 * docs/api.md names them, so any route's code is two hops away: handler file, then use case.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';
import type { CodeRef, RouteCode } from '../shared/http/api-docs.ts';
import type { RouteDefinition } from '../shared/http/route.ts';

/** The handler wrappers every route calls: plumbing, not the route's own code. */
const WRAPPERS = new Set(['shared/http/handler.ts', 'shared/http/idempotent-handler.ts']);

/**
 * Reads one handler module's source.
 * @example routeCode('functions/users/get-user.ts', source).useCases // [{ name: 'getUser', module: 'shared/use-cases/users.ts' }]
 */
export function routeCode(handler: string, source: string): RouteCode {
  const file = ts.createSourceFile(handler, source, ts.ScriptTarget.Latest, true);
  const imported = new Map<string, CodeRef>();
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const specifier = statement.moduleSpecifier.text;
    if (!specifier.startsWith('.')) continue;
    const module = normalize(join(dirname(handler), specifier));
    const bindings = statement.importClause?.namedBindings;
    if (!module.startsWith('shared/') || !bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      imported.set(element.name.text, { name: (element.propertyName ?? element.name).text, module });
    }
  }

  // What a store wiring function returned: `const ports = catalogPorts()` or `const { audit } = organisationPorts()`.
  const holders = new Map<string, { module: string; named: boolean }>();
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer;
      if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression)) continue;
      const factory = imported.get(init.expression.text);
      if (!factory?.module.startsWith('shared/store/')) continue;
      if (ts.isIdentifier(declaration.name)) {
        holders.set(declaration.name.text, { module: factory.module, named: false });
      } else if (ts.isObjectBindingPattern(declaration.name)) {
        for (const element of declaration.name.elements)
          if (ts.isIdentifier(element.name))
            holders.set(element.name.text, { module: factory.module, named: true });
      }
    }
  }

  const code: RouteCode = { handler, useCases: [], store: [], other: [] };
  const add = (list: CodeRef[], ref: CodeRef) => {
    if (!list.some((known) => known.name === ref.name && known.module === ref.module)) list.push(ref);
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isIdentifier(callee)) {
        const ref = imported.get(callee.text);
        if (ref?.module.startsWith('shared/use-cases/')) add(code.useCases, ref);
        else if (ref && !WRAPPERS.has(ref.module) && !ref.module.startsWith('shared/store/'))
          add(code.other, ref);
      } else if (ts.isPropertyAccessExpression(callee)) {
        const chain = propertyChain(callee);
        const holder = chain && holders.get(chain[0] as string);
        if (chain && holder) {
          const name = (holder.named ? chain : chain.slice(1)).join('.');
          add(code.store, { name, module: holder.module });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return code;
}

/** `ports.catalog.getLearningPath` as ['ports', 'catalog', 'getLearningPath']; undefined for anything else. */
function propertyChain(expression: ts.Expression): string[] | undefined {
  if (ts.isIdentifier(expression)) return [expression.text];
  if (!ts.isPropertyAccessExpression(expression)) return undefined;
  const head = propertyChain(expression.expression);
  return head ? [...head, expression.name.text] : undefined;
}

/** Every route's code, read from the handler files under `root`. */
export function routesCode(routes: readonly RouteDefinition[], root: string): Map<string, RouteCode> {
  return new Map(
    routes.map((route) => [
      route.id,
      routeCode(route.handler, readFileSync(join(root, route.handler), 'utf8')),
    ]),
  );
}
