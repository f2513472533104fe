// The bench's schema without key suggestions: the same keys accepted and refused, no suggestion left.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { JsonSchema } from '../../generator/model/fields';
import { repoRoot } from '../../generator/toolchain/tools';
import { withoutKeySuggestions } from './schema-variants';

const chartSchema = JSON.parse(readFileSync(path.join(repoRoot, 'chart/values.schema.json'), 'utf8')) as JsonSchema;

/** Every `propertyNames` of a schema, with where it stands. */
function propertyNamesOf(value: unknown, at = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null) return [];
  const here: [string, unknown][] = 'propertyNames' in value ? [[at, value.propertyNames]] : [];
  return [...here, ...Object.entries(value).flatMap(([key, child]) => propertyNamesOf(child, `${at}/${key}`))];
}

describe('withoutKeySuggestions', () => {
  const stripped = withoutKeySuggestions(chartSchema);

  it('leaves no suggestion in the chart schema, and drops the definitions only they used', () => {
    expect(JSON.stringify(chartSchema)).toContain('did you mean');
    expect(JSON.stringify(stripped)).not.toContain('did you mean');
    expect(Object.keys(stripped.definitions ?? {}).filter((name) => /^(suggest|near)-/.test(name))).toEqual([]);
    expect(Object.keys(stripped.definitions ?? {}).length).toBeGreaterThan(0);
  });

  it('keeps each closed object refusing the keys it refused (its list of keys), other key formats as they were', () => {
    const before = new Map(propertyNamesOf(chartSchema));
    const after = propertyNamesOf(stripped);
    expect(after.map(([at]) => at)).toEqual([...before.keys()]);
    for (const [at, names] of after) {
      const original = before.get(at) as { if?: { enum: string[] } };
      expect({ at, names }).toEqual({ at, names: original.if ? { enum: original.if.enum } : original });
    }
  });

  it('keeps a definition that a kept one refers to, and drops one nothing refers to (negative control)', () => {
    const schema: JsonSchema = {
      properties: { a: { $ref: '#/definitions/outer' } },
      definitions: { outer: { items: { $ref: '#/definitions/inner' } }, inner: { type: 'string' }, orphan: { type: 'string' } },
    };
    expect(Object.keys(withoutKeySuggestions(schema).definitions ?? {})).toEqual(['outer', 'inner']);
  });
});
