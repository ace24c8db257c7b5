import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/** Every .ts file under the given roots. */
function sources(...roots: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) out.push(normalize(path));
    }
  };
  for (const root of roots) walk(root);
  return out;
}

/** Relative imports and re-exports of a file, type-only ones included: a type cycle is a design cycle too. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) => normalize(join(dirname(file), m[1])));
}

/** The cycles of an import graph (file → the files it imports), each as a path that ends where it began. */
function cycles(graph: Map<string, string[]>): string[][] {
  const files = [...graph.keys()];
  const found: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (f: string): void => {
    if (onStack.has(f)) {
      found.push([...stack.slice(stack.indexOf(f)), f]);
      return;
    }
    if (done.has(f)) return;
    done.add(f);
    onStack.add(f);
    stack.push(f);
    for (const d of graph.get(f) ?? []) visit(d);
    stack.pop();
    onStack.delete(f);
  };
  for (const f of files) visit(f);
  return found;
}

describe('module structure', () => {
  it('has no import cycle in src or pipelines (type-only imports counted)', () => {
    const files = sources('src', 'pipelines');
    assert.ok(files.length > 100, `read ${files.length} files`);
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    assert.deepEqual(cycles(graph).map((c) => c.join(' → ')), []);
  });

  it('finds a cycle when there is one, type-only imports included (the check itself can fail)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    assert.deepEqual(cycles(graph), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    assert.deepEqual(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]])), []);
    // the import reader sees type-only imports and re-exports
    assert.ok(importsOf('src/learner/learner-stream.ts').some((f) => f.endsWith('stream-model.ts')), 'a type-only import is read');
    assert.ok(importsOf('src/index.ts').length > 50, 're-exports are read');
  });
});
