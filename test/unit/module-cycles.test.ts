/**
 * Layers the code can keep: no module reaches itself through its imports. A cycle (infra/local/cognito.ts
 * and resources.ts once needed each other) means two modules are one in fact; move what both need into a
 * third that neither imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each module's relative imports (type-only ones too: they tie the modules together all the same). */
function importGraph(dirs: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of dirs.flatMap(sources)) {
    const text = readFileSync(join(root, file), 'utf8');
    const imports = [...text.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g)].map((match) =>
      relative(root, resolve(root, dirname(file), match[1] as string)),
    );
    graph.set(file, imports);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, as `a -> b -> a`. */
function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (module: string) => {
    path.push(module);
    for (const next of graph.get(module) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) found.push([...path.slice(at), next].join(' -> '));
      else if (!done.has(next) && graph.has(next)) visit(next);
    }
    path.pop();
    done.add(module);
  };
  for (const module of graph.keys()) if (!done.has(module)) visit(module);
  return found;
}

describe('module imports', () => {
  it('finds a cycle when there is one (the check itself)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(graph)).toEqual(['a.ts -> b.ts -> c.ts -> a.ts']);
  });

  it('have no cycles in shared, infra, functions and scripts', () => {
    expect(cycles(importGraph(['shared', 'infra', 'functions', 'scripts']))).toEqual([]);
  });
});
