// The validator is a product of its own: nothing it loads, directly or through another module,
// comes from the chart's values definition, its metadata, the chart tests or their helpers. The one
// thing it shares with the generator is generator/model/k8s-formats.ts, the Kubernetes formats.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');

/** Every repository file a module loads, transitively, through relative imports. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const [, spec] of source.matchAll(/(?:from|import\(|require\()\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = path.resolve(path.dirname(file), spec as string);
    closure(target.endsWith('.ts') ? target : `${target}.ts`, seen);
  }
  return seen;
}

it('loads nothing from the chart definition, the chart tests or their helpers', () => {
  const modules = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'fixtures.ts');
  const loaded = new Set(modules.flatMap((m) => [...closure(path.join(__dirname, m))]).map((f) => path.relative(repo, f)));
  expect([...loaded].filter((f) => !f.startsWith('tests/validator/'))).toEqual(['generator/model/k8s-formats.ts']);
});

it('would notice such an import (negative control)', () => {
  const chartTest = path.join(repo, 'tests', 'chart', 'renderings.test.ts');
  expect([...closure(chartTest)].map((f) => path.relative(repo, f))).toEqual(
    expect.arrayContaining(['generator/chart-metadata.ts', 'generator/values.ts']),
  );
});
