// Variants of the chart's values schema for `npm run bench`, to show what each part costs on every
// `helm template`: Helm compiles the whole schema on each run (see CONTRIBUTING.md, "Benchmark").
// Pure: the bench writes the variants into a copy of the chart.
import type { JsonSchema } from '../../generator/model/fields';

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value` with `visit` applied to every object inside it, children first. */
function mapNodes(value: unknown, visit: (node: Node) => Node): unknown {
  if (Array.isArray(value)) return value.map((item) => mapNodes(item, visit));
  if (!isNode(value)) return value;
  return visit(Object.fromEntries(Object.entries(value).map(([key, child]) => [key, mapNodes(child, visit)])));
}

/** The names of the definitions that `value` refers to, directly or through other definitions. */
function referencedDefinitions(schema: Node): Set<string> {
  const definitions = (schema.definitions ?? {}) as Record<string, unknown>;
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    if (!isNode(value)) return;
    const name = typeof value.$ref === 'string' ? /^#\/definitions\/(.+)$/.exec(value.$ref)?.[1] : undefined;
    if (name !== undefined && !found.has(name)) {
      found.add(name);
      visit(definitions[name]);
    }
    for (const [key, child] of Object.entries(value)) if (!(value === schema && key === 'definitions')) visit(child);
  };
  visit(schema);
  return found;
}

/**
 * The schema without its key suggestions (generator/emit/key-suggestions.ts): each closed object
 * keeps the list of its keys (`propertyNames: {enum}`), so it refuses the same keys, with the list
 * instead of "did you mean"; the definitions only the suggestions used are dropped.
 */
export function withoutKeySuggestions(schema: JsonSchema): JsonSchema {
  const stripped = mapNodes(schema, (node) => {
    const names = node.propertyNames;
    if (!isNode(names) || !isNode(names.if) || !Array.isArray(names.if.enum)) return node;
    return { ...node, propertyNames: { enum: names.if.enum } };
  }) as Node;
  const definitions = stripped.definitions as Record<string, unknown> | undefined;
  if (!definitions) return stripped as JsonSchema;
  const used = referencedDefinitions(stripped);
  const result: Node = { ...stripped, definitions: Object.fromEntries(Object.entries(definitions).filter(([name]) => used.has(name))) };
  if (used.size === 0) delete result.definitions;
  return result as JsonSchema;
}
